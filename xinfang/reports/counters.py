"""Writing and rebuilding the daily rate counters (``RateCount``).

``add_rating`` and ``add_visit`` run inside the caller's transaction (the ``rate`` effect of
the transition function, ``visits.record_visit``), so a counter never disagrees with the
rows it counts. ``rebuild()`` recomputes everything from events and visits.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

from .models import RateCount

RATINGS = ("satisfied", "basic", "unsatisfied")


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


def rebuild() -> int:
    """Replace every counter by the counts of the event log and the return visits."""
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
    with transaction.atomic():
        RateCount.objects.all().delete()
        RateCount.objects.bulk_create(
            (RateCount(day=d, unit_id=u, **counts) for (d, u), counts in rows.items()),
            batch_size=2000,
        )
    return len(rows)
