"""Walk every (state, action) pair of the transition table.

Allowed pairs (the status is a source of the rule and the kind fits): an authorised user
with valid data succeeds and exactly one event is appended; an unrelated user is refused
and nothing changes. Every other pair is refused with ``bad_state`` and nothing changes.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from xinfang.actions.context import RELAYED
from xinfang.actions.workflow import RULES, transition
from xinfang.cases import access
from xinfang.cases.models import Category, Event, Kind, Matter, Status
from xinfang.core.errors import Conflict, Forbidden

from ..factories import World, answered, handled, opinion, register

NOW = timezone.now()


def _data(w: World, action: str) -> dict[str, Any]:
    soon = (timezone.localdate() + timedelta(days=20)).isoformat()
    return {
        "forward": {"unit": w.town.pk},
        "assign": {"unit": w.town.pk, "due_on": soon},
        "redirect": {"channel": "litigation", "organ": "青山县人民法院"},
        "not_accept": {"ground": "art19", "existing": "__existing__"},
        "emergency_transfer": {"line": "120"},
        "object": {},
        "correct_registration": {"title": "更正后的摘要"},
        "report_progress": {"progress": "已入户核实"},
        "sign_off": {"outcome": "已化解"},
        "set_units": {"lead": w.town.pk, "assisting": [w.housing.pk]},
        "appoint_leader": {
            "leader": w.users["leader"].pk,
            "plan": "三日内入户核实",
            "due_on": soon,
        },
        "contact": {"method": "phone", "summary": "电话联系信访人，约定现场查看"},
        "record_hearing": {
            "held_on": timezone.localdate().isoformat(),
            "place": "镇政府会议室",
            "summary": "各方陈述意见",
        },
        "record_mediation": {"outcome": "settlement", "summary": "双方达成和解"},
        "pause": {"reason_kind": "material"},
        "request_extension": {"days": 20},
        "approve_extension": {},
        "submit_opinion": opinion("support"),
        "record_execution": {"summary": "已督促维修完毕"},
        "record_accused": {"unit": w.housing.pk},
        "record_service": {"served_on": timezone.localdate().isoformat(), "method": "post"},
        "report_completion": {"summary": "已办结"},
        "add_material": {"note": "补充照片"},
        "rate": {"rating": "basic", "comment": "处理及时"},
        "supervise": {"demand": "三日内书面报告办理进展", "reply_due": soon},
        "answer_supervision": {"reply": "已入户核实，正在协调维修"},
        "link_repeat": {"existing": "__existing__"},
        "note_repeat": {"repeat": "360421-2026-000001", "note": "再次反映"},
        "merge": {"main": "__main__"},
        "absorb": {"merged": "360421-2026-000002"},
        "release": {"merged": "360421-2026-000002"},
        "relay": {"main_seq": "__main_seq__"},
    }.get(action, {})


REASONS = {a: "理由：依据有关规定" for a in RULES}


OTHER = [{"name": "李四", "phone": "13900005678", "address": "城关镇桃园路10号"}]


def _merged_in(w: World, status: str) -> Matter:
    """A matter merged into a handled main; the main answered/concluded for later states."""
    main = handled(w)
    m = register(w, petitioners=OTHER)
    transition(m, "merge", actor=w.registrar, reason="同一事项", data={"main": main.receipt_no})
    if status in (Status.ANSWERED, Status.CONCLUDED):
        transition(main, "submit_opinion", actor=w.handler, data=opinion("support"))
        transition(main, "approve_opinion", actor=w.leader)
    if status == Status.CONCLUDED:
        transition(main, "conclude", actor=w.handler)
    m.refresh_from_db()
    return m


def _in_status(w: World, status: str, action: str) -> Matter:
    """A real matter in ``status``, prepared so that ``action``'s guard can pass."""
    if status == Status.MERGED or (action == "relay" and status in RULES["relay"].sources):
        return _merged_in(w, status)
    if status == Status.LINKED:
        m = register(w)
        return _act(w, m, "link_repeat", w.registrar)
    if (
        action in ("answer_supervision", "escalate_supervision")
        and status in RULES["answer_supervision"].sources
    ):
        m = _in_status(w, Status.ANSWERED if status == Status.CONCLUDED else status, "")
        m = transition(
            m, "supervise", actor=w.supervisor, reason="超期未办结", data=_data(w, "supervise")
        )
        if action == "escalate_supervision":  # the reply date has passed
            yesterday = timezone.localdate() - timedelta(days=1)
            Matter.objects.filter(pk=m.pk).update(supervision_due=yesterday)
        if status == Status.CONCLUDED:
            m = transition(m, "conclude", actor=w.handler)
        m.refresh_from_db()
        return m
    if status == Status.REGISTERED:
        if action == "record_accused":
            return register(w, category=Category.REPORT)
        return register(w, **_consultation(action))
    if status == Status.DISPATCHED:
        m = register(w)
        verb = "assign" if action == "report_completion" else "forward"
        return transition(m, verb, actor=w.registrar, data=_data(w, verb))
    if status == Status.OBJECTED:
        m = _in_status(w, Status.DISPATCHED, action)
        return transition(m, "object", actor=w.handler, reason="不属于本镇职责")
    if status == Status.HANDLING:
        m = handled(w)
        if action == "resume":
            m = transition(
                m, "pause", actor=w.handler, reason="等待补充材料", data={"reason_kind": "material"}
            )
        if action in ("approve_extension", "reject_extension"):
            m = transition(
                m, "request_extension", actor=w.handler, reason="需要现场测量", data={"days": 20}
            )
        return m
    if status == Status.OPINION_PENDING:
        m = handled(w)
        return transition(m, "submit_opinion", actor=w.handler, data=opinion("support"))
    if status == Status.ANSWERED:
        if action == "report_completion":
            m = register(w)
            transition(m, "assign", actor=w.registrar, data=_data(w, "assign"))
            transition(m, "accept", actor=w.handler)
            transition(m, "submit_opinion", actor=w.handler, data=opinion("support"))
            return transition(m, "approve_opinion", actor=w.leader)
        return answered(w, decision="support")
    if status == Status.CONCLUDED:
        m = _in_status(w, Status.ANSWERED, action)
        return transition(m, "conclude", actor=w.handler)
    terminal = {
        Status.REDIRECTED: "redirect",
        Status.NOT_ACCEPTED: "not_accept",
        Status.TRANSFERRED: "emergency_transfer",
        Status.CLOSED_ON_SPOT: "answer_on_spot",
    }
    verb = terminal[status]
    m = register(w, **_consultation(verb))
    return _act(w, m, verb, w.registrar)


def _consultation(action: str) -> dict[str, Any]:
    """Only a consultation is answered on the spot (BJ Art. 2)."""
    return {"hotline_type": "consult"} if action == "answer_on_spot" else {}


SYSTEM = "system"


def _act(w: World, m: Matter, action: str, user: Any) -> Matter:
    data = _data(w, action)
    if data.get("existing") == "__existing__":
        data["existing"] = register(w).receipt_no
    if data.get("main") == "__main__":
        data["main"] = handled(w).receipt_no
    if data.get("main_seq") == "__main_seq__":
        main = Event.objects.filter(matter_id=m.merged_into_id, action__in=RELAYED)
        data["main_seq"] = main.order_by("-seq").values_list("seq", flat=True).first() or 1
    if user == SYSTEM:
        return transition(m, action, actor=None, reason=REASONS[action], data=data, system=True)
    return transition(m, action, actor=user, reason=REASONS[action], data=data)


def _authorised(w: World, m: Matter, action: str) -> Any:
    who = set(RULES[action].who)
    if who == {SYSTEM}:
        return SYSTEM
    if "leader@appointed" in who and m.lead_leader_id is None:
        # 包案: the town's leader takes charge (appoint_leader is walked on its own)
        Matter.objects.filter(pk=m.pk).update(lead_leader=w.users["leader"])
        m.refresh_from_db()
    order = [
        "handler",
        "leader",
        "registrar",
        "supervisor",
        "county_handler",
        "county_leader",
        "county_registrar",
        "registrar_town",
    ]
    for name in order:
        if access.scopes_of(w.users[name], m) & who:
            return w.users[name]
    raise AssertionError(f"no test user may {action} on {m.status}")


def _snapshot(m: Matter) -> tuple[Any, ...]:
    m.refresh_from_db()
    return (
        m.status,
        m.version,
        m.event_count,
        Event.objects.filter(matter=m).count(),
        m.lead_unit_id,
        m.current_due,
        m.is_paused,
        m.extension_state,
    )


PAIRS = [(s, a) for s in Status.values for a in RULES]


@pytest.mark.parametrize(("status", "action"), PAIRS)
def test_state_action_pair(world: World, status: str, action: str) -> None:
    w = world
    m = _in_status(w, status, action)
    assert m.status == status
    rule = RULES[action]
    before = _snapshot(m)
    if status in rule.sources and Kind.ORIGINAL in rule.kinds:
        # An unrelated unit's handler is refused and nothing changes.
        with pytest.raises(Forbidden):
            _act(w, m, action, w.other_handler)
        assert _snapshot(m) == before
        user = _authorised(w, m, action)
        out = _act(w, m, action, user)
        assert out.event_count == before[2] + 1
        assert Event.objects.filter(matter=m).count() == before[3] + 1
        last = Event.objects.filter(matter=m).order_by("-seq").first()
        assert last is not None and last.action == action
        assert last.to_status == (rule.target or status) or (
            action == "request_review" and last.to_status == Status.CONCLUDED
        )
    else:
        user = w.users["handler"]
        with pytest.raises((Conflict, Forbidden)) as exc:
            _act(w, m, action, user)
        assert exc.value.code == "bad_state"
        assert _snapshot(m) == before


def test_review_only_actions_on_review_matter(world: World) -> None:
    w = world
    m = answered(w)
    transition(m, "request_review", actor=w.registrar)
    review = m.followups.get()
    assert review.kind == Kind.REVIEW
    before = _snapshot(review)
    for action in (
        "forward",
        "assign",
        "redirect",
        "not_accept",
        "request_extension",
        "request_review",
    ):
        with pytest.raises(Conflict):
            transition(review, action, actor=w.county_registrar, reason="x", data=_data(w, action))
    assert _snapshot(review) == before
    # request_reexam is refused before an answer, allowed after one.
    with pytest.raises(Conflict):
        transition(review, "request_reexam", actor=w.county_registrar)
    transition(review, "submit_opinion", actor=w.county_handler, data=opinion("reject"))
    transition(review, "approve_opinion", actor=w.county_leader)
    out = transition(review, "request_reexam", actor=w.county_registrar)
    assert out.status == Status.CONCLUDED
    reexam = review.followups.get()
    assert reexam.kind == Kind.REEXAM and reexam.lead_unit == w.city
