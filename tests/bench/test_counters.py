"""The daily rate counters agree with the rows they count, and move with the services."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter, Status
from xinfang.core.errors import UserError
from xinfang.ops import counters
from xinfang.reports.counters import RATE_FIELDS, by_month
from xinfang.reports.models import RateCount, RateMonth
from xinfang.supervision import rates
from xinfang.supervision.rates import _from_counters, _from_rows

TZ = timezone.get_fixed_timezone(480)


@pytest.fixture
def seeded(db) -> None:
    call_command(
        "bench", "seed", "--matters", "400", "--units", "300", "--until", "2026-06-30", "--quiet"
    )


def year(y: int) -> tuple[datetime, datetime]:
    return datetime(y, 1, 1, tzinfo=TZ), datetime(y + 1, 1, 1, tzinfo=TZ)


def test_counters_equal_the_rows(seeded) -> None:
    assert RateCount.objects.exists()
    for y in (2024, 2025, 2026):
        start, end = year(y)
        assert _from_counters(start.date(), end.date()) == _from_rows(start, end)
    # runs of days that start and end inside a month read the days either side of the
    # whole months from the daily rows; within one month, only daily rows
    for a, b in (
        ((2024, 11, 17), (2026, 2, 9)),
        ((2025, 3, 1), (2025, 5, 20)),
        ((2025, 6, 3), (2025, 6, 28)),
    ):
        start, end = datetime(*a, tzinfo=TZ), datetime(*b, tzinfo=TZ)
        assert _from_counters(start.date(), end.date()) == _from_rows(start, end), (a, b)
    start, end = year(2025)
    assert rates.compute(start, end) == rates.compute(start, end.replace(second=1))


def test_month_rows_are_the_sums_of_the_day_rows(seeded) -> None:
    days = {
        (r["day"], r["unit_id"]): {f: r[f] for f in RATE_FIELDS}
        for r in RateCount.objects.values("day", "unit_id", *RATE_FIELDS)
    }
    months = {
        (r["month"], r["unit_id"]): {f: r[f] for f in RATE_FIELDS}
        for r in RateMonth.objects.values("month", "unit_id", *RATE_FIELDS)
    }
    assert months and months == by_month(days)
    assert counters.check() == []
    RateMonth.objects.filter(pk=RateMonth.objects.order_by("pk").first().pk).update(visits=10**6)
    assert [d for d in counters.check() if d.startswith("RateMonth")]


def test_a_rating_moves_its_counter_in_the_same_transaction(seeded) -> None:
    m = Matter.objects.filter(status=Status.ANSWERED, rating="", lead_unit__isnull=False).first()
    assert m is not None
    at = timezone.now()
    day = timezone.localdate(at)
    before = RateCount.objects.filter(unit=m.lead_unit, day=day).values_list("basic", flat=True)
    n0 = before.first() or 0
    month = RateMonth.objects.filter(unit=m.lead_unit, month=day.replace(day=1))
    m0 = month.values_list("basic", flat=True).first() or 0
    transition(m, "rate", actor=None, by_citizen=True, data={"rating": "basic"}, at=at)
    assert RateCount.objects.get(unit=m.lead_unit, day=day).basic == n0 + 1
    assert month.get().basic == m0 + 1
    with pytest.raises(UserError):  # a second rating is refused and counts nothing
        transition(m, "rate", actor=None, by_citizen=True, data={"rating": "basic"}, at=at)
    assert RateCount.objects.get(unit=m.lead_unit, day=day).basic == n0 + 1
    with pytest.raises(UserError):  # a bad value is refused before anything is written
        transition(
            Matter.objects.filter(status=Status.ANSWERED, rating="").exclude(pk=m.pk).first(),
            "rate",
            actor=None,
            by_citizen=True,
            data={"rating": "excellent"},
            at=at,
        )
    assert RateCount.objects.get(unit=m.lead_unit, day=day).basic == n0 + 1


def test_rebuild_command_restores_the_counts(seeded) -> None:
    start, end = year(2025)
    expected = _from_rows(start, end)
    RateCount.objects.all().update(satisfied=0)
    RateMonth.objects.all().update(satisfied=0)
    assert _from_counters(start.date(), end.date()) != expected
    call_command("rebuild_counters")
    assert _from_counters(start.date(), end.date()) == expected
