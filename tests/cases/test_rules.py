"""Statutory rules enforced by the workflow, with backdated actions (a frozen clock)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from xinfang.actions.workflow import transition
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Category, Event, Status
from xinfang.core.errors import UserError

from ..factories import World, opinion, register

TZ = ZoneInfo("Asia/Shanghai")


def at(d: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(d).replace(hour=hour, tzinfo=TZ)


def forwarded(w: World, day: str) -> object:
    m = register(w, at=at(day))
    return transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=at(day, 11))


def test_objection_within_five_working_days_across_national_day(world: World) -> None:
    # Forwarded Mon 2026-09-28. Working days after it: 9/29, 9/30, then the National Day
    # break 10/1-10/7, then 10/8, 10/9, 10/10 (a make-up Saturday): the fifth is 10/10.
    m = forwarded(world, "2026-09-28")
    assert clock_for(m, on=date(2026, 9, 28)).get("objection").due == date(2026, 10, 10)
    out = transition(m, "object", actor=world.handler, reason="属县住建局职责", at=at("2026-10-10"))
    assert out.status == Status.OBJECTED


def test_objection_after_the_window_is_refused(world: World) -> None:
    m = forwarded(world, "2026-09-28")
    before = m.event_count
    with pytest.raises(UserError) as exc:
        transition(m, "object", actor=world.handler, reason="x", at=at("2026-10-11"))
    assert exc.value.code == "objection_late"
    assert "2026-10-10" in exc.value.zh
    m.refresh_from_db()
    assert m.status == Status.DISPATCHED and m.event_count == before


def test_unit_designated_after_dispute_cannot_return_it(world: World) -> None:
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "object", actor=w.handler, reason="不属本镇", at=at("2026-03-03"))
    m = transition(m, "reject_objection", actor=w.registrar, reason="属地管理", at=at("2026-03-04"))
    assert m.status == Status.DISPATCHED and m.designated
    assert clock_for(m, on=date(2026, 3, 4)).get("objection") is None
    with pytest.raises(UserError) as exc:
        transition(m, "object", actor=w.handler, reason="仍不属本镇", at=at("2026-03-05"))
    assert exc.value.code == "designated"


def _agreed_and_reforwarded(w: World) -> object:
    m = forwarded(w, "2026-03-02")
    transition(m, "object", actor=w.handler, reason="不属本镇", at=at("2026-03-03"))
    m = transition(m, "agree_objection", actor=w.registrar, at=at("2026-03-04"))
    assert m.status == Status.REGISTERED and m.lead_unit is None
    return transition(
        m, "forward", actor=w.registrar, data={"unit": w.housing.pk}, at=at("2026-03-04", 15)
    )


def test_unit_forwarded_after_an_agreed_objection_may_object(world: World) -> None:
    # XFGZ Art. 23 para 3: every receiving organ may object within 5 working days; the unit
    # chosen after the office agreed to an objection was not designated after a dispute.
    w = world
    m = _agreed_and_reforwarded(w)
    assert not m.designated and m.lead_unit == w.housing
    assert clock_for(m, on=date(2026, 3, 4)).get("objection").due == date(2026, 3, 11)
    m = transition(
        m, "object", actor=w.users["housing_handler"], reason="属镇", at=at("2026-03-05")
    )
    assert m.status == Status.OBJECTED


def test_designation_after_an_agreed_objection_is_a_setting(world: World, settings) -> None:
    settings.XINFANG = {**settings.XINFANG, "DESIGNATE_AFTER_AGREED_OBJECTION": True}
    w = world
    m = _agreed_and_reforwarded(w)
    assert m.designated and m.lead_unit == w.housing
    assert clock_for(m, on=date(2026, 3, 4)).get("objection") is None
    with pytest.raises(UserError) as exc:
        transition(m, "object", actor=w.users["housing_handler"], reason="x", at=at("2026-03-05"))
    assert exc.value.code == "designated"


def test_handling_deadline_extension_once_and_at_most_30_days(world: World) -> None:
    w = world
    m = forwarded(w, "2026-03-02")
    m = transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    # 60 days after 3/3 is 5/2, inside the Labour Day break (5/1-5/5): rolls to 5/6.
    assert m.current_due == date(2026, 5, 6)
    with pytest.raises(UserError) as exc:
        transition(
            m,
            "request_extension",
            actor=w.handler,
            reason="x",
            data={"days": 31},
            at=at("2026-04-20"),
        )
    assert exc.value.code == "bad_days"
    m = transition(
        m,
        "request_extension",
        actor=w.handler,
        reason="需鉴定",
        data={"days": 30},
        at=at("2026-04-20"),
    )
    with pytest.raises(UserError):  # a handler may not approve
        transition(m, "approve_extension", actor=w.handler, at=at("2026-04-21"))
    m = transition(m, "approve_extension", actor=w.leader, at=at("2026-04-21"))
    # 5/2 + 30 days = 6/1 (a Monday, a working day).
    assert m.current_due == date(2026, 6, 1)
    ev = Event.objects.get(matter=m, action="approve_extension")
    assert ev.data["days"] == 30 and ev.data["reason_text"] == "需鉴定"
    with pytest.raises(UserError) as exc:
        transition(
            m,
            "request_extension",
            actor=w.handler,
            reason="再延",
            data={"days": 5},
            at=at("2026-05-06"),
        )
    assert exc.value.code == "extension_used"


def test_an_expired_handling_period_cannot_be_extended(world: World, settings) -> None:
    # XFGZ Art. 34 extends a running period: on 5/7 the period that ended 5/6 has expired.
    w = world
    m = forwarded(w, "2026-03-02")
    m = transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    before = m.event_count
    with pytest.raises(UserError) as exc:
        transition(
            m,
            "request_extension",
            actor=w.handler,
            reason="x",
            data={"days": 30},
            at=at("2026-05-07"),
        )
    assert exc.value.code == "period_expired" and "2026年05月06日" in exc.value.zh
    m.refresh_from_db()
    assert m.event_count == before and m.extension_state == ""
    # requested in time, but the leader decides after the period ended: refused too
    m = transition(
        m,
        "request_extension",
        actor=w.handler,
        reason="需鉴定",
        data={"days": 30},
        at=at("2026-05-06"),
    )
    with pytest.raises(UserError) as exc:
        transition(m, "approve_extension", actor=w.leader, at=at("2026-05-07"))
    assert exc.value.code == "period_expired"
    settings.XINFANG = {**settings.XINFANG, "EXTEND_AFTER_EXPIRY": True}
    m = transition(m, "approve_extension", actor=w.leader, at=at("2026-05-07"))
    assert m.current_due == date(2026, 6, 1)  # 5/2 + 30 days, as in time


def test_material_pause_adds_the_paused_days(world: World) -> None:
    w = world
    m = forwarded(w, "2026-03-02")
    m = transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    m = transition(
        m,
        "pause",
        actor=w.handler,
        reason="等待信访人补充材料",
        data={"reason_kind": "material"},
        at=at("2026-03-10"),
    )
    # The handling period has no end while paused; the pause itself is looked at again
    # within PAUSE_REVIEW_DAYS (30): 3/10 + 30 = 4/9.
    assert m.is_paused and (m.current_due_kind, m.current_due) == ("resume", date(2026, 4, 9))
    assert clock_for(m, on=date(2026, 3, 12)).get("handling").state == "paused"
    m = transition(m, "resume", actor=w.handler, at=at("2026-03-14"))
    # Paused 3/10..3/14 = 5 days: 5/2 + 5 = 5/7 (a Thursday).
    assert m.current_due == date(2026, 5, 7)


def test_hearing_pause_does_not_stop_the_handling_clock(world: World) -> None:
    w = world
    m = forwarded(w, "2026-03-02")
    m = transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    transition(
        m,
        "pause",
        actor=w.handler,
        reason="听证",
        data={"reason_kind": "hearing"},
        at=at("2026-03-10"),
    )
    m = transition(m, "resume", actor=w.handler, at=at("2026-03-12"))
    assert m.current_due == date(2026, 5, 6)


def test_review_window_closes_after_30_days(world: World) -> None:
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    transition(m, "submit_opinion", actor=w.handler, data=opinion(), at=at("2026-04-01"))
    m = transition(m, "approve_opinion", actor=w.leader, at=at("2026-04-02"))
    window = clock_for(m, on=date(2026, 4, 2)).get("review_window")
    assert window.due == date(2026, 5, 6)  # 5/2 falls in the Labour Day break
    with pytest.raises(UserError) as exc:
        transition(m, "request_review", actor=w.registrar, at=at("2026-05-07"))
    assert exc.value.code == "window_closed"
    m = transition(m, "request_review", actor=w.registrar, at=at("2026-05-06"))
    review = m.followups.get()
    # The review decision is due 30 days after the request: 6/5 (Friday).
    assert review.current_due == date(2026, 6, 5)
    with pytest.raises(UserError) as exc:
        transition(m, "request_review", actor=w.registrar, at=at("2026-05-06", 12))
    assert exc.value.code in ("bad_state", "already_requested")


def test_reexam_hearing_time_not_counted(world: World) -> None:
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    transition(m, "submit_opinion", actor=w.handler, data=opinion(), at=at("2026-03-20"))
    m = transition(m, "approve_opinion", actor=w.leader, at=at("2026-03-20", 15))
    transition(m, "request_review", actor=w.registrar, at=at("2026-03-25"))
    review = m.followups.get()
    transition(
        review, "submit_opinion", actor=w.county_handler, data=opinion(), at=at("2026-04-10")
    )
    review = transition(review, "approve_opinion", actor=w.county_leader, at=at("2026-04-10", 15))
    transition(review, "request_reexam", actor=w.county_registrar, at=at("2026-04-13"))
    reexam = review.followups.get()
    # 4/13 + 30 = 5/13. A hearing 4/20..4/22 (3 days) is not counted: 5/16 is a Saturday,
    # so the period ends on Monday 5/18.
    transition(
        reexam,
        "pause",
        actor=w.city_handler,
        reason="组织听证",
        data={"reason_kind": "hearing"},
        at=at("2026-04-20"),
    )
    reexam = transition(reexam, "resume", actor=w.city_handler, at=at("2026-04-22"))
    assert reexam.current_due == date(2026, 5, 18)


def test_same_facts_after_reexam_are_not_accepted(world: World) -> None:
    w = world
    m = forwarded(w, "2026-03-02")
    transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    transition(m, "submit_opinion", actor=w.handler, data=opinion(), at=at("2026-03-20"))
    transition(m, "approve_opinion", actor=w.leader, at=at("2026-03-20", 15))
    transition(m, "request_review", actor=w.registrar, at=at("2026-03-25"))
    review = m.followups.get()
    transition(
        review, "submit_opinion", actor=w.county_handler, data=opinion(), at=at("2026-04-10")
    )
    transition(review, "approve_opinion", actor=w.county_leader, at=at("2026-04-10", 15))
    transition(review, "request_reexam", actor=w.county_registrar, at=at("2026-04-13"))
    reexam = review.followups.get()
    transition(reexam, "submit_opinion", actor=w.city_handler, data=opinion(), at=at("2026-05-06"))
    reexam = transition(reexam, "approve_opinion", actor=w.city_leader, at=at("2026-05-06", 15))
    assert reexam.final and reexam.status == Status.CONCLUDED
    again = register(w, at=at("2026-06-01"))
    # Art. 36 para 3 needs a final decision: a merely answered matter does not qualify.
    other = forwarded(w, "2026-03-02")
    transition(other, "accept", actor=w.handler, at=at("2026-03-03"))
    transition(other, "submit_opinion", actor=w.handler, data=opinion(), at=at("2026-03-20"))
    transition(other, "approve_opinion", actor=w.leader, at=at("2026-03-20", 15))
    with pytest.raises(UserError) as exc:
        transition(
            again,
            "not_accept",
            actor=w.registrar,
            reason="同一事实和理由",
            data={"ground": "art36", "existing": other.receipt_no},
        )
    assert exc.value.code == "not_final"
    out = transition(
        again,
        "not_accept",
        actor=w.registrar,
        reason="同一事实和理由",
        data={"ground": "art36", "existing": m.receipt_no},
        at=at("2026-06-01", 11),
    )
    assert out.status == Status.NOT_ACCEPTED and out.repeat_of == m


def test_suggestion_uses_the_configured_period(world: World, settings) -> None:
    settings.XINFANG = {**settings.XINFANG, "SUGGESTION_DAYS": 30}
    w = world
    m = register(w, at=at("2026-03-02"), category=Category.SUGGESTION)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=at("2026-03-02", 11))
    m = transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    assert m.current_due == date(2026, 4, 2)


def test_registration_rejects_six_representatives_and_writes_nothing(world: World) -> None:
    from xinfang.cases.models import Matter

    people = [{"name": f"代表{i}", "is_representative": True} for i in range(6)]
    n = Matter.objects.count()
    with pytest.raises(UserError) as exc:
        register(world, petitioners=people, is_collective=True, headcount=40)
    assert exc.value.code == "too_many_representatives"
    assert Matter.objects.count() == n
    five = people[:5]
    m = register(world, petitioners=five, is_collective=True, headcount=40)
    assert m.headcount == 40 and m.petitioners.filter(is_representative=True).count() == 5


def test_dispatch_deadline_assign_fixed_date(world: World) -> None:
    w = world
    m = register(w, at=at("2026-03-02"))
    m = transition(
        m,
        "assign",
        actor=w.registrar,
        at=at("2026-03-02", 11),
        data={"unit": w.town.pk, "due_on": "2026-03-31"},
    )
    m = transition(m, "accept", actor=w.handler, at=at("2026-03-03"))
    assert m.current_due == date(2026, 3, 31)
    assert clock_for(m, on=date(2026, 3, 3)).get("routing").state == "met"
