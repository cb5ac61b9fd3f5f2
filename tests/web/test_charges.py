"""领导包案 (XFGZ Art. 18): the leader in charge of a matter has a list of their charges,
records progress on each, and signs each off (销号) once resolved (issue: no such list,
no progress entries, no sign-off)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xinfang.actions.workflow import allowed_actions, transition
from xinfang.core.errors import UserError

from ..factories import World, handled, login, opinion


def charge(w: World, leader, **kw):
    m = handled(w, **kw)
    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    return transition(
        m,
        "appoint_leader",
        actor=w.leader,
        data={"leader": leader.pk, "plan": "三日内入户核实，一周内拿出维修方案", "due_on": due},
    )


def test_a_leader_keeps_their_charges_from_progress_to_sign_off(world: World) -> None:
    w = world
    m = charge(w, w.leader, title="楼顶漏水三年")
    other = handled(w, title="别人的事项")
    page = login(w.leader).get("/charges/").content.decode()
    assert m.receipt_no in page and other.receipt_no not in page
    assert "未销号" in page and "尚无进展" in page and "三日内入户核实" in page
    assert "report_progress" in allowed_actions(m, w.leader)
    transition(m, "report_progress", actor=w.leader, data={"progress": "已入户，确认渗水点三处"})
    transition(m, "report_progress", actor=w.handler, data={"progress": "维修方案已报住建"})
    page = login(w.leader).get("/charges/").content.decode()
    assert "2 次" in page and "维修方案已报住建" in page
    # sign-off comes once the matter is answered, and once only
    assert "sign_off" not in allowed_actions(m, w.leader)
    transition(m, "submit_opinion", actor=w.handler, data=opinion())
    m = transition(m, "approve_opinion", actor=w.leader)
    transition(m, "sign_off", actor=w.leader, data={"outcome": "已维修，回访无渗水"})
    assert "sign_off" not in allowed_actions(m, w.leader), "a signed-off charge offers no 销号"
    with pytest.raises(UserError):
        transition(m, "sign_off", actor=w.leader, data={"outcome": "再次"})
    page = login(w.leader).get("/charges/").content.decode()
    assert "0 件未销号" in page
    timeline = login(w.leader).get(f"/matters/{m.pk}/").content.decode()
    assert "已入户，确认渗水点三处" in timeline and "已维修，回访无渗水" in timeline


def test_only_the_leader_in_charge_signs_off_and_only_leaders_have_the_list(world: World) -> None:
    w = world
    m = charge(w, w.leader)
    transition(m, "submit_opinion", actor=w.handler, data=opinion())
    m = transition(m, "approve_opinion", actor=w.leader)
    for user in (w.handler, w.county_leader, w.supervisor):
        assert "sign_off" not in allowed_actions(m, user)
    assert login(w.handler).get("/").content.decode().count("/charges/") == 0
    assert "/charges/" in login(w.leader).get("/").content.decode()


def test_a_leader_who_may_not_see_the_matter_cannot_take_charge(world: World) -> None:
    w = world
    m = handled(w)
    with pytest.raises(UserError) as e:
        transition(
            m,
            "appoint_leader",
            actor=w.leader,
            data={"leader": w.other_leader.pk, "plan": "x", "due_on": "2099-01-01"},
        )
    assert e.value.code == "leader_cannot_see"


def test_progress_is_offered_only_on_a_charge(world: World) -> None:
    w = world
    m = handled(w)
    assert "report_progress" not in allowed_actions(m, w.handler)
    with pytest.raises(UserError) as e:
        transition(m, "report_progress", actor=w.handler, data={"progress": "已入户"})
    assert e.value.code == "no_charge"
