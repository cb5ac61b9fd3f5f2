"""The JSON API: session sign-in with CSRF, list filters, catalogue lookups, bounds."""

from __future__ import annotations

from datetime import timedelta

from django.test import Client
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter, Status

from ..factories import World, answered, handled, opinion, register
from .test_api import Api, body, state


def _session(user, *, csrf: bool) -> tuple[Client, dict]:
    c = Client(enforce_csrf_checks=True)
    c.force_login(user)
    if not csrf:
        return c, {}
    token = "A" * 32
    c.cookies["csrftoken"] = token
    return c, {"HTTP_X_CSRFTOKEN": token}


def test_session_auth_requires_csrf_for_writes(world: World) -> None:
    w = world
    m = handled(w)
    transition(m, "submit_opinion", actor=w.handler, data=opinion())
    before = state(m)
    url = f"/api/v1/matters/{m.pk}/actions/approve_opinion"
    c, _ = _session(w.leader, csrf=False)
    assert c.get("/api/v1/me").json()["username"] == "leader"
    assert c.get(f"/api/v1/matters/{m.pk}").status_code == 200
    r = c.post(url, {}, content_type="application/json")
    assert r.status_code == 403 and r.json()["code"] == "csrf" and r.json()["message_en"]
    assert state(m) == before
    c, h = _session(w.leader, csrf=True)
    r = c.post(url, {}, content_type="application/json", **h)
    assert r.status_code == 200, r.content
    assert r.json()["status"] == Status.ANSWERED


def test_bearer_writes_need_no_csrf(world: World) -> None:
    m = register(world)
    c = Client(enforce_csrf_checks=True)
    a = Api(world.registrar)
    r = c.post(
        f"/api/v1/matters/{m.pk}/actions/forward",
        {"data": {"unit": world.town.pk}},
        content_type="application/json",
        **a.h,
    )
    assert r.status_code == 200, r.content


def test_list_filters(world: World) -> None:
    w = world
    today = timezone.localdate()
    reg = register(w, title="独有标题甲")
    h = handled(w)
    ans = answered(w)
    late = handled(w)
    Matter.objects.filter(pk=late.pk).update(current_due=today - timedelta(days=2))
    soon = handled(w)
    Matter.objects.filter(pk=soon.pk).update(current_due=today + timedelta(days=1))
    Matter.objects.filter(pk=h.pk).update(current_due=today + timedelta(days=40))
    a = Api(w.supervisor)

    def ids(**params) -> set[int]:
        r = a.get("/matters", **params)
        assert r.status_code == 200, r.content
        return {x["id"] for x in r.json()["items"]}

    assert ids() >= {reg.pk, h.pk, ans.pk, late.pk, soon.pk}
    assert ids(status="registered") == {reg.pk}
    assert ids(status="answered") == {ans.pk}
    assert ids(category="report") == set()
    assert ids(unit=w.town.pk) == {h.pk, ans.pk, late.pk, soon.pk}
    assert ids(overdue="true") == {late.pk}
    assert soon.pk in ids(due_within=3) and h.pk not in ids(due_within=3)
    assert late.pk not in ids(due_within=3)
    assert ids(q="独有标题") == {reg.pk}
    assert ids(q=reg.receipt_no) == {reg.pk}
    assert a.get("/matters", limit=101).status_code == 422
    assert a.get("/matters", limit=0).status_code == 422
    row = a.get("/matters", status="registered").json()["items"][0]
    assert row["status_label"] == "已登记" and row["receipt_no"] == reg.receipt_no


def test_register_rejects_unknown_references(world: World) -> None:
    w = world
    a = Api(w.registrar)
    n = Matter.objects.count()
    for extra, code in (
        ({"topic": "NOPE"}, "bad_topic"),
        ({"area": 999999}, "bad_area"),
        ({"accused_unit": 999999}, "bad_accused_unit"),
        ({"unit": 999999}, "bad_unit"),
        ({"channel": "pigeon"}, "bad_channel"),
        ({"hotline_type": "x"}, "bad_type"),
        ({"title": " "}, "required"),
        ({"petitioners": []}, "no_petitioner"),
    ):
        r = a.post("/matters", body(w, **extra))
        assert r.status_code == 400, (extra, r.content)
        d = r.json()
        assert d["code"] == code and d["message"] and d["message_en"], extra
    r = a.post("/matters", body(w, received_at="not a date"))
    assert r.status_code == 422 and r.json()["field"]
    assert "请求" in r.json()["message"] and "Invalid" in r.json()["message_en"]
    assert Matter.objects.count() == n
    r = a.post("/matters", body(w, petitioners=[], anonymous=True, topic=str(w.topic.pk)))
    assert r.status_code == 201 and r.json()["petitioners"] == []
    assert r.json()["topic"] == w.topic.code


def test_detail_shape_and_units(world: World) -> None:
    w = world
    m = handled(w)
    d = Api(w.handler).get(f"/matters/{m.pk}").json()
    assert d["status_label"] == "办理中" and d["lead_unit"] == w.town.name
    assert d["petitioners"][0]["phone"] == "138****1234"
    assert d["events"][0]["label"] and d["events"][0]["seq"] == 1
    assert d["version"] == m.version and d["parent"] is None and d["followups"] == []
    assert all({"kind", "label", "article", "due", "state"} <= set(x) for x in d["deadlines"])
    assert "secret" in d and d["secret"] is None
    me = Api(w.handler).get("/me").json()
    assert me["memberships"] == [{"unit": w.town.pk, "unit_name": w.town.name, "role": "handler"}]
    topics = Api(w.handler).get("/topics").json()
    assert w.topic.code in {t["code"] for t in topics}


def test_unrelated_units_cannot_act_or_read(world: World) -> None:
    w = world
    m = handled(w)
    before = state(m)
    for user in (w.other_handler, w.other_leader, w.housing_handler):
        a = Api(user)
        assert a.get(f"/matters/{m.pk}").status_code == 404
        for action in ("submit_opinion", "contact", "approve_opinion", "forward"):
            r = a.post(f"/matters/{m.pk}/actions/{action}", {"data": opinion()})
            assert r.status_code == 404 and r.json()["code"] == "not_found"
        assert m.pk not in {x["id"] for x in a.get("/matters").json()["items"]}
    assert state(m) == before
    assert m.events.count() == before[2]
