from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command

from xinfang.cases.models import Event, Kind, Matter, Status
from xinfang.demo.builder import PASSWORD
from xinfang.org.models import Unit, User


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, "--verbosity", "0", stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_demo_covers_every_state_and_is_idempotent() -> None:
    out = demo("--matters", "150", "--seed", "7")
    counts = {s: Matter.objects.filter(status=s).count() for s in Status.values}
    assert all(counts.values()), counts
    assert Matter.objects.filter(kind=Kind.REVIEW).exists()
    assert Matter.objects.filter(kind=Kind.REEXAM, final=True).exists()
    from django.utils import timezone

    today = timezone.localdate()
    assert Matter.objects.overdue(today).exists()
    assert Matter.objects.filter(is_collective=True).exists()
    for m in Matter.objects.filter(is_collective=True):
        assert m.petitioners.filter(is_representative=True).count() <= 5
    for mid in Matter.objects.values_list("pk", flat=True)[:60]:
        ats = list(Event.objects.filter(matter_id=mid).order_by("seq").values_list("at", flat=True))
        assert ats == sorted(ats) and ats[-1] <= timezone.now()
    for name in ("registrar", "handler", "leader", "supervisor", "admin", "auditor"):
        assert name in out
    assert PASSWORD in out
    assert User.objects.get(username="admin").is_superuser
    units, users, matters = Unit.objects.count(), User.objects.count(), Matter.objects.count()
    again = demo()
    assert "不再生成" in again
    assert (Unit.objects.count(), User.objects.count(), Matter.objects.count()) == (
        units,
        users,
        matters,
    )


@pytest.mark.django_db
def test_demo_is_deterministic() -> None:
    demo("--matters", "40", "--seed", "11")
    first = list(
        Matter.objects.filter(kind=Kind.ORIGINAL).order_by("pk").values_list("title", flat=True)
    )
    demo("--reset", "--matters", "40", "--seed", "11")
    second = list(
        Matter.objects.filter(kind=Kind.ORIGINAL).order_by("pk").values_list("title", flat=True)
    )
    assert first == second and len(first) == 40
