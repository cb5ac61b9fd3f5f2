"""The daily rate counters agree with the rows they count, and move with the services."""

from __future__ import annotations

from datetime import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from xinfang.cases.models import Matter, Status
from xinfang.cases.workflow import transition
from xinfang.core.errors import UserError
from xinfang.reports.models import RateCount
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
    start, end = year(2025)
    assert rates.compute(start, end) == rates.compute(start, end.replace(second=1))


def test_a_rating_moves_its_counter_in_the_same_transaction(seeded) -> None:
    m = Matter.objects.filter(status=Status.ANSWERED, rating="", lead_unit__isnull=False).first()
    assert m is not None
    at = timezone.now()
    day = timezone.localdate(at)
    before = RateCount.objects.filter(unit=m.lead_unit, day=day).values_list("basic", flat=True)
    n0 = before.first() or 0
    transition(m, "rate", actor=None, by_citizen=True, data={"rating": "basic"}, at=at)
    assert RateCount.objects.get(unit=m.lead_unit, day=day).basic == n0 + 1
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
    assert _from_counters(start.date(), end.date()) != expected
    call_command("rebuild_counters")
    assert _from_counters(start.date(), end.date()) == expected
