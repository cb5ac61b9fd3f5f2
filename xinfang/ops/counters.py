"""Recounting the pre-aggregated counters of ``reports.counters`` from the rows they count:
the matters, the event log and the return visits (``xinfang rebuild_counters``)."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime
from typing import Any

from django.db import transaction
from django.db.models import Count, Q
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from xinfang.cases.models import Event, Matter
from xinfang.reports.counters import (
    COUNTED_ACTIONS,
    RATE_FIELDS,
    RATINGS,
    Key,
    RateRows,
    by_month,
    received_keys,
)
from xinfang.reports.models import MonthCount, RateCount, RateMonth
from xinfang.supervision.models import ReturnVisit


def month_rows(matter_model: Any, event_model: Any) -> dict[Key, int]:
    """Every ``MonthCount`` from the matters and the event log, as {(month, unit, dim,
    key): n}. Takes the models so that the migration that fills the table can use its own."""
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


def rebuild() -> int:
    """Replace every counter by the counts of the matters, the event log and the return
    visits."""
    months = month_rows(Matter, Event)
    rates = rate_rows()
    rate_months = by_month(rates)
    with transaction.atomic():
        MonthCount.objects.all().delete()
        fill(MonthCount, months)
        RateCount.objects.all().delete()
        RateCount.objects.bulk_create(
            (RateCount(day=d, unit_id=u, **counts) for (d, u), counts in rates.items()),
            batch_size=2000,
        )
        RateMonth.objects.all().delete()
        RateMonth.objects.bulk_create(
            (RateMonth(month=m, unit_id=u, **c) for (m, u), c in rate_months.items()),
            batch_size=2000,
        )
    return len(rates) + len(rate_months) + len(months)


def check(limit: int = 20) -> list[str]:
    """The counters that differ from a recount (at most ``limit``), writing nothing: what
    ``rebuild()`` would change."""
    out: list[str] = []
    want = {k: n for k, n in month_rows(Matter, Event).items() if n}
    have = {
        (m, u, d, k): n
        for m, u, d, k, n in MonthCount.objects.values_list("month", "unit", "dim", "key", "n")
        if n
    }
    for k in sorted(want.keys() | have.keys(), key=str):
        if want.get(k, 0) != have.get(k, 0):
            out.append(f"MonthCount {k}: {have.get(k, 0)} ≠ {want.get(k, 0)}")
    zero = dict.fromkeys(RATE_FIELDS, 0)
    days = {k: {**zero, **v} for k, v in rate_rows().items()}
    for model, col, want_rates in (
        (RateCount, "day", days),
        (RateMonth, "month", by_month(days)),
    ):
        kept = {
            (r[col], r["unit_id"]): {f: r[f] for f in RATE_FIELDS}
            for r in model.objects.values(col, "unit_id", *RATE_FIELDS)
        }
        for key in sorted(want_rates.keys() | kept.keys(), key=str):
            a, b = kept.get(key, zero), want_rates.get(key, zero)
            if a != b:
                out.append(f"{model.__name__} {key}: {a} ≠ {b}")
    return out[:limit]


def rate_rows() -> RateRows:
    """Every ``RateCount`` from the event log and the return visits."""
    tz = timezone.get_current_timezone()
    rows: RateRows = defaultdict(dict)
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
