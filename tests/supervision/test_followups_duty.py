from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter
from xinfang.core.errors import UserError
from xinfang.supervision.followups import record, schedule
from xinfang.supervision.models import DutyShift, FollowupCheck

from ..factories import PASSWORD, World, answered


def concluded(w: World) -> Matter:
    m = answered(w)
    return transition(m, "conclude", actor=w.handler)


def test_followups_scheduled_once_at_30_and_90_days(world: World) -> None:
    m = concluded(world)
    schedule(timezone.localdate())
    schedule(timezone.localdate())
    checks = FollowupCheck.objects.filter(matter=m).order_by("offset_days")
    today = timezone.localdate()
    assert [(c.offset_days, c.due_on) for c in checks] == [
        (30, today + timedelta(days=30)),
        (90, today + timedelta(days=90)),
    ]


def test_a_check_assumes_no_result_and_a_relapse_is_described(world: World) -> None:
    w = world
    m = concluded(w)
    schedule(timezone.localdate())
    check = FollowupCheck.objects.get(matter=m, offset_days=30)
    n = Matter.objects.count()
    for held, code in ((None, "required"), (False, "note_required")):
        with pytest.raises(UserError) as exc:
            record(check, by=w.registrar, held=held, note=" ")
        assert exc.value.code == code
        check.refresh_from_db()
        assert check.done_at is None and Matter.objects.count() == n


def test_relapse_reopens_a_linked_matter(world: World) -> None:
    w = world
    m = concluded(w)
    schedule(timezone.localdate())
    check = FollowupCheck.objects.get(matter=m, offset_days=30)
    n = Matter.objects.count()
    record(check, by=w.registrar, held=False, note="雨季再次漏水")
    assert Matter.objects.count() == n + 1
    check.refresh_from_db()
    new = check.reopened
    assert new is not None and new.repeat_of == m and new.title.startswith("【回头看】")
    assert new.petitioners.get().name == "张三"
    with pytest.raises(UserError):
        record(check, by=w.registrar, held=True)


def test_solution_held_creates_nothing(world: World) -> None:
    w = world
    m = concluded(w)
    schedule(timezone.localdate())
    n = Matter.objects.count()
    record(FollowupCheck.objects.get(matter=m, offset_days=90), by=w.registrar, held=True)
    assert Matter.objects.count() == n


def test_duty_roster_page(world: World) -> None:
    monday = date(2026, 11, 23)
    DutyShift.objects.create(
        unit=world.office, date=monday, leader="王局长", staff="李明、赵芳", phone="0791-1234567"
    )
    DutyShift.objects.create(unit=world.town2, date=monday, leader="别的镇", staff="x", phone="1")
    c = Client()
    c.login(username="registrar", password=PASSWORD)
    html = c.get("/reports/duty/?week=2026-11-23").content.decode()
    assert "王局长" in html and "0791-1234567" in html and "别的镇" not in html
    assert "尚未排班" in c.get("/reports/duty/?week=2026-11-30").content.decode()
