"""The writes every action shares: the hash-chained event, the clock's verdicts on the row,
the matter's units, receipt numbers. Callers hold the matter's row lock."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime
from typing import Any

from xinfang.cases.clock import answered_on_time, clock_for
from xinfang.cases.models import Event, Matter, MatterUnit, ReceiptCounter, Status
from xinfang.core import serials
from xinfang.core.rows import Insert
from xinfang.org.models import Unit, User
from xinfang.reports import counters as month_counts

EVENTS = Insert(Event)


def append_event(
    m: Matter,
    *,
    action: str,
    from_status: str,
    actor: User | None,
    at: datetime,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    public: bool = True,
    by_citizen: bool = False,
) -> Event:
    """Append one hash-chained event. Callers hold the matter's row lock."""
    actor_unit = None
    if actor is not None and actor.is_authenticated:
        units = {ms.unit_id for ms in actor.memberships.all()}
        for candidate in (m.lead_unit_id, m.registered_unit_id):
            if candidate in units:
                actor_unit = candidate
                break
        if actor_unit is None and units:
            actor_unit = min(units)
    ev = Event(
        matter=m,
        seq=m.event_count + 1,
        action=action,
        from_status=from_status,
        to_status=m.status,
        at=at,
        actor=actor if actor is not None and actor.is_authenticated else None,
        actor_unit_id=actor_unit,
        by_citizen=by_citizen,
        reason=reason,
        data=_jsonable(dict(data or {})),
        public=public,
        prev_hash=m.last_hash,
    )
    ev.hash = ev.compute_hash()
    EVENTS.run([ev], [EVENTS.prepare(ev)])  # ev.save() without building the INSERT each time
    month_counts.add_event(m, action, at)
    m.event_count = ev.seq
    m.last_hash = ev.hash
    return ev


def _jsonable(d: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for k, v in d.items():
        if isinstance(v, date | datetime):
            out[k] = v.isoformat()
        elif isinstance(v, dict):
            out[k] = _jsonable(v)
        else:
            out[k] = v
    return out


def refresh_deadlines(m: Matter, *, events: Sequence[Event] | None = None) -> None:
    """Denormalise the nearest open obligation onto the row for queues and sweeps.

    ``events`` is the whole log when the caller holds it (registration: the one event
    just written), so the clock is not read back from the database."""
    clock = clock_for(m, events=events)
    cur = clock.current()
    m.current_due = cur.due if cur else None
    m.current_due_kind = cur.kind if cur else ""
    m.answered_on_time = answered_on_time(clock, m.kind)


def sync_merged_units(main: Matter) -> None:
    """Matters merged into ``main`` are handled by its units (lead and assisting), so the
    same people see and answer them. Denormalised; the main's event records the change."""
    children = list(
        Matter.objects.merged_into_main(main)
        .exclude(status=Status.LINKED)
        .values_list("pk", flat=True)
    )
    if not children:
        return
    MatterUnit.objects.filter(matter_id__in=children, active=True).update(active=False)
    units = list(MatterUnit.objects.filter(matter=main, active=True).values_list("unit_id", "role"))
    MatterUnit.objects.bulk_create(
        [MatterUnit(matter_id=c, unit_id=u, role=r) for c in children for u, r in units]
    )
    Matter.objects.filter(pk__in=children).update(
        lead_unit_id=main.lead_unit_id, dispatched_by_id=main.dispatched_by_id
    )


def set_units(m: Matter, lead: Unit | None, assisting: list[Unit]) -> None:
    MatterUnit.objects.filter(matter=m, active=True).update(active=False)
    rows = []
    if lead is not None:
        rows.append(MatterUnit(matter=m, unit=lead, role=MatterUnit.LEAD))
    rows += [
        MatterUnit(matter=m, unit=u, role=MatterUnit.ASSIST)
        for u in assisting
        if lead is None or u.pk != lead.pk
    ]
    MatterUnit.objects.bulk_create(rows)
    m.lead_unit = lead


def next_receipt_no(unit: Unit, year: int) -> str:
    """``<division code><unit id>-<year>-<serial>``, serial per unit and year.

    The unit id makes numbers unique when several organs share a division code.
    """
    last = serials.bump(ReceiptCounter, unit_id=unit.pk, year=year)
    prefix = f"{unit.division_code}{unit.pk:04d}"
    return f"{prefix}-{year}-{last:06d}"
