"""Issue 23, findings 1, 2, 9 and 10: the duties that run between registration and
acceptance (XFGZ Arts. 22, 23, 34; WF Art. 22)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from xinfang.actions.workflow import transition
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Event, Status
from xinfang.core.errors import UserError
from xinfang.supervision.models import Alert
from xinfang.supervision.services import sweep

from ..factories import World, register
from .helpers import D, at, deadline, forwarded, open_obligations, refused

# --- finding 1: a forwarded matter is owed an acceptance ------------------------------


def test_forwarded_matter_has_an_open_acceptance_duty_on_the_receiving_unit(
    world: World,
) -> None:
    """XFGZ Art. 22 and Art. 23 (para 1 with para 3): a matter forwarded (转送) on Wed
    2026-09-16 must be accepted (and the petitioner told in writing) by the receiving unit
    within 15 days. 9/16 + 15 = 10/1, 国庆节 (10/1–10/7 in the 2026 arrangement): the period
    ends on Thu 10/8 (CC Art. 201, 203)."""
    w = world
    m = forwarded(w, "2026-09-16")
    assert m.status == Status.DISPATCHED and m.lead_unit == w.town
    d = deadline(m, "acceptance", D("2026-09-17"))
    assert (d.start, d.due, d.state, d.obligation) == (
        D("2026-09-16"),
        D("2026-10-08"),
        "running",
        True,
    )
    assert deadline(m, "acceptance", D("2026-10-09")).state == "overdue"
    # Once the 5 working days to object are over (9/17, 9/18, 9/20 make-up Sunday, 9/21,
    # 9/22) the acceptance is the nearest open obligation, on the clock and on the row.
    current = clock_for(m, on=D("2026-09-25")).current()
    assert current is not None
    assert (current.kind, current.due) == ("acceptance", D("2026-10-08"))
    m = transition(m, "add_note", actor=w.registrar, reason="电话催办受理", at=at("2026-09-25"))
    assert (m.current_due, m.current_due_kind) == (D("2026-10-08"), "acceptance")


def test_sweep_warns_and_flags_an_unaccepted_forwarded_matter(world: World) -> None:
    """XFGZ Art. 22, Art. 23 para 1 and Art. 40: the daily sweep warns the receiving unit
    before the 15-day acceptance period ends (Thu 2026-10-08, rolled over 国庆节) and flags
    it overdue the day after; never overdue before."""
    w = world
    m = forwarded(w, "2026-09-16")
    day = D("2026-09-16")
    while day <= D("2026-10-08"):
        sweep(day)
        day += timedelta(days=1)
    mine = Alert.objects.filter(matter=m, deadline_kind="acceptance")
    warning = mine.filter(level="warning").get()
    assert (warning.due, warning.unit_id) == (D("2026-10-08"), w.town.pk)
    assert not mine.filter(level="overdue").exists()
    sweep(D("2026-10-09"))
    overdue = mine.filter(level="overdue").get()
    assert (overdue.due, overdue.unit_id) == (D("2026-10-08"), w.town.pk)


def test_acceptance_duty_is_met_by_accepting(world: World) -> None:
    """XFGZ Art. 23 and Art. 34: accepting on Wed 2026-09-30 meets the acceptance duty
    (due 10/8) and starts the 60-day handling period: 9/30 + 60 = Sun 11/29 → Mon 11/30."""
    w = world
    m = forwarded(w, "2026-09-16")
    m = transition(m, "accept", actor=w.handler, at=at("2026-09-30"))
    d = deadline(m, "acceptance", D("2026-10-09"))
    assert (d.state, d.met_on, d.due) == ("met", D("2026-09-30"), D("2026-10-08"))
    assert (m.current_due, m.current_due_kind) == (D("2026-11-30"), "handling")
    assert deadline(m, "handling", D("2026-10-09")).due == D("2026-11-30")


def test_assigned_matter_has_an_open_acceptance_duty(world: World) -> None:
    """XFGZ Art. 22 and Art. 23: an assignment (交办) on Tue 2026-03-10 is owed acceptance
    within 15 days: 3/25 (Wednesday)."""
    w = world
    m = register(w, at=at("2026-03-10"))
    m = transition(
        m,
        "assign",
        actor=w.registrar,
        data={"unit": w.town.pk, "due_on": "2026-04-30"},
        at=at("2026-03-10", 11),
    )
    d = deadline(m, "acceptance", D("2026-03-11"))
    assert (d.due, d.state, d.obligation) == (D("2026-03-25"), "running", True)


# --- finding 2: an assignment's fixed deadline binds from the assignment ----------------


def test_assignment_deadline_binds_before_acceptance(world: World) -> None:
    """XFGZ Art. 22 (交办 with a fixed handling deadline) and Art. 34: the date fixed on
    2026-03-10 (4/30) is the handling deadline from the assignment, before any acceptance,
    and stays 4/30 after acceptance."""
    w = world
    m = register(w, at=at("2026-03-10"))
    m = transition(
        m,
        "assign",
        actor=w.registrar,
        data={"unit": w.town.pk, "due_on": "2026-04-30"},
        at=at("2026-03-10", 11),
    )
    assert m.status == Status.DISPATCHED
    d = deadline(m, "handling", D("2026-03-11"))
    assert (d.due, d.state, d.obligation) == (D("2026-04-30"), "running", True)
    assert deadline(m, "handling", D("2026-05-01")).state == "overdue"
    m = transition(m, "accept", actor=w.handler, at=at("2026-03-12"))
    assert (m.current_due, m.current_due_kind) == (D("2026-04-30"), "handling")


def test_assignment_deadline_beyond_sixty_days_is_refused(world: World) -> None:
    """XFGZ Art. 34 (60 days) bounds the date fixed under Art. 22: assigned Tue 2026-03-10,
    3/10 + 60 = Sat 5/9, a make-up working day (劳动节调休上班), so the latest lawful date is
    5/9; 5/10 is refused with ``due_too_late`` and nothing changes; 5/9 is accepted."""
    w = world
    m = register(w, at=at("2026-03-10"))
    kw = dict(actor=w.registrar, at=at("2026-03-10", 11))
    refused(m, "assign", "due_too_late", data={"unit": w.town.pk, "due_on": "2026-05-10"}, **kw)
    refused(m, "assign", "due_too_late", data={"unit": w.town.pk, "due_on": "2026-06-08"}, **kw)
    m = transition(m, "assign", data={"unit": w.town.pk, "due_on": "2026-05-09"}, **kw)
    assert m.status == Status.DISPATCHED
    assert deadline(m, "handling", D("2026-03-11")).due == D("2026-05-09")


def test_assignment_without_a_fixed_date_is_refused(world: World) -> None:
    """XFGZ Art. 22: an assignment (交办) carries a fixed handling deadline; without one it
    is refused and nothing changes."""
    w = world
    m = register(w, at=at("2026-03-10"))
    before = Event.objects.filter(matter=m).count()
    with pytest.raises(UserError):
        transition(m, "assign", actor=w.registrar, data={"unit": w.town.pk}, at=at("2026-03-10"))
    m.refresh_from_db()
    assert m.status == Status.REGISTERED and m.lead_unit is None
    assert Event.objects.filter(matter=m).count() == before == m.event_count


# --- finding 9: the office's duty after an objection ------------------------------------


def test_objection_puts_a_decision_duty_on_the_office(world: World) -> None:
    """XFGZ Art. 23 para 3 (objection; the office decides) with the routing duty of Art. 22:
    objected on Tue 2026-03-03, the office must decide within 15 days (setting
    OBJECTION_DECISION_DAYS): 3/18 (Wednesday). The acceptance duty stops while objected;
    the sweep flags the undecided objection on the office on 3/19."""
    w = world
    m = forwarded(w, "2026-03-02")
    m = transition(m, "object", actor=w.handler, reason="不属本镇职责", at=at("2026-03-03"))
    assert m.status == Status.OBJECTED
    d = deadline(m, "decide_objection", D("2026-03-04"))
    assert (d.start, d.due, d.state, d.obligation) == (
        D("2026-03-03"),
        D("2026-03-18"),
        "running",
        True,
    )
    assert (m.current_due, m.current_due_kind) == (D("2026-03-18"), "decide_objection")
    clock = clock_for(m, on=D("2026-03-04"))
    assert not [x for x in clock.deadlines if x.kind == "acceptance" and x.is_open]
    assert [x.kind for x in open_obligations(m, D("2026-03-04"))] == ["decide_objection"]
    sweep(D("2026-03-19"))
    alert = Alert.objects.get(matter=m, deadline_kind="decide_objection", level="overdue")
    assert (alert.due, alert.unit_id) == (D("2026-03-18"), w.office.pk)


def test_objection_decision_period_is_a_setting(world: World, settings) -> None:
    """XFGZ Art. 23 para 3 sets no time for the decision (setting OBJECTION_DECISION_DAYS):
    with 5 days, objected Tue 2026-03-03, 3/8 is a Sunday: due Mon 3/9 (CC Art. 203)."""
    settings.XINFANG = {**settings.XINFANG, "OBJECTION_DECISION_DAYS": 5}
    w = world
    m = forwarded(w, "2026-03-02")
    m = transition(m, "object", actor=w.handler, reason="不属本镇职责", at=at("2026-03-03"))
    assert deadline(m, "decide_objection", D("2026-03-04")).due == D("2026-03-09")
    assert (m.current_due, m.current_due_kind) == (D("2026-03-09"), "decide_objection")


def test_taken_back_matter_has_the_routing_duty_again(world: World) -> None:
    """XFGZ Art. 23 para 3 (the office agrees and takes the matter back) and Art. 22 (route
    within 15 days): taken back on Fri 2026-03-06, 3/6 + 15 = Sat 3/21: due Mon 3/23. The
    objection decision is met on 3/6."""
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "object", actor=w.handler, reason="不属本镇职责", at=at("2026-03-03"))
    m = transition(m, "agree_objection", actor=w.registrar, at=at("2026-03-06"))
    assert m.status == Status.REGISTERED and m.lead_unit is None
    assert (m.current_due, m.current_due_kind) == (D("2026-03-23"), "routing")
    routing = deadline(m, "routing", D("2026-03-07"))
    assert (routing.start, routing.due, routing.state) == (
        D("2026-03-06"),
        D("2026-03-23"),
        "running",
    )
    decided = deadline(m, "decide_objection", D("2026-03-07"))
    assert (decided.state, decided.met_on) == ("met", D("2026-03-06"))
    assert [x.kind for x in open_obligations(m, D("2026-03-07"))] == ["routing"]


# --- finding 10: who may object -------------------------------------------------------


def test_unit_forwarded_after_an_agreed_objection_may_object(world: World) -> None:
    """XFGZ Art. 23 para 3: every receiving organ may object within 5 working days. The unit
    chosen after the office agreed to an objection was not designated after a dispute
    (WF Art. 22), so by default (DESIGNATE_AFTER_AGREED_OBJECTION False) it may object."""
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "object", actor=w.handler, reason="不属本镇职责", at=at("2026-03-03"))
    transition(m, "agree_objection", actor=w.registrar, at=at("2026-03-04"))
    m = transition(
        m, "forward", actor=w.registrar, data={"unit": w.housing.pk}, at=at("2026-03-04", 15)
    )
    assert m.lead_unit == w.housing and not m.designated
    # 5 working days from Wed 3/4: 3/5, 3/6, 3/9, 3/10, 3/11.
    assert deadline(m, "objection", D("2026-03-05")).due == D("2026-03-11")
    m = transition(
        m, "object", actor=w.housing_handler, reason="属城关镇属地职责", at=at("2026-03-05")
    )
    assert m.status == Status.OBJECTED


def test_designating_after_an_agreed_objection_is_a_setting(world: World, settings) -> None:
    """WF Art. 22 as a local choice (setting DESIGNATE_AFTER_AGREED_OBJECTION True): the unit
    chosen after an agreed objection is designated and its objection is refused with
    ``designated``; nothing changes."""
    settings.XINFANG = {**settings.XINFANG, "DESIGNATE_AFTER_AGREED_OBJECTION": True}
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "object", actor=w.handler, reason="不属本镇职责", at=at("2026-03-03"))
    transition(m, "agree_objection", actor=w.registrar, at=at("2026-03-04"))
    m = transition(
        m, "forward", actor=w.registrar, data={"unit": w.housing.pk}, at=at("2026-03-04", 15)
    )
    assert m.designated
    refused(
        m,
        "object",
        "designated",
        actor=w.housing_handler,
        reason="属城关镇属地职责",
        at=at("2026-03-05"),
    )


def test_unit_designated_after_a_rejected_objection_may_not_object_again(
    world: World,
) -> None:
    """WF Art. 22 (with XFGZ Art. 23 para 3): a unit designated after the office rejected its
    objection may not return the matter again: refused with ``designated``."""
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "object", actor=w.handler, reason="不属本镇职责", at=at("2026-03-03"))
    m = transition(m, "reject_objection", actor=w.registrar, reason="属地管理", at=at("2026-03-04"))
    assert m.status == Status.DISPATCHED and m.designated and m.lead_unit == w.town
    refused(m, "object", "designated", actor=w.handler, reason="仍不属本镇", at=at("2026-03-05"))
