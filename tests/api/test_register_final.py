"""The API at intake after a final 复核 (procedure.md §1, XFGZ Art. 36 para 3).

``POST /matters/final-matters`` warns of earlier matters of the same petitioner whose chain
has a final re-examination decision, among matters the caller may see;
``POST /matters/not-accepted`` registers and not-accepts in one request, and the
registration stands when the not-accept is refused.
"""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Event, Matter, Status
from xinfang.notices.models import Notice, NoticeKind

from ..factories import World, answered, opinion
from ..web.test_register_final import PHONE, REASON, final_chain, town_final_chain
from .test_api import Api, body


def lookup(api: Api, **kw: Any) -> Any:
    return api.post("/matters/final-matters", kw)


def person(**kw: str) -> dict[str, str]:
    return {"name": "张三", "phone": PHONE, **kw}


def test_final_matters_names_the_matter_and_its_decision(world: World) -> None:
    w = world
    m, _review, reexam = final_chain(w)
    r = lookup(Api(w.registrar), petitioners=[person()])
    assert r.status_code == 200, r.content
    [row] = r.json()["final_matters"]  # one per chain
    assert row == {
        "id": m.pk,
        "receipt_no": m.receipt_no,
        "kind": "original",
        "title": m.title,
        "status": "concluded",  # a 复查 was requested (XFGZ Art. 35)
        "existing": m.receipt_no,
        "decision": "reject",
        "decision_label": "不予支持",
        "decided_on": timezone.localdate(reexam.answered_at).isoformat(),
        "organ": "江州市人民政府",
        "reason": "同一信访人（电话相同）/ same petitioner (phone)",
        "article": "信访工作条例第三十六条第三款",
    }
    # by name only in the same area
    named = [{"name": "张三"}]
    assert lookup(Api(w.registrar), petitioners=named, area=w.town.pk).json()["final_matters"]
    assert not lookup(Api(w.registrar), petitioners=named).json()["final_matters"]


def test_no_final_matters_without_a_final_decision(world: World) -> None:
    w = world
    m = answered(w)
    transition(m, "request_review", actor=w.registrar)
    review = m.followups.get()
    transition(review, "submit_opinion", actor=w.county_handler, data=opinion())
    transition(review, "approve_opinion", actor=w.county_leader)
    r = lookup(Api(w.registrar), petitioners=[person()])
    assert r.status_code == 200 and r.json() == {"final_matters": []}


def test_final_matters_only_among_visible_matters(world: World) -> None:
    w = world
    m, review, _ = town_final_chain(w)
    assert lookup(Api(w.registrar), petitioners=[person()]).json() == {"final_matters": []}
    [row] = lookup(Api(w.registrar_town), petitioners=[person()]).json()["final_matters"]
    assert row["receipt_no"] == m.receipt_no
    [row] = lookup(Api(w.county_registrar), petitioners=[person()]).json()["final_matters"]
    assert (row["receipt_no"], row["kind"], row["existing"]) == (
        review.receipt_no,
        "review",
        review.receipt_no,
    )


def test_final_matters_refusals(world: World) -> None:
    w = world
    final_chain(w)
    for who in (w.handler, w.supervisor, w.city_handler):
        r = lookup(Api(who), petitioners=[person()])
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    assert lookup(Api(), petitioners=[person()]).status_code == 401
    r = lookup(Api(w.registrar), petitioners=[person()], area=999999)
    assert r.status_code == 400 and r.json()["field"] == "area"


def not_accepted(w: World, existing: str, reason: str = REASON, **kw: Any) -> dict[str, Any]:
    matter = body(w, **{"title": "再次反映楼顶漏水", "petitioners": [person()], **kw})
    return {"matter": matter, "existing": existing, "reason": reason}


def test_one_request_registers_and_issues_the_notice(world: World) -> None:
    w = world
    m, *_ = final_chain(w)
    r = Api(w.registrar).post("/matters/not-accepted", not_accepted(w, m.receipt_no))
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["not_accepted"] is True and d["error"] is None
    out = d["matter"]
    assert out["secret"] and out["status"] == "not_accepted"
    assert out["repeat_of"] == m.pk
    assert [e["action"] for e in out["events"]] == ["register", "not_accept"]
    assert out["events"][1]["data"]["ground"] == "art36"
    assert out["events"][1]["data"]["existing"] == m.receipt_no
    new = Matter.objects.get(pk=out["id"])
    assert new.status == Status.NOT_ACCEPTED and new.registered_by == w.registrar
    notice = Notice.objects.get(matter=new)
    assert notice.kind == NoticeKind.NOT_ACCEPTED
    assert [n["id"] for n in out["notices"]] == [notice.pk]
    assert notice.event == Event.objects.get(matter=new, action="not_accept")


@pytest.mark.parametrize(
    ("case", "code"),
    [("no_reason", "reason_required"), ("not_final", "not_final"), ("invisible", "no_existing")],
)
def test_refused_not_accept_keeps_the_registration(world: World, case: str, code: str) -> None:
    w = world
    m, *_ = final_chain(w)
    existing, reason = m.receipt_no, REASON
    if case == "no_reason":
        reason = ""
    elif case == "not_final":
        existing = answered(w).receipt_no
    else:
        existing = town_final_chain(w)[0].receipt_no
    n = Matter.objects.count()
    r = Api(w.registrar).post("/matters/not-accepted", not_accepted(w, existing, reason))
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["not_accepted"] is False and d["error"]["code"] == code
    assert d["error"]["message"] and d["error"]["message_en"]
    assert d["matter"]["secret"] and d["matter"]["status"] == "registered"
    assert Matter.objects.count() == n + 1
    new = Matter.objects.get(pk=d["matter"]["id"])
    assert new.status == Status.REGISTERED and new.repeat_of is None
    assert list(new.events.values_list("action", flat=True)) == ["register"]
    assert not Notice.objects.filter(matter=new, kind=NoticeKind.NOT_ACCEPTED).exists()


def test_not_accepted_refuses_bad_registrations_and_writes_nothing(world: World) -> None:
    w = world
    m, *_ = final_chain(w)
    n = Matter.objects.count()
    r = Api(w.registrar).post("/matters/not-accepted", not_accepted(w, m.receipt_no, title=""))
    assert r.status_code == 400 and r.json()["field"] == "title"
    r = Api(w.handler).post("/matters/not-accepted", not_accepted(w, m.receipt_no))
    assert r.status_code == 403
    assert Matter.objects.count() == n


def test_openapi_documents_the_warning(world: World) -> None:
    spec = Api(world.registrar).get("/openapi.json").json()
    assert "/api/v1/matters/final-matters" in spec["paths"]
    assert "/api/v1/matters/not-accepted" in spec["paths"]
    schemas = spec["components"]["schemas"]
    final = schemas["FinalMattersOut"]["properties"]["final_matters"]
    assert "36" in final["description"]
    assert {"receipt_no", "decided_on", "decision", "organ", "existing"} <= set(
        schemas["FinalMatterOut"]["properties"]
    )
    assert "error" in schemas["NotAcceptedOut"]["properties"]
