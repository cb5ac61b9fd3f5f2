"""Issue 23, findings 5, 6 and 11: service of the written reply (送达), requests received in
time, and 复核 where the reviewing organ has no organ above it (XFGZ Arts. 35, 36)."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Kind, Matter, Status
from xinfang.org.models import Level, Role, UnitKind

from ..factories import World, opinion, register, staff, unit
from .helpers import (
    D,
    accepted,
    answer,
    at,
    deadline,
    entitled,
    portal_client,
    refused,
    review_chain,
)

# --- finding 5: service of the written reply ------------------------------------------


def _answered_on_4_2(w: World) -> Matter:
    m = accepted(w, "2026-03-02", "2026-03-03")
    return answer(m, w.handler, w.leader, "2026-04-02")


def test_service_date_before_the_reply_is_refused(world: World) -> None:
    """XFGZ Art. 35: the 复查 window runs from receipt of the written reply, which cannot
    precede it. Approved 2026-04-02; recording service on 4/1 is refused with
    ``served_before_reply`` and nothing changes."""
    w = world
    m = _answered_on_4_2(w)
    actor = entitled(m, "record_service", [w.handler, w.leader, w.registrar])
    refused(
        m,
        "record_service",
        "served_before_reply",
        actor=actor,
        data={"served_on": "2026-04-01"},
        at=at("2026-04-10"),
    )


def test_service_date_in_the_future_is_refused(world: World) -> None:
    """XFGZ Art. 35: service is recorded after it happened: on 2026-04-10 a service date of
    4/11 is refused with ``served_in_future`` and nothing changes."""
    w = world
    m = _answered_on_4_2(w)
    actor = entitled(m, "record_service", [w.handler, w.leader, w.registrar])
    refused(
        m,
        "record_service",
        "served_in_future",
        actor=actor,
        data={"served_on": "2026-04-11"},
        at=at("2026-04-10"),
    )


def test_review_window_runs_from_the_recorded_service(world: World) -> None:
    """XFGZ Art. 35: approved Thu 2026-04-02 and served Wed 4/8 (recorded 4/10): the 30-day
    window to ask for 复查 runs from 4/8 and ends Fri 5/8 (from the approval it would have
    ended on 5/6, 4/2 + 30 = 5/2 rolled over 劳动节). A request on 5/7 is in time."""
    w = world
    m = _answered_on_4_2(w)
    actor = entitled(m, "record_service", [w.handler, w.leader, w.registrar])
    m = transition(
        m, "record_service", actor=actor, data={"served_on": "2026-04-08"}, at=at("2026-04-10")
    )
    assert m.status == Status.ANSWERED
    window = deadline(m, "review_window", D("2026-04-10"))
    assert (window.start, window.due, window.state) == (
        D("2026-04-08"),
        D("2026-05-08"),
        "running",
    )
    m = transition(m, "request_review", actor=w.registrar, at=at("2026-05-07"))
    assert m.status == Status.CONCLUDED
    assert m.followups.get().kind == Kind.REVIEW


def test_service_may_be_recorded_on_a_concluded_matter(world: World) -> None:
    """XFGZ Art. 35: a matter concluded on 2026-04-03 and served on 4/8 has its 复查 window
    from 4/8: due Fri 5/8."""
    w = world
    m = _answered_on_4_2(w)
    m = transition(m, "conclude", actor=w.handler, at=at("2026-04-03"))
    actor = entitled(m, "record_service", [w.handler, w.leader, w.registrar])
    m = transition(
        m, "record_service", actor=actor, data={"served_on": "2026-04-08"}, at=at("2026-04-10")
    )
    assert m.status == Status.CONCLUDED
    assert deadline(m, "review_window", D("2026-04-10")).due == D("2026-05-08")


def test_service_date_given_at_approval_obeys_the_same_rule(world: World) -> None:
    """XFGZ Art. 35: approving on 2026-04-02 with a service date of 4/1 (before the reply) is
    refused with ``served_before_reply``, with 4/3 (after that day) with
    ``served_in_future``; nothing changes. Served the same day, the window ends 5/6."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = transition(m, "submit_opinion", actor=w.handler, data=opinion(), at=at("2026-04-01"))
    refused(
        m,
        "approve_opinion",
        "served_before_reply",
        actor=w.leader,
        data={"served_on": "2026-04-01"},
        at=at("2026-04-02"),
    )
    refused(
        m,
        "approve_opinion",
        "served_in_future",
        actor=w.leader,
        data={"served_on": "2026-04-03"},
        at=at("2026-04-02"),
    )
    m = transition(
        m, "approve_opinion", actor=w.leader, data={"served_on": "2026-04-02"}, at=at("2026-04-02")
    )
    window = deadline(m, "review_window", D("2026-04-03"))
    assert (window.start, window.due) == (D("2026-04-02"), D("2026-05-06"))


# --- finding 6: the request's receipt date decides the window -----------------------------


def test_review_request_received_in_time_but_registered_late_is_accepted(world: World) -> None:
    """XFGZ Art. 35: answered 2026-04-02, the 复查 window ends 5/6. A request received on
    5/6 and registered on 5/8 is in time; the review decision is due 30 days after the
    organ received the request: 5/6 + 30 = Fri 6/5. A request received on 5/7 is late:
    ``window_closed``, nothing changes."""
    w = world
    late = _answered_on_4_2(w)
    refused(
        late,
        "request_review",
        "window_closed",
        actor=w.registrar,
        data={"received_on": "2026-05-07"},
        at=at("2026-05-08"),
    )
    assert not late.followups.exists()
    m = _answered_on_4_2(w)
    m = transition(
        m,
        "request_review",
        actor=w.registrar,
        data={"received_on": "2026-05-06"},
        at=at("2026-05-08"),
    )
    review = m.followups.get()
    assert review.kind == Kind.REVIEW and review.lead_unit == w.county
    assert deadline(review, "review", D("2026-05-08")).due == D("2026-06-05")
    assert review.current_due == D("2026-06-05")


def test_reexam_request_received_in_time_but_registered_late_is_accepted(world: World) -> None:
    """XFGZ Art. 36: the 复查 reply of Fri 2026-04-10 opens a 30-day window to Sun 5/10,
    rolled to Mon 5/11. A 复核 request received on 5/11 and registered on 5/12 is in time,
    its decision due 5/11 + 30 = Wed 6/10; one received on 5/12 is refused with
    ``window_closed`` and nothing changes."""
    w = world
    _, review = review_chain(w)
    assert deadline(review, "reexam_window", D("2026-04-11")).due == D("2026-05-11")
    refused(
        review,
        "request_reexam",
        "window_closed",
        actor=w.county_registrar,
        data={"received_on": "2026-05-12"},
        at=at("2026-05-13"),
    )
    review = transition(
        review,
        "request_reexam",
        actor=w.county_registrar,
        data={"received_on": "2026-05-11"},
        at=at("2026-05-12"),
    )
    reexam = review.followups.get()
    assert reexam.kind == Kind.REEXAM and reexam.lead_unit == w.city
    assert deadline(reexam, "reexam", D("2026-05-12")).due == D("2026-06-10")


# --- finding 11: 复核 where the reviewing organ has no organ above it ---------------------


def _reviewed_at_the_city(w: World, base: str | None = None) -> tuple[Matter, Matter]:
    """Handled by the county government, reviewed (复查) by the city, which has no organ
    above it in this deployment."""
    if base is None:
        days = ["2026-07-01", "2026-07-20", "2026-07-27", "2026-08-28"]
    else:
        start = D(base)
        days = [str(start + timedelta(days=n)) for n in (0, 5, 6, 10)]
    m = register(w, at=at(days[0], 9))
    transition(m, "forward", actor=w.registrar, data={"unit": w.county.pk}, at=at(days[0], 10))
    transition(m, "accept", actor=w.county_handler, at=at(days[0], 11))
    m = answer(m, w.county_handler, w.county_leader, days[1])
    transition(m, "request_review", actor=w.registrar, at=at(days[2]))
    review = m.followups.get()
    assert review.lead_unit == w.city and w.city.parent is None
    review = answer(review, w.city_handler, w.city_leader, days[3])
    return m, review


def test_reexam_with_no_organ_above_is_registered_and_put_to_staff(world: World) -> None:
    """XFGZ Art. 36: a citizen's 复核 request (Thu 2026-09-03) about a 复查 decided by the
    city, which has no organ above it, is registered, never refused at the citizen; it
    waits at the city with an open 复核 obligation of 30 days: 9/3 + 30 = Sat 10/3, in
    国庆节: due Thu 10/8. Staff there choose the organ (choose_organ); the period still
    runs from the request."""
    w = world
    _, review = _reviewed_at_the_city(w)
    review = transition(
        review,
        "request_reexam",
        actor=None,
        by_citizen=True,
        at=at("2026-09-03"),
        data={"grounds": "复查意见未回应维修资金问题"},
    )
    reexam = review.followups.get()
    assert (reexam.kind, reexam.status, reexam.registered_unit) == (
        Kind.REEXAM,
        Status.REGISTERED,
        w.city,
    )
    d = deadline(reexam, "reexam", D("2026-09-04"))
    assert (d.start, d.due, d.state, d.obligation) == (
        D("2026-09-03"),
        D("2026-10-08"),
        "running",
        True,
    )
    assert (reexam.current_due, reexam.current_due_kind) == (D("2026-10-08"), "reexam")
    assert access.visible(w.city_leader).filter(pk=reexam.pk).exists()
    province = unit("江西省人民政府", UnitKind.GOVERNMENT, Level.PROVINCE, code="360000")
    city_registrar = staff("city_registrar", (w.city, Role.REGISTRAR))
    actor = entitled(reexam, "choose_organ", [city_registrar, w.city_leader, w.city_handler])
    reexam = transition(
        reexam, "choose_organ", actor=actor, data={"organ": province.pk}, at=at("2026-09-07")
    )
    assert reexam.lead_unit == province
    assert deadline(reexam, "reexam", D("2026-09-08")).due == D("2026-10-08")
    assert reexam.current_due == D("2026-10-08")


def test_portal_registers_reexam_with_no_organ_above(world: World) -> None:
    """XFGZ Art. 36 on the citizen portal: the 复核 request about the city's 复查 reply is
    taken (the citizen lands on the new 复核 matter), not refused with an error the citizen
    cannot act on."""
    w = world
    base = timezone.localdate() - timedelta(days=14)
    _, review = _reviewed_at_the_city(w, str(base))
    c = portal_client(review)
    r = c.post(f"/portal/m/{review.receipt_no}/reexam/", {"grounds": "复查意见未回应维修资金问题"})
    reexam = review.followups.filter(kind=Kind.REEXAM).first()
    assert reexam is not None, "the 复核 request was refused at the citizen"
    assert r.status_code == 302 and r["Location"] == f"/portal/m/{reexam.receipt_no}/"
    assert reexam.status == Status.REGISTERED and reexam.registered_unit == w.city
    assert c.get(f"/portal/m/{reexam.receipt_no}/").status_code == 200
