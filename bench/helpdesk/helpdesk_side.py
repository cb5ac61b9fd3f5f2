"""The django-helpdesk side of the benchmark (run with bench/helpdesk/.venv's Python,
inside the project that run.py writes; DJANGO_SETTINGS_MODULE=hdproj.settings).

    python helpdesk_side.py load EXPORT.jsonl
    python helpdesk_side.py credentials

``load`` migrates, makes one queue per Xinfang unit, and bulk-inserts one ticket per
exported matter (same title, description = request + facts, created = received time,
status mapped below) with one follow-up per Xinfang event (its action and time), so both
systems hold the same texts, statuses, queues and history rows.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import datetime

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from helpdesk.models import FollowUp, Queue, Ticket  # noqa: E402

OPEN, RESOLVED, CLOSED = Ticket.OPEN_STATUS, Ticket.RESOLVED_STATUS, Ticket.CLOSED_STATUS
# Xinfang's terminal statuses are helpdesk's Closed; an answered matter waits for the
# petitioner's rating or review like a Resolved ticket; everything else is Open.
TERMINAL = {"concluded", "redirected", "not_accepted", "transferred", "closed_on_spot"}
BATCH = 2000


def status_of(x: str) -> int:
    if x in TERMINAL:
        return CLOSED
    return RESOLVED if x == "answered" else OPEN


def load(path: str) -> None:
    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    Ticket._meta.get_field("created").auto_now_add = False
    Ticket._meta.get_field("modified").auto_now = False
    queues: dict[str, Queue] = {q.title: q for q in Queue.objects.all()}
    n = 0
    with open(path, encoding="utf-8") as f:
        while True:
            lines = [line for _, line in zip(range(BATCH), f, strict=False)]
            if not lines:
                break
            rows = [json.loads(line) for line in lines]
            with transaction.atomic():
                for r in rows:
                    if r["queue"] not in queues:
                        q = Queue.objects.create(
                            title=r["queue"],
                            slug=f"q{len(queues) + 1}",
                            allow_public_submission=False,
                        )
                        queues[r["queue"]] = q
                tickets = []
                for r in rows:
                    created = datetime.fromisoformat(r["created"])
                    last = datetime.fromisoformat(r["events"][-1][1]) if r["events"] else created
                    tickets.append(
                        Ticket(
                            title=r["title"][:200],
                            queue=queues[r["queue"]],
                            created=created,
                            modified=last,
                            submitter_email=f"p{r['id']}@example.invalid",
                            status=status_of(r["status"]),
                            description=r["description"],
                            priority=3,
                            due_date=datetime.fromisoformat(r["due"] + "T18:00:00+08:00")
                            if r["due"]
                            else None,
                        )
                    )
                tickets = Ticket.objects.bulk_create(tickets)
                follow = [
                    FollowUp(ticket=t, date=datetime.fromisoformat(at), title=action, public=True)
                    for t, r in zip(tickets, rows, strict=True)
                    for action, at in r["events"]
                ]
                FollowUp.objects.bulk_create(follow, batch_size=BATCH)
            n += len(rows)
            if n % 50000 < BATCH:
                print(f"  {n} tickets ({n / (time.monotonic() - t0):.0f}/s)", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"loaded {Ticket.objects.count()} tickets, {FollowUp.objects.count()} follow-ups "
        f"in {len(queues)} queues in {time.monotonic() - t0:.0f}s"
    )


def credentials() -> None:
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore
    from rest_framework.authtoken.models import Token

    user_model = get_user_model()
    user = user_model.objects.filter(username="bench").first()
    if user is None:
        user = user_model.objects.create_superuser("bench", "bench@example.invalid", None)
    token, _ = Token.objects.get_or_create(user=user)
    s = SessionStore()
    s[SESSION_KEY] = str(user.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = user.get_session_auth_hash()
    s.create()
    q = Queue.objects.order_by("id").first()
    print(
        json.dumps(
            {
                "token": token.key,
                "session": s.session_key,
                "queue": q.pk if q else None,
                "queues": list(Queue.objects.values_list("id", flat=True)),
                "tickets": Ticket.objects.count(),
            }
        )
    )


if __name__ == "__main__":
    if sys.argv[1] == "load":
        load(sys.argv[2])
    else:
        credentials()
