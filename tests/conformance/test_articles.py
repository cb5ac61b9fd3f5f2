"""The articles of procedure.md the system claims to implement, beyond the findings of
issue 23: XFGZ Arts. 20, 22, 23, 24, 29–36, 40 and the counting rules of CC Arts. 201
and 203 over the shipped holiday arrangements."""

from __future__ import annotations

import json

import pytest

from xinfang.actions.workflow import transition
from xinfang.cases.models import Category, Event, Kind, Matter, MatterUnit, Status
from xinfang.core.errors import Forbidden, UserError
from xinfang.notices.models import Notice

from ..factories import World, opinion, register
from .helpers import (
    D,
    accepted,
    answer,
    at,
    deadline,
    final_chain,
    forwarded,
    open_obligations,
    refused,
    review_chain,
    state,
)

# --- Art. 20: collective visits --------------------------------------------------------


def test_collective_visit_has_at_most_five_representatives(world: World) -> None:
    """XFGZ Art. 20: a group elects at most 5 representatives. Six are refused with
    ``too_many_representatives`` and nothing is written; five are registered with the
    head-count."""
    people = [{"name": f"代表{i}", "is_representative": True} for i in range(6)]
    n = Matter.objects.count()
    with pytest.raises(UserError) as exc:
        register(world, petitioners=people, is_collective=True, headcount=40)
    assert exc.value.code == "too_many_representatives"
    assert Matter.objects.count() == n
    m = register(world, petitioners=people[:5], is_collective=True, headcount=40)
    assert m.is_collective and m.headcount == 40
    assert m.petitioners.filter(is_representative=True).count() == 5


# --- Art. 22: registration and routing -------------------------------------------------


def test_routing_within_15_days_rolls_over_national_day(world: World) -> None:
    """XFGZ Art. 22 with CC Arts. 201, 203: registered Wed 2026-09-16, the office must
    forward or assign within 15 days: 10/1 is 国庆节 (10/1–10/7), so by Thu 10/8; overdue on
    10/9; forwarding on 9/30 meets it."""
    w = world
    m = register(w, at=at("2026-09-16"))
    d = deadline(m, "routing", D("2026-09-17"))
    assert (d.start, d.due, d.state, d.obligation) == (
        D("2026-09-16"),
        D("2026-10-08"),
        "running",
        True,
    )
    assert deadline(m, "routing", D("2026-10-08")).state == "running"
    assert deadline(m, "routing", D("2026-10-09")).state == "overdue"
    # The receipt notice (Art. 23 para 1) ends the same day; once sent, routing is nearest.
    m = transition(m, "send_receipt", actor=w.registrar, at=at("2026-09-17"))
    assert (m.current_due, m.current_due_kind) == (D("2026-10-08"), "routing")
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=at("2026-09-30"))
    met = deadline(m, "routing", D("2026-10-09"))
    assert (met.state, met.met_on) == ("met", D("2026-09-30"))


def test_assignment_requires_a_completion_report(world: World) -> None:
    """XFGZ Art. 22: an assigned matter (交办) owes a completion report (办结报告); a merely
    forwarded one has no report to file (refused, nothing changes)."""
    w = world
    fwd = accepted(w, "2026-03-02", "2026-03-03")
    fwd = answer(fwd, w.handler, w.leader, "2026-03-20")
    before = state(fwd)
    with pytest.raises(UserError):
        transition(
            fwd,
            "report_completion",
            actor=w.handler,
            data={"summary": "已办结"},
            at=at("2026-03-21"),
        )
    assert state(fwd) == before
    m = register(w, at=at("2026-03-10"))
    transition(
        m,
        "assign",
        actor=w.registrar,
        data={"unit": w.town.pk, "due_on": "2026-04-30"},
        at=at("2026-03-10", 11),
    )
    transition(m, "accept", actor=w.handler, at=at("2026-03-11"))
    m = answer(m, w.handler, w.leader, "2026-04-20")
    assert deadline(m, "handling", D("2026-04-21")).state == "met"
    m = transition(
        m, "report_completion", actor=w.handler, data={"summary": "已办结"}, at=at("2026-04-21")
    )
    assert Event.objects.filter(matter=m, action="report_completion").count() == 1


def test_every_transfer_is_recorded(world: World) -> None:
    """XFGZ Arts. 22, 24 (record every transfer; the history is permanent): forward,
    objection, take-back and a new forward are all events in order."""
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "object", actor=w.handler, reason="不属本镇职责", at=at("2026-03-03"))
    transition(m, "agree_objection", actor=w.registrar, at=at("2026-03-04"))
    transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk}, at=at("2026-03-05"))
    actions = list(Event.objects.filter(matter=m).order_by("seq").values_list("action", flat=True))
    assert actions == ["register", "forward", "object", "agree_objection", "forward"]


# --- Art. 23 para 1: the receipt notice ------------------------------------------------


def test_receipt_notice_within_15_days(world: World) -> None:
    """XFGZ Art. 23 para 1: a matter received directly on Thu 2026-04-16 must be
    acknowledged in writing within 15 days: 5/1 is 劳动节 (5/1–5/5), so by Wed 5/6.
    Sending the receipt notice on 4/20 meets it (a 受理告知书 is issued)."""
    w = world
    m = register(w, at=at("2026-04-16"))
    d = deadline(m, "receipt", D("2026-04-17"))
    assert (d.start, d.due, d.state, d.obligation) == (
        D("2026-04-16"),
        D("2026-05-06"),
        "running",
        True,
    )
    m = transition(m, "send_receipt", actor=w.registrar, at=at("2026-04-20"))
    met = deadline(m, "receipt", D("2026-04-21"))
    assert (met.state, met.met_on) == ("met", D("2026-04-20"))
    assert Notice.objects.filter(matter=m, kind="receipt").count() == 1
    assert deadline(m, "routing", D("2026-04-21")).due == D("2026-05-06")


def test_no_receipt_notice_is_owed_to_an_anonymous_petitioner(world: World) -> None:
    """XFGZ Art. 23 para 1: no written notice is owed when name or address is unknown; an
    anonymous matter has no open receipt obligation (its routing duty still runs)."""
    w = world
    m = register(w, at=at("2026-04-16"), anonymous=True, petitioners=[])
    kinds = [d.kind for d in open_obligations(m, D("2026-04-17"))]
    assert "receipt" not in kinds and "routing" in kinds


# --- Art. 23 para 3: objection within 5 working days -------------------------------------


def test_objection_window_counts_a_make_up_working_day(world: World) -> None:
    """XFGZ Art. 23 para 3 (5 个工作日) with the 2026 arrangement: forwarded Wed 9/16, the
    working days are 9/17, 9/18, Sun 9/20 (国庆节调休上班), 9/21, 9/22: the objection is
    possible on 9/22 and refused on 9/23 with ``objection_late``."""
    w = world
    m = forwarded(w, "2026-09-16")
    assert deadline(m, "objection", D("2026-09-17")).due == D("2026-09-22")
    refused(m, "object", "objection_late", actor=w.handler, reason="不属本镇", at=at("2026-09-23"))
    m2 = forwarded(w, "2026-09-16")
    m2 = transition(m2, "object", actor=w.handler, reason="不属本镇", at=at("2026-09-22"))
    assert m2.status == Status.OBJECTED


# --- Art. 24: lead and assisting units -------------------------------------------------


def test_lead_and_assisting_units(world: World) -> None:
    """XFGZ Art. 24: where several organs are involved a lead (主办) and assisting (协办)
    units are set; the lead unit issues the opinion, an assisting unit may not; the
    handling period (accepted 3/3, due 5/6) is not restarted."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = transition(
        m,
        "set_units",
        actor=w.registrar,
        data={"lead": w.housing.pk, "assisting": [w.town.pk]},
        at=at("2026-03-05"),
    )
    assert m.lead_unit == w.housing
    assisting = MatterUnit.objects.filter(matter=m, active=True, role=MatterUnit.ASSIST)
    assert list(assisting.values_list("unit_id", flat=True)) == [w.town.pk]
    assert m.current_due == D("2026-05-06")
    before = state(m)
    with pytest.raises(Forbidden):
        transition(m, "submit_opinion", actor=w.handler, data=opinion(), at=at("2026-03-20"))
    assert state(m) == before
    m = transition(
        m, "submit_opinion", actor=w.housing_handler, data=opinion(), at=at("2026-03-20")
    )
    assert m.status == Status.OPINION_PENDING


# --- Arts. 29, 30, 34: the handling period by category ---------------------------------


@pytest.mark.parametrize("category", [Category.SUGGESTION, Category.REPORT, Category.CLAIM])
def test_handling_period_is_60_days_for_every_category(world: World, category: str) -> None:
    """XFGZ Art. 34 (claims, 60 days) and Arts. 29, 30 (no count given; default 60 days):
    accepted Tue 2026-03-03, 3/3 + 60 = Sat 5/2 in 劳动节 (5/1–5/5): due Wed 5/6."""
    w = world
    extra = {"accused_unit": w.town2} if category == Category.REPORT else {}
    m = accepted(w, "2026-03-02", "2026-03-03", category=category, **extra)
    d = deadline(m, "handling", D("2026-03-04"))
    assert (d.start, d.due, d.state) == (D("2026-03-03"), D("2026-05-06"), "running")
    assert (m.current_due, m.current_due_kind) == (D("2026-05-06"), "handling")


def test_suggestion_and_report_periods_are_settings(world: World, settings) -> None:
    """XFGZ Arts. 29, 30 (settings SUGGESTION_DAYS, REPORT_DAYS): with 30 and 45 days,
    accepted 2026-03-03: a suggestion is due Thu 4/2, a report Fri 4/17; a claim keeps the
    60 days of Art. 34 (5/6)."""
    settings.XINFANG = {**settings.XINFANG, "SUGGESTION_DAYS": 30, "REPORT_DAYS": 45}
    w = world
    s = accepted(w, "2026-03-02", "2026-03-03", category=Category.SUGGESTION)
    r = accepted(w, "2026-03-02", "2026-03-03", category=Category.REPORT, accused_unit=w.town2)
    c = accepted(w, "2026-03-02", "2026-03-03", category=Category.CLAIM)
    assert (s.current_due, r.current_due, c.current_due) == (
        D("2026-04-02"),
        D("2026-04-17"),
        D("2026-05-06"),
    )


# --- Art. 31: redirection to another statutory channel ----------------------------------


def test_claim_redirected_with_a_notice_naming_the_channel(world: World) -> None:
    """XFGZ Art. 31: an appeal/claim that belongs to litigation is redirected with a written
    notice naming the channel; the matter is closed with no open obligation."""
    w = world
    m = register(w, at=at("2026-03-02"))
    m = transition(
        m,
        "redirect",
        actor=w.registrar,
        reason="属于人民法院受理的民事纠纷",
        data={"channel": "litigation", "organ": "青山县人民法院"},
        at=at("2026-03-03"),
    )
    assert m.status == Status.REDIRECTED
    notice = Notice.objects.get(matter=m, kind="redirect")
    assert "青山县人民法院" in json.dumps(notice.context, ensure_ascii=False)
    assert open_obligations(m, D("2026-03-04")) == []


# --- Art. 32: the handling opinion ------------------------------------------------------


def test_opinion_in_time_answers_the_matter(world: World) -> None:
    """XFGZ Art. 32: the handling opinion (request, facts, reasons, decision, basis) is
    submitted, approved and issued as 信访事项处理意见书; approved 2026-04-02, before the
    5/6 deadline: the handling period is met and answered on time."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = transition(
        m, "submit_opinion", actor=w.handler, data=opinion("support"), at=at("2026-04-01")
    )
    assert m.status == Status.OPINION_PENDING
    m = transition(m, "approve_opinion", actor=w.leader, at=at("2026-04-02"))
    assert (m.status, m.decision, m.answered_on_time) == (Status.ANSWERED, "support", True)
    h = deadline(m, "handling", D("2026-04-03"))
    assert (h.state, h.met_on, h.due) == ("met", D("2026-04-02"), D("2026-05-06"))
    assert Notice.objects.filter(matter=m, kind="opinion").count() == 1
    # what remains is closing the file (办结) when the petitioner's 30 days to ask for
    # 复查 end: 4/2 + 30 = 5/2, in the Labour Day break, so 5/6 (ADR 0005)
    left = open_obligations(m, D("2026-04-03"))
    assert [(d.kind, d.due) for d in left] == [("conclude", D("2026-05-06"))]


def test_opinion_after_the_deadline_is_late(world: World) -> None:
    """XFGZ Arts. 32, 34: approved on 2026-05-07, a day after the 5/6 deadline: the period
    is ``late`` and the matter was not answered on time."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = answer(m, w.handler, w.leader, "2026-05-07")
    assert m.answered_on_time is False
    h = deadline(m, "handling", D("2026-05-08"))
    assert (h.state, h.met_on) == ("late", D("2026-05-07"))


def test_returned_opinion_goes_back_to_handling(world: World) -> None:
    """XFGZ Art. 32: the organ's head may return a draft opinion; the matter is handled
    again and its period keeps running (due 5/6)."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    transition(m, "submit_opinion", actor=w.handler, data=opinion(), at=at("2026-04-01"))
    m = transition(m, "return_opinion", actor=w.leader, reason="事实不清", at=at("2026-04-02"))
    assert (m.status, m.current_due, m.current_due_kind) == (
        Status.HANDLING,
        D("2026-05-06"),
        "handling",
    )


# --- Art. 33: mediation -----------------------------------------------------------------


def test_mediation_is_recorded(world: World) -> None:
    """XFGZ Art. 33: a mediation or settlement during handling is recorded as an event with
    its outcome; the matter stays in handling with its period (due 5/6)."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = transition(
        m,
        "record_mediation",
        actor=w.handler,
        data={"outcome": "settlement", "summary": "双方达成和解"},
        at=at("2026-03-20"),
    )
    ev = Event.objects.get(matter=m, action="record_mediation")
    assert ev.data["outcome"] == "settlement"
    assert (m.status, m.current_due) == (Status.HANDLING, D("2026-05-06"))


# --- Art. 34: one extension of at most 30 days ---------------------------------------------


def test_one_extension_of_at_most_30_days(world: World) -> None:
    """XFGZ Art. 34: accepted 2026-03-03 (60 days: 5/2, rolled to 5/6). An extension of 31
    days is refused (``bad_days``); one of 30 approved by the head of the organ on 4/21
    makes the period 90 days: 3/3 + 90 = Mon 6/1; the petitioner is told (延期办理告知书); a
    second extension is refused (``extension_used``)."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    refused(
        m,
        "request_extension",
        "bad_days",
        actor=w.handler,
        reason="需鉴定",
        data={"days": 31},
        at=at("2026-04-20"),
    )
    transition(
        m,
        "request_extension",
        actor=w.handler,
        reason="需鉴定",
        data={"days": 30},
        at=at("2026-04-20"),
    )
    m = transition(m, "approve_extension", actor=w.leader, at=at("2026-04-21"))
    assert m.current_due == D("2026-06-01")
    h = deadline(m, "handling", D("2026-04-22"))
    assert (h.due, h.extended_days) == (D("2026-06-01"), 30)
    assert Notice.objects.filter(matter=m, kind="extension").count() == 1
    refused(
        m,
        "request_extension",
        "extension_used",
        actor=w.handler,
        reason="再延",
        data={"days": 5},
        at=at("2026-05-20"),
    )


# --- Art. 35: review (复查) ---------------------------------------------------------------


def test_review_window_and_review_period(world: World) -> None:
    """XFGZ Art. 35: answered Thu 2026-04-02; 复查 may be asked within 30 days: 5/2 is in
    劳动节, so by Wed 5/6; on 5/7 it is refused (``window_closed``). Asked on 5/6, the
    review goes to the organ one level up (the county) and is decided within 30 days:
    Fri 6/5."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = answer(m, w.handler, w.leader, "2026-04-02")
    window = deadline(m, "review_window", D("2026-04-03"))
    assert (window.due, window.obligation) == (D("2026-05-06"), False)
    refused(m, "request_review", "window_closed", actor=w.registrar, at=at("2026-05-07"))
    m = transition(m, "request_review", actor=w.registrar, at=at("2026-05-06"))
    assert m.status == Status.CONCLUDED
    review = m.followups.get()
    assert (review.kind, review.lead_unit) == (Kind.REVIEW, w.county)
    d = deadline(review, "review", D("2026-05-07"))
    assert (d.start, d.due, d.state) == (D("2026-05-06"), D("2026-06-05"), "running")
    assert (review.current_due, review.current_due_kind) == (D("2026-06-05"), "review")


# --- Art. 36: re-examination (复核) ---------------------------------------------------------


def test_reexam_period_excludes_hearing_time(world: World) -> None:
    """XFGZ Art. 36: the 复核 requested Mon 2026-04-13 goes one level above the reviewer (the
    city) and is decided within 30 days (5/13); a hearing 4/20–4/22 (3 days) is not
    counted: 5/16 is a Saturday, so the period ends Mon 5/18."""
    w = world
    _, review = review_chain(w)
    transition(review, "request_reexam", actor=w.county_registrar, at=at("2026-04-13"))
    reexam = review.followups.get()
    assert (reexam.kind, reexam.lead_unit) == (Kind.REEXAM, w.city)
    assert deadline(reexam, "reexam", D("2026-04-14")).due == D("2026-05-13")
    transition(
        reexam,
        "pause",
        actor=w.city_handler,
        reason="组织听证",
        data={"reason_kind": "hearing"},
        at=at("2026-04-20"),
    )
    reexam = transition(reexam, "resume", actor=w.city_handler, at=at("2026-04-22"))
    assert reexam.current_due == D("2026-05-18")


def test_reexam_decision_is_final(world: World) -> None:
    """XFGZ Art. 36 (and para 3): the 复核 decision ends the procedure: the 复核 matter is
    concluded and final; no obligation of the chain stays open and no further 复核 is
    possible."""
    w = world
    m, review, reexam = final_chain(w)
    assert reexam.final and reexam.status == Status.CONCLUDED
    for x in (m, review, reexam):
        assert open_obligations(x, D("2026-05-07")) == [], x.kind
    before = state(review)
    with pytest.raises(UserError):
        transition(review, "request_reexam", actor=w.county_registrar, at=at("2026-05-07"))
    assert state(review) == before


def test_same_matter_after_a_final_reexam_is_not_accepted_with_a_notice(world: World) -> None:
    """XFGZ Art. 36 para 3: the same facts and reasons raised again after the final 复核
    decision are not accepted; a record is kept and the petitioner gets a written notice
    naming the existing matter."""
    w = world
    m, _, _ = final_chain(w)
    again = register(w, at=at("2026-06-01"))
    again = transition(
        again,
        "not_accept",
        actor=w.registrar,
        reason="同一事实和理由，复核意见已作出",
        data={"ground": "art36", "existing": m.receipt_no},
        at=at("2026-06-01", 11),
    )
    assert again.status == Status.NOT_ACCEPTED and again.repeat_of == m
    notice = Notice.objects.get(matter=again, kind="not_accepted")
    assert m.receipt_no in json.dumps(notice.context, ensure_ascii=False)


# --- Art. 40: supervision (督办) -----------------------------------------------------------


def test_supervision_notice_and_written_answer(world: World) -> None:
    """XFGZ Art. 40: the office issues a supervision notice to a late unit (after the 5/6
    deadline) with a reply date; the unit answers in writing; both are events."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = transition(
        m,
        "supervise",
        actor=w.supervisor,
        reason="办理超期",
        data={"demand": "立即办结并书面说明超期原因", "reply_due": "2026-05-11"},
        at=at("2026-05-07"),
    )
    assert (m.supervision_level, m.supervision_due) == (1, D("2026-05-11"))
    m = transition(
        m,
        "answer_supervision",
        actor=w.leader,
        data={"reply": "已入户核实，正在协调维修"},
        at=at("2026-05-08"),
    )
    assert m.supervision_due is None
    actions = set(Event.objects.filter(matter=m).values_list("action", flat=True))
    assert {"supervise", "answer_supervision"} <= actions


# --- CC Arts. 201, 203: counting -------------------------------------------------------


def test_period_ending_in_the_spring_festival_rolls_forward(world: World) -> None:
    """CC Arts. 201, 203 with the 2026 arrangement: accepted Sun 2025-12-21, 60 days end on
    2026-02-19, in 春节 (2/15–2/23): the period ends on the next working day, Tue 2/24."""
    m = accepted(world, "2025-12-19", "2025-12-21")
    assert (m.current_due, m.current_due_kind) == (D("2026-02-24"), "handling")


def test_period_ending_on_a_make_up_saturday_does_not_roll(world: World) -> None:
    """CC Art. 203 with the 2026 arrangement: accepted Tue 2025-12-30, 60 days end on Sat
    2026-02-28, a make-up working day (春节调休上班): the period ends that day."""
    m = accepted(world, "2025-12-29", "2025-12-30")
    assert m.current_due == D("2026-02-28")


def test_period_rolls_over_new_year_to_a_make_up_sunday(world: World) -> None:
    """CC Arts. 201, 203: registered Wed 2025-12-17, the 15-day routing period ends on
    2026-01-01, 元旦 (1/1–1/3); the next working day is Sun 1/4 (元旦调休上班)."""
    m = register(world, at=at("2025-12-17"))
    assert deadline(m, "routing", D("2025-12-18")).due == D("2026-01-04")


def test_start_day_not_counted_and_roll_forward_is_a_setting(world: World, settings) -> None:
    """CC Art. 201 (the start day is not counted) and the roll-forward setting of CC
    Art. 203 (ROLL_FORWARD): accepted 2026-03-03, with roll-forward off the 60th day after
    it, Sat 5/2, is the last day: still running on 5/2, overdue on 5/3."""
    settings.XINFANG = {**settings.XINFANG, "ROLL_FORWARD": False}
    m = accepted(world, "2026-03-02", "2026-03-03")
    assert m.current_due == D("2026-05-02")
    assert deadline(m, "handling", D("2026-05-02")).state == "running"
    assert deadline(m, "handling", D("2026-05-03")).state == "overdue"
