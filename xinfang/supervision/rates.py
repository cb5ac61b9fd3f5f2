"""The three rates per unit and period (BJ Art. 32; formulas are settings, procedure.md §6).

响应率 = contacted ÷ valid return visits; 解决率 = solved ÷ valid return visits;
满意率 = (满意 + w × 基本满意) ÷ ratings, with w = 0.9 by default. The minimum sample
applies to each metric's own sample (return visits for the first two, ratings for the
third): a rate on a short sample is shown with its counts and marked, and a unit with
either sample short is not ranked. Units are ranked only against units of the same level.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any

from django.conf import settings
from django.db.models import Count, Q
from django.utils import timezone

from xinfang.cases.models import Event, Matter
from xinfang.org.models import Unit
from xinfang.reports.counters import rate_totals

from .models import ReturnVisit


def _cfg() -> dict[str, Any]:
    return {"BASIC_WEIGHT": 0.9, "MIN_SAMPLE": 10, **settings.XINFANG.get("RATES", {})}


@dataclass
class UnitRates:
    unit_id: int
    unit_name: str
    level: str
    visits: int  # valid return visits
    contacted: int
    solved: int
    ratings: int
    satisfied: int
    basic: int
    unsatisfied: int
    response: float | None
    resolution: float | None
    satisfaction: float | None
    ranked: bool
    rank: int | None = None
    score: float | None = None
    # the samples below the minimum, by metric: the return visits behind 响应率 and 解决率,
    # the ratings behind 满意率 (a unit is ranked only when neither is short)
    short_visits: bool = False
    short_ratings: bool = False


def compute(start: datetime, end: datetime, *, units: list[Unit] | None = None) -> list[UnitRates]:
    """Rates for every unit that handled matters in [start, end), ranked within level."""
    cfg = _cfg()
    w, minimum = float(cfg["BASIC_WEIGHT"]), int(cfg["MIN_SAMPLE"])
    days = whole_days(start, end)
    visits, ratings = _from_counters(*days) if days else _from_rows(start, end)
    ids = set(visits) | set(ratings)
    if units is not None:
        ids &= {u.pk for u in units}
    names = Unit.objects.only("name", "level").in_bulk(ids)
    out = []
    for uid in ids:
        v = visits.get(uid, {"n": 0, "contacted": 0, "solved": 0})
        r = ratings.get(uid, {})
        sat, basic, unsat = r.get("satisfied", 0), r.get("basic", 0), r.get("unsatisfied", 0)
        nr = sat + basic + unsat
        n = v["n"]
        out.append(
            UnitRates(
                unit_id=uid,
                unit_name=names[uid].name,
                level=names[uid].level,
                visits=n,
                contacted=v["contacted"],
                solved=v["solved"],
                ratings=nr,
                satisfied=sat,
                basic=basic,
                unsatisfied=unsat,
                response=v["contacted"] / n if n else None,
                resolution=v["solved"] / n if n else None,
                satisfaction=(sat + w * basic) / nr if nr else None,
                ranked=n >= minimum and nr >= minimum,
                short_visits=n < minimum,
                short_ratings=nr < minimum,
            )
        )
    _rank(out)
    return sorted(out, key=lambda x: (x.level, x.rank or 10**9, x.unit_name))


def whole_days(start: datetime, end: datetime) -> tuple[date, date] | None:
    """[first day, last day) when both ends are local midnights, else None."""
    a, b = timezone.localtime(start), timezone.localtime(end)
    if a.time() == time.min and b.time() == time.min:
        return a.date(), b.date()
    return None


Counts = tuple[dict[int, dict[str, int]], dict[int, dict[str, int]]]


def _from_counters(first: date, stop: date) -> Counts:
    """Visits and ratings per unit from the counters (``reports.counters.rate_totals``)."""

    visits: dict[int, dict[str, int]] = {}
    ratings: dict[int, dict[str, int]] = {}
    for uid, r in rate_totals(first, stop, by="unit").items():
        if r["visits"]:
            visits[uid] = {"n": r["visits"], "contacted": r["contacted"], "solved": r["solved"]}
        given = {k: r[k] for k in ("satisfied", "basic", "unsatisfied") if r[k]}
        if given:
            ratings[uid] = given
    return visits, ratings


def _from_rows(start: datetime, end: datetime) -> Counts:
    """The same counts read from the visits and the event log (any period)."""
    visits = {
        r.pop("unit_id"): r
        for r in ReturnVisit.objects.filter(done_at__gte=start, done_at__lt=end, reached=True)
        .values("unit_id")
        .annotate(
            n=Count("id"),
            contacted=Count("id", filter=Q(contacted=True)),
            solved=Count("id", filter=Q(solved=True)),
        )
    }
    ratings: dict[int, dict[str, int]] = {}
    for r in (
        Event.objects.filter(
            action="rate", at__gte=start, at__lt=end, matter__lead_unit__isnull=False
        )
        .values("matter__lead_unit_id", "data__rating")
        .annotate(n=Count("id"))
    ):
        ratings.setdefault(r["matter__lead_unit_id"], {})[r["data__rating"]] = r["n"]
    return visits, ratings


def _rank(rows: list[UnitRates]) -> None:
    """Rank by the mean of the three rates, separately within each level."""
    by_level: dict[str, list[UnitRates]] = {}
    for r in rows:
        if r.ranked:
            r.score = ((r.response or 0) + (r.resolution or 0) + (r.satisfaction or 0)) / 3
            by_level.setdefault(r.level, []).append(r)
    for group in by_level.values():
        group.sort(key=lambda r: -(r.score or 0))
        for i, r in enumerate(group, 1):
            r.rank = i


def matters_behind(unit: Unit, start: datetime, end: datetime, metric: str) -> Any:
    """The matters behind a number (drill-down): metric is visits, contacted, solved,
    ratings, satisfied, basic or unsatisfied."""
    v = ReturnVisit.objects.filter(unit=unit, done_at__gte=start, done_at__lt=end, reached=True)
    if metric in ("visits", "contacted", "solved"):
        if metric != "visits":
            v = v.filter(**{metric: True})
        return Matter.objects.filter(pk__in=v.values("matter_id"))
    ev = Event.objects.filter(action="rate", at__gte=start, at__lt=end, matter__lead_unit=unit)
    if metric != "ratings":
        ev = ev.filter(data__rating=metric)
    return Matter.objects.filter(pk__in=ev.values("matter_id"))
