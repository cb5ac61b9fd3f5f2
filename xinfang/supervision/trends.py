"""The three rates month by month (BJ Art. 32), for the trend chart beside the ranking.

Same formulas and settings as ``rates.compute``; figures are over all units given (the
caller's visible units), so a month's rate is the pooled rate of those units. Months with
no valid sample have ``None`` rather than a made-up 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.db.models import Count, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from xinfang.cases.models import Event
from xinfang.reports.counters import rate_totals

from .models import ReturnVisit
from .rates import _cfg, whole_days


@dataclass(frozen=True)
class Month:
    month: str  # YYYY-MM
    visits: int
    ratings: int
    response: float | None
    resolution: float | None
    satisfaction: float | None


def _key(value: datetime) -> str:
    return timezone.localtime(value).strftime("%Y-%m")


def monthly(start: datetime, end: datetime, *, unit_ids: set[int]) -> list[Month]:
    """One row per month in [start, end) that has return visits or ratings."""
    w = float(_cfg()["BASIC_WEIGHT"])
    days = whole_days(start, end)
    if days is not None:
        return _from_counters(*days, unit_ids=unit_ids, w=w)
    visits = {
        _key(r["m"]): r
        for r in ReturnVisit.objects.filter(
            done_at__gte=start, done_at__lt=end, reached=True, unit_id__in=unit_ids
        )
        .annotate(m=TruncMonth("done_at"))
        .values("m")
        .annotate(
            n=Count("id"),
            contacted=Count("id", filter=Q(contacted=True)),
            solved=Count("id", filter=Q(solved=True)),
        )
    }
    ratings = {
        _key(r["m"]): r
        for r in Event.objects.filter(
            action="rate", at__gte=start, at__lt=end, matter__lead_unit_id__in=unit_ids
        )
        .annotate(m=TruncMonth("at"))
        .values("m")
        .annotate(
            n=Count("id"),
            sat=Count("id", filter=Q(data__rating="satisfied")),
            basic=Count("id", filter=Q(data__rating="basic")),
        )
    }
    out = []
    for key in sorted(set(visits) | set(ratings)):
        v = visits.get(key, {"n": 0, "contacted": 0, "solved": 0})
        r = ratings.get(key, {"n": 0, "sat": 0, "basic": 0})
        out.append(
            Month(
                month=key,
                visits=v["n"],
                ratings=r["n"],
                response=v["contacted"] / v["n"] if v["n"] else None,
                resolution=v["solved"] / v["n"] if v["n"] else None,
                satisfaction=(r["sat"] + w * r["basic"]) / r["n"] if r["n"] else None,
            )
        )
    return out


def _from_counters(first: date, stop: date, *, unit_ids: set[int], w: float) -> list[Month]:
    """The same months from the counters (``reports.counters.rate_totals``)."""

    months = {
        key: {
            "n": r["visits"],
            "contacted": r["contacted"],
            "solved": r["solved"],
            "sat": r["satisfied"],
            "basic": r["basic"],
            "unsat": r["unsatisfied"],
        }
        for key, r in rate_totals(first, stop, by="month", unit_ids=unit_ids).items()
    }
    out = []
    for key in sorted(months):
        v = months[key]
        nr = v["sat"] + v["basic"] + v["unsat"]
        if not v["n"] and not nr:
            continue
        out.append(
            Month(
                month=key,
                visits=v["n"],
                ratings=nr,
                response=v["contacted"] / v["n"] if v["n"] else None,
                resolution=v["solved"] / v["n"] if v["n"] else None,
                satisfaction=(v["sat"] + w * v["basic"]) / nr if nr else None,
            )
        )
    return out
