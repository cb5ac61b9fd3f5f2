"""A matter walked through warning → overdue → 督办 → escalation, swept day by day."""

from __future__ import annotations

from datetime import date, datetime
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command

from xinfang.actions.workflow import transition
from xinfang.cases.models import Event
from xinfang.core.errors import UserError
from xinfang.notices.models import Notification
from xinfang.supervision.models import Alert
from xinfang.supervision.services import sweep

from ..factories import World, register

TZ = ZoneInfo("Asia/Shanghai")


def at(d: str) -> datetime:
    return datetime.fromisoformat(d).replace(hour=10, tzinfo=TZ)


def accepted(w: World):
    m = register(w, at=at("2026-03-02"))
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=at("2026-03-02"))
    # accepted 3/3: handling due 5/2 → Labour Day → 5/6
    return transition(m, "accept", actor=w.handler, at=at("2026-03-03"))


def inbox(user) -> list[str]:
    return list(Notification.objects.filter(user=user).values_list("level", flat=True))


def test_warning_overdue_supervision_escalation(world: World) -> None:
    w = world
    m = accepted(w)
    assert m.current_due == date(2026, 5, 6)
    # 4 days before: nothing yet
    r = sweep(date(2026, 5, 2))
    assert (r.warnings, r.overdue, r.notifications) == (0, 0, 0)
    # 3 days before: a warning to the town's handler and leader
    r = sweep(date(2026, 5, 3))
    assert (r.warnings, r.overdue, r.notifications) == (1, 0, 2)
    assert inbox(w.handler) == ["warning"] and inbox(w.leader) == ["warning"]
    assert inbox(w.other_handler) == []
    # the rows read back as written (plain-tuple inserts, values in the database's form)
    alert = Alert.objects.get()
    assert (alert.matter_id, alert.deadline_kind, alert.due, alert.level, alert.unit_id) == (
        m.pk,
        m.current_due_kind,
        date(2026, 5, 6),
        "warning",
        w.town.pk,
    )
    note = Notification.objects.get(user=w.handler)
    assert note.created_at == alert.created_at and note.read_at is None
    assert note.text.startswith(m.receipt_no) and "2026-05-06" in note.text
    # dated on the day swept, not by the wall clock (test_sweep_as_of.py)
    assert note.created_at.astimezone(TZ).date() == date(2026, 5, 3)
    # idempotent: the same day again writes nothing
    r = sweep(date(2026, 5, 3))
    assert (r.warnings, r.notifications) == (0, 0)
    assert Alert.objects.count() == 1
    # the day after the deadline: overdue
    r = sweep(date(2026, 5, 7))
    assert (r.warnings, r.overdue, r.notifications) == (0, 1, 2)
    assert sorted(inbox(w.handler)) == ["overdue", "warning"]
    # the office supervises; the handler is told
    transition_at = at("2026-05-07")
    m = transition(
        m,
        "supervise",
        actor=w.supervisor,
        reason="办理超期",
        data={"demand": "立即办结并书面说明超期原因", "reply_due": "2026-05-11"},
        at=transition_at,
    )
    assert m.supervision_level == 1 and m.supervision_due == date(2026, 5, 11)
    # no reply by 5/11: on 5/12 it climbs to the unit leader, then to the office
    r = sweep(date(2026, 5, 12))
    assert r.escalated == 1
    m.refresh_from_db()
    assert m.supervision_level == 2
    assert "escalation" in inbox(w.leader)
    ev = Event.objects.filter(matter=m, action="escalate_supervision").get()
    assert ev.actor is None and ev.data["level"] == 2
    assert sweep(date(2026, 5, 12)).escalated == 0  # idempotent within the new reply window
    # the leader answers in writing: escalation stops
    m = transition(
        m,
        "answer_supervision",
        actor=w.leader,
        data={"reply": "已于5月13日办结，超期原因为等待鉴定结论。"},
    )
    assert m.supervision_due is None
    assert sweep(date(2026, 6, 30)).escalated == 0
    assert m.supervision_level == 2


def test_only_a_supervisor_above_may_supervise(world: World) -> None:
    w = world
    m = accepted(w)
    for user in (w.handler, w.other_leader, w.housing_handler):
        with pytest.raises(UserError):
            transition(
                m,
                "supervise",
                actor=user,
                reason="x",
                data={"demand": "y", "reply_due": "2099-01-01"},
            )
    transition(
        m,
        "supervise",
        actor=w.supervisor,
        reason="群众反映强烈",
        data={"demand": "一周内报告进展", "reply_due": date(2099, 1, 1)},
    )
    assert inbox(w.handler) == ["supervision"]


def test_sweep_command(world: World) -> None:
    accepted(world)
    out = StringIO()
    call_command("sweep", "--today", "2026-05-07", stdout=out)
    assert "超期 1" in out.getvalue()
