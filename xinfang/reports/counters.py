"""Writing and rebuilding the pre-aggregated counters.

``RateCount`` (the three rates, per unit and day): ``add_rating`` and ``add_visit`` run inside
the caller's transaction (the ``rate`` effect of the transition function,
``visits.record_visit``). ``MonthCount`` (received matters and counted events, per month):
``add_received`` from ``register_matter`` and ``add_event`` from ``append_event``, likewise.
So a counter never disagrees with the rows it counts; ``rebuild()`` recomputes both from
the matters, events and visits.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import MonthCount, RateCount

RATINGS = ("satisfied", "basic", "unsatisfied")
# The actions the dashboard and reports summary count (``queries.SUMMARY_ACTIONS``).
COUNTED_ACTIONS = frozenset(
    {"forward", "assign", "supervise", "approve_opinion", "request_review", "request_reexam"}
)


def _bump(unit_id: int, day: date, **inc: int) -> None:
    changes = {k: F(k) + v for k, v in inc.items() if v}
    if not changes:
        return
    if RateCount.objects.filter(day=day, unit_id=unit_id).update(**changes):
        return
    try:
        with transaction.atomic():
            RateCount.objects.create(day=day, unit_id=unit_id, **{k: v for k, v in inc.items()})
    except IntegrityError:  # created concurrently: add to it
        RateCount.objects.filter(day=day, unit_id=unit_id).update(**changes)


def add_rating(unit_id: int | None, rating: str, at: datetime) -> None:
    if unit_id is None or rating not in RATINGS:
        return
    _bump(unit_id, timezone.localdate(at), **{rating: 1})


def add_visit(unit_id: int, at: datetime, *, contacted: bool, solved: bool) -> None:
    _bump(unit_id, timezone.localdate(at), visits=1, contacted=int(contacted), solved=int(solved))


def month_of(at: datetime) -> date:
    return timezone.localdate(at).replace(day=1)


def received_keys(
    channel: str, category: str, topic_id: int | None, area_id: int | None, collective: bool
) -> list[tuple[str, str]]:
    """The (dim, key) counters one received original matter adds to."""
    keys = [
        ("channel", channel),
        ("category", category),
        ("topic_area", f"{topic_id or ''}:{area_id or ''}"),
    ]
    return [*keys, ("collective", "")] if collective else keys


Key = tuple[date, int, str, str]  # (month, unit, dim, key)


def _upsert(rows: Iterable[tuple[date, int, str, str, int]]) -> None:
    rows = list(rows)
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(MonthCount._meta.db_table)
    cols = ", ".join(qn(c) for c in ("month", "unit", "dim", "key", "n"))
    values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({cols}) VALUES {values} "
            f"ON CONFLICT ({qn('unit')}, {qn('month')}, {qn('dim')}, {qn('key')}) "
            f"DO UPDATE SET {qn('n')} = {table}.{qn('n')} + excluded.{qn('n')}",
            [v for r in rows for v in r],
        )


def add_received(m: Any) -> None:
    """Count a newly registered original matter (inside ``register_matter``'s transaction),
    in the sums and in its registering unit's rows."""
    month = month_of(m.received_at)
    keys = received_keys(m.channel, m.category, m.topic_id, m.area_id, m.is_collective)
    units = (MonthCount.ALL, m.registered_unit_id)
    _upsert((month, u, dim, key, 1) for u in units for dim, key in keys)


def add_event(m: Any, action: str, at: datetime) -> None:
    if action in COUNTED_ACTIONS:
        month = month_of(at)
        _upsert((month, u, "action", action, 1) for u in (MonthCount.ALL, m.registered_unit_id))


def month_rows(matter_model: Any, event_model: Any) -> dict[Key, int]:
    """Every ``MonthCount`` from the matters and the event log, as {(month, unit, dim,
    key): n}. Takes the models so that the migration that fills the table can use its own."""
    from django.db.models.functions import TruncMonth

    tz = timezone.get_current_timezone()
    out: dict[Key, int] = defaultdict(int)

    def first(v: date | datetime) -> date:
        return (timezone.localtime(v).date() if isinstance(v, datetime) else v).replace(day=1)

    fields = ("channel", "category", "topic_id", "area_id", "is_collective")
    for r in (
        matter_model.objects.filter(kind="original")
        .annotate(m=TruncMonth("received_at", tzinfo=tz))
        .values("m", "registered_unit_id", *fields)
        .annotate(n=Count("id"))
        .order_by()
    ):
        month = first(r["m"])
        for dim, key in received_keys(*(r[f] for f in fields)):
            out[(month, MonthCount.ALL, dim, key)] += r["n"]
            out[(month, r["registered_unit_id"], dim, key)] += r["n"]
    for r in (
        event_model.objects.filter(action__in=sorted(COUNTED_ACTIONS))
        .annotate(m=TruncMonth("at", tzinfo=tz))
        .values("m", "matter__registered_unit_id", "action")
        .annotate(n=Count("id"))
        .order_by()
    ):
        month = first(r["m"])
        out[(month, MonthCount.ALL, "action", r["action"])] += r["n"]
        out[(month, r["matter__registered_unit_id"], "action", r["action"])] += r["n"]
    return out


def fill(month_count_model: Any, rows: dict[Key, int]) -> None:
    month_count_model.objects.bulk_create(
        (month_count_model(month=m, unit=u, dim=d, key=k, n=n) for (m, u, d, k), n in rows.items()),
        batch_size=2000,
    )


RATE_FIELDS = ("visits", "contacted", "solved", *RATINGS)


def rebuild() -> int:
    """Replace every counter by the counts of the matters, the event log and the return
    visits."""
    from xinfang.cases.models import Event, Matter

    months = month_rows(Matter, Event)
    rates = rate_rows()
    with transaction.atomic():
        MonthCount.objects.all().delete()
        fill(MonthCount, months)
        RateCount.objects.all().delete()
        RateCount.objects.bulk_create(
            (RateCount(day=d, unit_id=u, **counts) for (d, u), counts in rates.items()),
            batch_size=2000,
        )
    return len(rates) + len(months)


def check(limit: int = 20) -> list[str]:
    """The counters that differ from a recount (at most ``limit``), writing nothing: what
    ``rebuild()`` would change."""
    from xinfang.cases.models import Event, Matter

    out: list[str] = []
    want = {k: n for k, n in month_rows(Matter, Event).items() if n}
    have = {(r.month, r.unit, r.dim, r.key): r.n for r in MonthCount.objects.all() if r.n}
    for k in sorted(want.keys() | have.keys(), key=str):
        if want.get(k, 0) != have.get(k, 0):
            out.append(f"MonthCount {k}: {have.get(k, 0)} ≠ {want.get(k, 0)}")
    zero = dict.fromkeys(RATE_FIELDS, 0)
    rates = {k: {**zero, **v} for k, v in rate_rows().items()}
    kept = {
        (r.day, r.unit_id): {f: getattr(r, f) for f in RATE_FIELDS} for r in RateCount.objects.all()
    }
    for day_unit in sorted(rates.keys() | kept.keys(), key=str):
        a, b = kept.get(day_unit, zero), rates.get(day_unit, zero)
        if a != b:
            out.append(f"RateCount {day_unit}: {a} ≠ {b}")
    return out[:limit]


def rate_rows() -> dict[tuple[date, int], dict[str, int]]:
    """Every ``RateCount`` from the event log and the return visits."""
    from xinfang.cases.models import Event
    from xinfang.supervision.models import ReturnVisit

    tz = timezone.get_current_timezone()
    rows: dict[tuple[date, int], dict[str, int]] = defaultdict(dict)
    for r in (
        Event.objects.filter(action="rate", matter__lead_unit__isnull=False)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "matter__lead_unit_id", "data__rating")
        .annotate(n=Count("id"))
    ):
        if r["data__rating"] in RATINGS:
            key = (r["day"], r["matter__lead_unit_id"])
            rows[key][r["data__rating"]] = rows[key].get(r["data__rating"], 0) + r["n"]
    for r in (
        ReturnVisit.objects.filter(reached=True, done_at__isnull=False)
        .annotate(day=TruncDate("done_at", tzinfo=tz))
        .values("day", "unit_id")
        .annotate(
            n=Count("id"),
            c=Count("id", filter=Q(contacted=True)),
            s=Count("id", filter=Q(solved=True)),
        )
    ):
        rows[(r["day"], r["unit_id"])].update(visits=r["n"], contacted=r["c"], solved=r["s"])
    return rows
