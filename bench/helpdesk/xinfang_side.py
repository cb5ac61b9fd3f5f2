"""The Xinfang side of the side-by-side benchmark (run with Xinfang's own Python).

    python bench/helpdesk/xinfang_side.py load --matters N [--templates 400] [--seed 1]
    python bench/helpdesk/xinfang_side.py export FILE
    python bench/helpdesk/xinfang_side.py credentials

The database comes from the usual environment (``DATABASE_URL`` / ``XINFANG_DATA_DIR``).

``load`` builds the demo county and ``--templates`` matters through the real services
(``xinfang demo``: register_matter and transition, every state, events, deadlines), then
copies those matters in bulk until there are N, each copy with a fresh complaint text of
the same topic and township, new petitioners, its own receipt number and a re-computed
event hash chain. Statuses, events, deadlines and units are therefore the ones the system
itself produces; only the texts and people vary. ``export`` writes one JSON line per
matter (texts, status, lead unit, received time, its events) for the helpdesk loader, so
both systems hold the same tickets. ``credentials`` prints a registrar API token and a
supervisor session key as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")

import django  # noqa: E402

django.setup()

from django.db import connection, transaction  # noqa: E402

from xinfang.cases import access  # noqa: E402
from xinfang.cases.models import Event, Matter, MatterUnit, Petitioner  # noqa: E402
from xinfang.demo import texts  # noqa: E402

BATCH = 2000
TOWNS = {t.name: t for t in texts.TOWNS}


def _town(m: Matter, rng: random.Random) -> texts.Town:
    for unit in (m.area, m.lead_unit):
        if unit is not None:
            for name, t in TOWNS.items():
                if name in unit.name or name == unit.short_name:
                    return t
    return rng.choice(texts.TOWNS)


def _text(m: Matter, rng: random.Random, town: texts.Town) -> tuple[str, str, str]:
    if m.status == "closed_on_spot":
        _, title, question, context, _answer = texts.consultation(rng)
        return title, question, context
    if m.status == "transferred":
        _, title, content, context, _reason = texts.emergency(rng, town)
        return title, content, context
    t = texts.matter_text(rng, m.topic.code if m.topic else "QT", town)
    return t.title, t.content, t.facts


def _copy_fields(m: Matter) -> dict[str, Any]:
    skip = {"id", "parent", "repeat_of"}
    return {
        f.attname: getattr(m, f.attname) for f in Matter._meta.concrete_fields if f.name not in skip
    }


def load(n: int, templates: int, seed: int) -> None:
    from django.core.management import call_command

    t0 = time.monotonic()
    call_command("migrate", verbosity=0)
    if not Matter.objects.exists():
        import io

        call_command("demo", matters=templates, verbosity=0, stdout=io.StringIO())
    tpl = list(Matter.objects.select_related("topic", "area", "lead_unit").order_by("pk"))
    have = Matter.objects.count()
    print(
        f"templates: {len(tpl)} matters through the real services in {time.monotonic() - t0:.0f}s",
        flush=True,
    )
    pets: dict[int, list[Petitioner]] = {}
    for p in Petitioner.objects.order_by("matter_id", "order", "id"):
        pets.setdefault(p.matter_id, []).append(p)
    units: dict[int, list[MatterUnit]] = {}
    for u in MatterUnit.objects.order_by("id"):
        units.setdefault(u.matter_id, []).append(u)
    evs: dict[int, list[Event]] = {}
    for e in Event.objects.order_by("matter_id", "seq"):
        evs.setdefault(e.matter_id, []).append(e)
    gen = 0
    t1 = time.monotonic()
    while have < n:
        gen += 1
        rng = random.Random(f"{seed}/{gen}")
        new_pk: dict[int, int] = {}
        pending = tpl[: n - have]
        titles: dict[int, str] = {}
        with transaction.atomic():
            while pending:
                ready = [
                    m
                    for m in pending
                    if (m.parent_id is None or m.parent_id in new_pk)
                    and (m.repeat_of_id is None or m.repeat_of_id in new_pk)
                ]
                done = {m.pk for m in ready}
                pending = [m for m in pending if m.pk not in done]
                if not ready:  # a reference outside the copied set
                    ready, pending = pending, []
                rows = []
                for m in ready:
                    town = _town(m, rng)
                    if m.parent_id is not None and m.parent_id in titles:
                        label = "【复查】" if m.kind == "review" else "【复核】"
                        title = (label + titles[m.parent_id])[:120]
                        content, facts = rows_text[m.parent_id]
                    else:
                        title, content, facts = _text(m, rng, town)
                    titles[m.pk] = title
                    fields = _copy_fields(m)
                    fields.update(
                        receipt_no=f"{m.receipt_no}.{gen}",
                        title=title,
                        content=content,
                        facts=facts,
                        parent_id=new_pk.get(m.parent_id) if m.parent_id else None,
                        repeat_of_id=new_pk.get(m.repeat_of_id) if m.repeat_of_id else None,
                    )
                    rows.append(Matter(**fields))
                    rows_text[m.pk] = (content, facts)
                created = []
                for i in range(0, len(rows), BATCH):
                    created += Matter.objects.bulk_create(rows[i : i + BATCH])
                for m, c in zip(ready, created, strict=True):
                    new_pk[m.pk] = c.pk
            people, handling, events, hashes = [], [], [], []
            for old, new in new_pk.items():
                town = rng.choice(texts.TOWNS)
                for p in pets.get(old, []):
                    people.append(
                        Petitioner(
                            matter_id=new,
                            name=texts.person(rng) if not p.is_organisation else p.name,
                            is_organisation=p.is_organisation,
                            phone=texts.phone(rng) if p.phone else "",
                            address=texts.address(rng, town) if p.address else "",
                            is_representative=p.is_representative,
                            order=p.order,
                        )
                    )
                for u in units.get(old, []):
                    handling.append(
                        MatterUnit(matter_id=new, unit_id=u.unit_id, role=u.role, active=u.active)
                    )
                prev = ""
                for e in evs.get(old, []):
                    ev = Event(
                        matter_id=new,
                        seq=e.seq,
                        action=e.action,
                        from_status=e.from_status,
                        to_status=e.to_status,
                        at=e.at,
                        actor_id=e.actor_id,
                        actor_unit_id=e.actor_unit_id,
                        by_citizen=e.by_citizen,
                        reason=e.reason,
                        data=e.data,
                        public=e.public,
                        prev_hash=prev,
                    )
                    ev.hash = ev.compute_hash()
                    prev = ev.hash
                    events.append(ev)
                hashes.append((prev, new))
            Petitioner.objects.bulk_create(people, batch_size=BATCH)
            MatterUnit.objects.bulk_create(handling, batch_size=BATCH)
            Event.objects.bulk_create(events, batch_size=BATCH)
            with connection.cursor() as cur:
                cur.executemany("UPDATE cases_matter SET last_hash = %s WHERE id = %s", hashes)
        have += len(new_pk)
        if gen % 20 == 0 or have >= n:
            rate = (have - len(tpl)) / (time.monotonic() - t1)
            print(f"  {have} matters ({rate:.0f}/s)", flush=True)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(
        f"loaded {Matter.objects.count()} matters, {Event.objects.count()} events "
        f"in {time.monotonic() - t0:.0f}s"
    )


rows_text: dict[int, tuple[str, str]] = {}


def export(path: str) -> None:
    """One JSON line per matter: what the helpdesk side needs to hold the same ticket."""
    names = dict(
        __import__("xinfang.org.models", fromlist=["Unit"]).Unit.objects.values_list("id", "name")
    )
    evs: dict[int, list[list[Any]]] = {}
    with open(path, "w", encoding="utf-8") as out:
        last = 0
        while True:
            chunk = list(
                Matter.objects.filter(pk__gt=last)
                .order_by("pk")
                .values(
                    "pk",
                    "title",
                    "content",
                    "facts",
                    "status",
                    "lead_unit_id",
                    "registered_unit_id",
                    "received_at",
                    "current_due",
                )[:5000]
            )
            if not chunk:
                break
            ids = [r["pk"] for r in chunk]
            evs.clear()
            for mid, action, at in (
                Event.objects.filter(matter_id__in=ids)
                .order_by("matter_id", "seq")
                .values_list("matter_id", "action", "at")
            ):
                evs.setdefault(mid, []).append([action, at.isoformat()])
            for r in chunk:
                unit = r["lead_unit_id"] or r["registered_unit_id"]
                out.write(
                    json.dumps(
                        {
                            "id": r["pk"],
                            "title": r["title"],
                            "description": (r["content"] + "\n" + r["facts"]).strip(),
                            "status": r["status"],
                            "queue": names[unit],
                            "created": r["received_at"].isoformat(),
                            "due": r["current_due"].isoformat() if r["current_due"] else None,
                            "events": evs.get(r["pk"], []),
                        },
                        ensure_ascii=False,
                    )
                    + "\n"
                )
            last = ids[-1]


def _users() -> tuple[Any, Any]:
    """A registrar of a letters-and-visits office, and the supervisor who sees the most: the
    demo's ``registrar``/``supervisor``, or on a seeded deployment the province office's."""
    from django.db.models.functions import Length

    from xinfang.org.models import Membership, Role, UnitKind, User

    demo = {u.username: u for u in User.objects.filter(username__in=["registrar", "supervisor"])}
    if len(demo) == 2:
        return demo["registrar"], demo["supervisor"]
    sup = (
        Membership.objects.filter(role=Role.SUPERVISOR, unit__kind=UnitKind.XINFANG_OFFICE)
        .select_related("user", "unit")
        .annotate(depth=Length("unit__path"))
        .order_by("depth", "id")
        .first()
    )
    if sup is None:
        raise SystemExit("no supervisor in this deployment")
    reg = (
        Membership.objects.filter(role=Role.REGISTRAR, unit=sup.unit).select_related("user").first()
        or Membership.objects.filter(role=Role.REGISTRAR, unit__kind=UnitKind.XINFANG_OFFICE)
        .select_related("user")
        .first()
    )
    if reg is None:
        raise SystemExit("no registrar in this deployment")
    return reg.user, sup.user


def credentials() -> None:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from xinfang.api.models import ApiToken
    from xinfang.org.models import Role

    registrar, supervisor = _users()
    _, token = ApiToken.issue(registrar, name="bench")
    s = SessionStore()
    s[SESSION_KEY] = str(supervisor.pk)
    s[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    s[HASH_SESSION_KEY] = supervisor.get_session_auth_hash()
    s.create()
    unit = registrar.memberships.filter(role=Role.REGISTRAR).first().unit
    visible = access.visible(supervisor).count()
    print(
        json.dumps(
            {
                "token": token,
                "session": s.session_key,
                "registrar": registrar.username,
                "supervisor": supervisor.username,
                "unit": unit.pk,
                "matters": Matter.objects.count(),
                "visible": visible,
            }
        )
    )


def index() -> None:
    """Fill the full-text index (when the search app exists) and recount the counters
    (when the reports app keeps them) for matters loaded in bulk."""
    out: dict[str, Any] = {}
    try:
        from xinfang.reports.counters import rebuild as recount
    except ImportError:
        pass
    else:
        t = time.monotonic()
        out |= {"counters": recount(), "count_seconds": round(time.monotonic() - t, 1)}
    try:
        from xinfang.search.models import SearchDoc
        from xinfang.search.services import rebuild
    except ImportError:
        print(json.dumps({**out, "search": False}))
        return
    t = time.monotonic()
    have, want = SearchDoc.objects.count(), Matter.objects.count()
    if have < want:
        rebuild()
    out |= {"search": True, "indexed": want, "seconds": round(time.monotonic() - t, 1)}
    print(json.dumps(out))


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    p = sub.add_parser("load")
    p.add_argument("--matters", type=int, required=True)
    p.add_argument("--templates", type=int, default=400)
    p.add_argument("--seed", type=int, default=1)
    p = sub.add_parser("export")
    p.add_argument("file")
    sub.add_parser("credentials")
    sub.add_parser("index")
    a = ap.parse_args()
    if a.cmd == "load":
        load(a.matters, a.templates, a.seed)
    elif a.cmd == "export":
        export(a.file)
    elif a.cmd == "index":
        index()
    else:
        credentials()


if __name__ == "__main__":
    main()
