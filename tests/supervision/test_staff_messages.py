"""The staff messages an action owes come from the action itself, whatever face it came
through: a 督办 reaches the lead unit's handlers (XFGZ Art. 40), an extension request
(Art. 34) and a submitted handling opinion reach the leaders who decide them, and the
decision on an extension reaches the handlers. Written from the issue's requirement."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.api.models import ApiToken
from xinfang.cases.models import Matter
from xinfang.notices.models import Notification
from xinfang.org.models import User

from ..factories import World, opinion, register

FACES = ("web", "api", "engine")


def accepted(w: World) -> Matter:
    m = register(w)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    return transition(m, "accept", actor=w.handler)


def act(
    face: str, user: User, m: Matter, action: str, data: dict[str, Any], reason: str = ""
) -> None:
    """``action`` as the user would do it on that face; fails the test if it is refused."""
    before = Matter.objects.get(pk=m.pk).version
    if face == "web":
        c = Client()
        c.force_login(user)
        c.post(f"/matters/{m.pk}/act/{action}/", {**data, "reason": reason})
    elif face == "api":
        _, token = ApiToken.issue(user)
        Client().post(
            f"/api/v1/matters/{m.pk}/actions/{action}",
            {"reason": reason, "data": data},
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
    else:
        transition(m, action, actor=user, reason=reason, data=data)
    assert Matter.objects.get(pk=m.pk).version == before + 1, f"{action} on {face} refused"


def inbox(user: User) -> list[tuple[str, str]]:
    return list(Notification.objects.filter(user=user).values_list("level", "text"))


@pytest.mark.parametrize("face", FACES)
def test_a_supervision_notice_reaches_the_lead_units_handler(world: World, face: str) -> None:
    w = world
    m = accepted(w)
    due = (timezone.localdate() + timedelta(days=7)).isoformat()
    act(face, w.supervisor, m, "supervise", {"demand": "一周内报告进展", "reply_due": due}, "督办")
    [(level, text)] = inbox(w.handler)
    assert level == "supervision"
    assert m.receipt_no in text and "一周内报告进展" in text and due in text
    assert inbox(w.leader) == [] and inbox(w.other_handler) == []
    # the written reply reaches the office that supervised
    act(face, w.handler, m, "answer_supervision", {"reply": "已现场核查，正在维修"})
    assert [lv for lv, _ in inbox(w.supervisor)] == ["reply"]


@pytest.mark.parametrize("face", FACES)
def test_an_extension_request_reaches_the_leader_and_the_answer_the_handler(
    world: World, face: str
) -> None:
    w = world
    m = accepted(w)
    act(face, w.handler, m, "request_extension", {"days": 20}, "需要现场测量")
    [(level, text)] = inbox(w.leader)
    assert level == "extension" and "20" in text and "请审批" in text
    assert inbox(w.handler) == []  # not to the one who asked
    act(face, w.leader, m, "approve_extension", {})
    [(level, text)] = inbox(w.handler)
    assert level == "extension" and "已同意" in text


@pytest.mark.parametrize("face", FACES)
def test_a_submitted_opinion_reaches_the_leader_who_signs_it(world: World, face: str) -> None:
    w = world
    m = accepted(w)
    act(face, w.handler, m, "submit_opinion", opinion())
    [(level, text)] = inbox(w.leader)
    assert level == "opinion" and m.receipt_no in text
    assert inbox(w.other_leader) == [] and inbox(w.housing_leader) == []


def test_a_message_is_written_once_per_event(world: World) -> None:
    w = world
    m = accepted(w)
    transition(m, "request_extension", actor=w.handler, reason="测量", data={"days": 10})
    transition(m, "reject_extension", actor=w.leader, reason="无需延期")
    transition(m, "request_extension", actor=w.handler, reason="再次测量", data={"days": 10})
    assert [lv for lv, _ in inbox(w.leader)] == ["extension", "extension"]
    assert [t for _, t in inbox(w.handler)] == [f"{m.receipt_no}《{m.title[:30]}》延期申请未获同意"]
