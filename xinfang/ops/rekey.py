"""Re-keying the audit chains: from the unkeyed SHA-256 of earlier versions (migration
``audit.0002``) or from an earlier audit key (``xinfang audit rekey``).

Only what verifies under the old hash is re-keyed: a chain is rewritten from its first row
up to its first row that is edited, missing or not linked, and the rest is left as it was, so
``xinfang audit verify`` still reports it (a tail deleted before, whose head no longer
matches, stays reported too). A row that already verifies under the new key is kept, so an
interrupted run can be run again. The models are arguments so that the migration can pass
its historical ones.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from django.db import transaction

from xinfang.audit.models import AccessLog
from xinfang.cases.chain import event_body, event_fields

Mac = Callable[[bytes], str]
BATCH = 2000


def legacy_mac(body: bytes) -> str:
    """The unkeyed hash of earlier versions: never accepted once re-keyed."""
    return hashlib.sha256(body).hexdigest()


def _event_body(ev: Any, prev: str) -> bytes:
    return event_body(**{**event_fields(ev), "prev": prev})


def rekey_events(
    event_model: Any, matter_model: Any, connection: Any, *, old: Mac, new: Mac
) -> tuple[int, int]:
    """Re-key every matter's chain and head. Returns (events rewritten, matters left as
    they were from a broken row or a head that does not match)."""
    ev_table = event_model._meta.db_table
    m_table = matter_model._meta.db_table
    rewritten = broken = 0
    last = 0
    while True:
        matters = list(
            matter_model.objects.filter(pk__gt=last)
            .order_by("pk")
            .values_list("pk", "event_count", "last_hash")[:BATCH]
        )
        if not matters:
            return rewritten, broken
        # per matter: next seq, previous hash as stored, previous hash as re-keyed, intact
        state: dict[int, list[Any]] = {pk: [1, "", "", True] for pk, _c, _h in matters}
        rows, heads = [], []
        events = event_model.objects.filter(matter_id__in=state).order_by("matter_id", "seq")
        for ev in events:
            s = state[ev.matter_id]
            if not s[3]:
                continue
            if ev.seq == s[0] and ev.prev_hash == s[1] and old(_event_body(ev, s[1])) == ev.hash:
                h = new(_event_body(ev, s[2]))
                if (ev.prev_hash, ev.hash) != (s[2], h):
                    rows.append((s[2], h, ev.pk))
                s[1], s[2] = ev.hash, h
            elif ev.seq == s[0] and ev.prev_hash == s[2] and new(_event_body(ev, s[2])) == ev.hash:
                s[1] = s[2] = ev.hash  # re-keyed by an earlier run
            else:
                s[3] = False
                continue
            s[0] += 1
        for pk, count, head in matters:
            s = state[pk]
            if s[3] and count == s[0] - 1 and head in (s[1], s[2]):
                if head != s[2]:
                    heads.append((s[2], pk))
            else:
                broken += 1
        with transaction.atomic(using=connection.alias), connection.cursor() as cur:
            if rows:
                cur.executemany(
                    f"UPDATE {ev_table} SET prev_hash = %s, hash = %s WHERE id = %s", rows
                )
            if heads:
                cur.executemany(f"UPDATE {m_table} SET last_hash = %s WHERE id = %s", heads)
        rewritten += len(rows)
        last = matters[-1][0]


def _access_body(row: Any, prev: str) -> bytes:

    return AccessLog(
        at=row.at,
        user_id=row.user_id,
        matter_id=row.matter_id,
        what=row.what,
        detail=row.detail,
        purpose=row.purpose,
        ip=row.ip,
        channel=row.channel,
        prev_hash=prev,
    ).hash_body()


def rekey_access_log(
    log_model: Any, head_model: Any, connection: Any, *, old: Mac, new: Mac
) -> tuple[int, bool]:
    """Re-key the access log and its head. Returns (rows rewritten, intact)."""
    table = log_model._meta.db_table
    prev_old = prev_new = ""
    n = rewritten = 0
    last = 0
    intact = True
    while intact:
        page = list(log_model.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not page:
            break
        rows = []
        for row in page:
            if row.prev_hash == prev_old and old(_access_body(row, prev_old)) == row.hash:
                h = new(_access_body(row, prev_new))
                if (row.prev_hash, row.hash) != (prev_new, h):
                    rows.append((prev_new, h, row.pk))
                prev_old, prev_new = row.hash, h
            elif row.prev_hash == prev_new and new(_access_body(row, prev_new)) == row.hash:
                prev_old = prev_new = row.hash
            else:
                intact = False
                break
            n += 1
        if rows:
            with transaction.atomic(using=connection.alias), connection.cursor() as cur:
                cur.executemany(f"UPDATE {table} SET prev_hash = %s, hash = %s WHERE id = %s", rows)
        rewritten += len(rows)
        last = page[-1].pk
    head = head_model.objects.filter(name="access").first()
    if head is not None and intact and head.count == n and head.hash in (prev_old, prev_new):
        head_model.objects.filter(pk=head.pk).update(hash=prev_new)
    elif head is not None:
        intact = False
    return rewritten, intact
