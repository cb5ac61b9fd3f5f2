from __future__ import annotations

from xinfang.actions.workflow import transition
from xinfang.cases.models import Event, Kind, Status

from .factories import answered


def test_full_chain_original_review_reexam(world):
    w = world
    m = answered(w)
    assert m.status == Status.ANSWERED
    assert m.decision == "explain"
    m = transition(m, "request_review", actor=w.registrar)
    review = m.followups.get()
    assert review.kind == Kind.REVIEW
    assert review.lead_unit == w.county  # one level up from the town government
    assert review.status == Status.HANDLING
    transition(review, "submit_opinion", actor=w.county_handler, data=_op())
    review = transition(review, "approve_opinion", actor=w.county_leader)
    assert review.status == Status.ANSWERED
    review = transition(review, "request_reexam", actor=w.county_registrar)
    reexam = review.followups.get()
    assert reexam.lead_unit == w.city
    transition(reexam, "submit_opinion", actor=w.city_handler, data=_op())
    reexam = transition(reexam, "approve_opinion", actor=w.city_leader)
    assert reexam.status == Status.CONCLUDED and reexam.final
    assert [e.seq for e in Event.objects.filter(matter=m)] == list(range(1, m.event_count + 1))


def _op():
    return {"decision": "reject", "request": "r", "facts": "f", "reasons": "x", "basis": "b"}
