"""The sweep reads the keys of the matters near a deadline from the index, then the rows
in batches: whatever the batch size, it alerts exactly the open matters past or near
their deadline, and escalates no more than the unanswered supervision notices (XFGZ
Art. 40; the escalation itself is walked through in test_sweep.py)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.db import transaction

from xinfang.cases.models import Matter
from xinfang.supervision.models import Alert, Level
from xinfang.supervision.services import sweep, warning_days

DAY = date(2026, 6, 30)


@pytest.fixture
def seeded(db) -> None:
    call_command(
        "bench", "seed", "--matters", "400", "--units", "300", "--until", "2026-06-30", "--quiet"
    )


def alerts() -> set[tuple[int, str, date, str]]:
    return set(Alert.objects.values_list("matter_id", "deadline_kind", "due", "level"))


def test_batches_cover_every_matter_near_a_deadline(seeded) -> None:
    horizon = DAY + timedelta(days=max(warning_days("default"), 7))
    near = Matter.objects.open().filter(current_due__lte=horizon)
    late = set(near.filter(current_due__lt=DAY).values_list("pk", flat=True))
    unanswered = set(
        Matter.objects.filter(supervision_due__lt=DAY, supervision_level__lt=4).values_list(
            "pk", flat=True
        )
    )
    before = alerts()
    with transaction.atomic():
        small = sweep(DAY, batch=7)
        small_alerts = alerts() - before
        transaction.set_rollback(True)
    assert alerts() == before  # rolled back: the second run starts from the same state
    whole = sweep(DAY)
    assert small.scanned == whole.scanned == near.count() > 7
    assert (small.warnings, small.overdue, small.escalated) == (
        whole.warnings,
        whole.overdue,
        whole.escalated,
    )
    assert alerts() - before == small_alerts
    overdue_alerted = {a[0] for a in small_alerts if a[3] == Level.OVERDUE}
    assert overdue_alerted == late - {a[0] for a in before if a[3] == Level.OVERDUE}
    assert whole.escalated <= len(unanswered)
