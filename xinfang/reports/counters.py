"""Writing and rebuilding the pre-aggregated counters.

``RateCount`` and ``RateMonth`` (the three rates, per unit and day, and per unit and month):
``add_rating`` and ``add_visit`` run inside the caller's transaction (the ``rate`` effect of
the transition function, ``visits.record_visit``). ``MonthCount`` (received matters and
counted events, per month): ``add_received`` from ``register_matter`` and ``add_event`` from
``append_event``, likewise. So a counter never disagrees with the rows it counts;
``ops.counters.rebuild()`` recomputes them all from the matters, events and visits.
``rate_totals`` reads the rate counters for any run of days.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from django.db import connection
from django.db.models import Q, Sum
from django.utils import timezone

from .models import MonthCount, RateCount, RateMonth

RATINGS = ("satisfied", "basic", "unsatisfied")
RATE_FIELDS = ("visits", "contacted", "solved", *RATINGS)
# The actions the dashboard and reports summary count, by the summary's name for each:
# naming them lets the (action, at, matter) index find them.
SUMMARY_ACTIONS = {
    "forwarded": "forward",
    "assigned": "assign",
    "supervised": "supervise",
    "answered": "approve_opinion",
    "reviews": "request_review",
    "reexams": "request_reexam",
}
COUNTED_ACTIONS = frozenset(SUMMARY_ACTIONS.values())


def _add(model: Any, keys: Sequence[str], rows: Sequence[dict[str, Any]]) -> None:
    """Add each row's counts to the counter row of its ``keys`` (the model's unique
    columns), creating it: one ``INSERT … ON CONFLICT DO UPDATE`` for all the rows (SQLite
    3.24+, PostgreSQL), so concurrent writers add to each other's rows. Every row names the
    same columns."""
    if not rows:
        return
    qn = connection.ops.quote_name
    table = qn(model._meta.db_table)
    cols = list(rows[0])
    sums = ", ".join(f"{qn(c)} = {table}.{qn(c)} + excluded.{qn(c)}" for c in cols if c not in keys)
    values = ", ".join(["(" + ", ".join(["%s"] * len(cols)) + ")"] * len(rows))
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} ({', '.join(qn(c) for c in cols)}) VALUES {values} "
            f"ON CONFLICT ({', '.join(qn(k) for k in keys)}) DO UPDATE SET {sums}",
            [r[c] for r in rows for c in cols],
        )


def _bump(unit_id: int, day: date, **inc: int) -> None:
    counts = {"unit_id": unit_id, **dict.fromkeys(RATE_FIELDS, 0), **inc}
    _add(RateCount, ("day", "unit_id"), [{"day": day, **counts}])
    _add(RateMonth, ("month", "unit_id"), [{"month": day.replace(day=1), **counts}])


RateKey = tuple[date, int]  # (day or month, unit)
RateRows = dict[RateKey, dict[str, int]]


def by_month(days: RateRows) -> RateRows:
    """Daily rate counts (``rate_rows``) summed per month: the ``RateMonth`` rows."""
    out: RateRows = {}
    for (day, unit), counts in days.items():
        acc = out.setdefault((day.replace(day=1), unit), dict.fromkeys(RATE_FIELDS, 0))
        for f, n in counts.items():
            acc[f] += n
    return out


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def rate_totals(
    first: date, stop: date, *, by: str, unit_ids: Iterable[int] | None = None
) -> dict[Any, dict[str, int]]:
    """The rate counts over the days [first, stop), summed per unit (``by="unit"``, keys
    unit ids) or per month (``by="month"``, keys ``"YYYY-MM"``), of ``unit_ids`` or every
    unit: the whole months from ``RateMonth``, the days either side of them from
    ``RateCount``."""
    start_month = first if first.day == 1 else _next_month(first)
    end_month = stop.replace(day=1)
    parts: list[tuple[Any, str, Q]] = []
    if start_month < end_month:
        parts.append((RateMonth, "month", Q(month__gte=start_month, month__lt=end_month)))
        days = Q(day__gte=first, day__lt=start_month) | Q(day__gte=end_month, day__lt=stop)
    else:
        days = Q(day__gte=first, day__lt=stop)
    parts.append((RateCount, "day", days))
    out: dict[Any, dict[str, int]] = {}
    sums = {f"sum_{f}": Sum(f) for f in RATE_FIELDS}
    for model, col, q in parts:
        qs = model.objects.filter(q)
        if unit_ids is not None:
            qs = qs.filter(unit_id__in=sorted(unit_ids))
        group = "unit_id" if by == "unit" else col
        for r in qs.values(group).annotate(**sums).order_by():
            key = r[group] if by == "unit" else f"{r[group]:%Y-%m}"
            acc = out.setdefault(key, dict.fromkeys(RATE_FIELDS, 0))
            for f in RATE_FIELDS:
                acc[f] += r[f"sum_{f}"] or 0
    return out


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


def _count(rows: Iterable[Key]) -> None:
    """Add one to each (month, unit, dim, key) counter."""
    _add(
        MonthCount,
        ("unit", "month", "dim", "key"),
        [{"unit": u, "month": m, "dim": d, "key": k, "n": 1} for m, u, d, k in rows],
    )


def add_received(m: Any) -> None:
    """Count a newly registered original matter (inside ``register_matter``'s transaction),
    in the sums and in its registering unit's rows."""
    month = month_of(m.received_at)
    keys = received_keys(m.channel, m.category, m.topic_id, m.area_id, m.is_collective)
    units = (MonthCount.ALL, m.registered_unit_id)
    _count((month, u, dim, key) for u in units for dim, key in keys)


def add_event(m: Any, action: str, at: datetime) -> None:
    if action in COUNTED_ACTIONS:
        month = month_of(at)
        _count((month, u, "action", action) for u in (MonthCount.ALL, m.registered_unit_id))
