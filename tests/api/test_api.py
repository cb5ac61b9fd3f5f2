"""The JSON API: end to end, errors, permission matrix, pagination, OpenAPI."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.actions.workflow import transition
from xinfang.api.models import ApiToken
from xinfang.cases import access
from xinfang.cases.models import Category, Matter, Status

from ..factories import World, handled, opinion, register


class Api:
    def __init__(self, user=None, token: str | None = None) -> None:
        self.c = Client()
        if user is not None and token is None:
            _, token = ApiToken.issue(user)
        self.h = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def get(self, path: str, **params):
        return self.c.get(f"/api/v1{path}", params, **self.h)

    def post(self, path: str, body: dict):
        return self.c.post(f"/api/v1{path}", body, content_type="application/json", **self.h)


def body(w: World, **kw) -> dict:
    b = {
        "unit": w.office.pk,
        "channel": "letter",
        "category": "claim",
        "title": "拖欠工资",
        "content": "请求支付拖欠工资",
        "received_at": "2026-11-20T09:00:00+08:00",
        "topic": "LD",
        "area": w.town.pk,
        "petitioners": [{"name": "王五", "phone": "13900002222", "address": "城关镇"}],
    }
    b.update(kw)
    return b


def state(m: Matter) -> tuple:
    m.refresh_from_db()
    return (m.status, m.version, m.event_count)


def test_end_to_end(world: World) -> None:
    w = world
    r = Api(w.registrar).post("/matters", body(w))
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["secret"] and d["status"] == "registered" and d["topic"] == "LD"
    assert "forward" in d["allowed_actions"]
    pk = d["id"]
    r = Api(w.registrar).post(f"/matters/{pk}/actions/forward", {"data": {"unit": w.town.pk}})
    assert r.status_code == 200 and r.json()["status"] == "dispatched"
    assert r.json()["secret"] is None
    h = Api(w.handler)
    assert h.post(f"/matters/{pk}/actions/accept", {}).json()["status"] == "handling"
    h.post(f"/matters/{pk}/actions/submit_opinion", {"data": opinion()})
    r = Api(w.leader).post(f"/matters/{pk}/actions/approve_opinion", {})
    d = r.json()
    assert d["status"] == "answered"
    kinds = {x["kind"]: x["state"] for x in d["deadlines"]}
    assert kinds["handling"] == "met" and kinds["review_window"] == "running"
    assert [e["action"] for e in d["events"]] == [
        "register",
        "forward",
        "accept",
        "submit_opinion",
        "approve_opinion",
    ]
    assert {n["kind"] for n in d["notices"]} == {"forwarded", "receipt", "opinion"}


def test_errors_are_bilingual_json(world: World) -> None:
    w = world
    a = Api(w.registrar)
    r = a.post("/matters", body(w, category="nonsense"))
    assert r.status_code == 400 and r.json()["code"] == "bad_category"
    assert r.json()["message"] and r.json()["message_en"]
    r = a.post("/matters", {"unit": "x"})
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    n = Matter.objects.count()
    r = a.post(
        "/matters",
        body(
            w,
            petitioners=[{"name": f"代表{i}", "is_representative": True} for i in range(6)],
            is_collective=True,
            headcount=30,
        ),
    )
    assert r.status_code == 400 and r.json()["code"] == "too_many_representatives"
    assert Matter.objects.count() == n
    m = handled(w)
    r = Api(w.handler).post(
        f"/matters/{m.pk}/actions/contact",
        {"data": {"method": "phone", "summary": "x"}, "expected_version": m.version - 1},
    )
    assert r.status_code == 409 and r.json()["code"] == "stale"
    r = Api(w.handler).post(f"/matters/{m.pk}/actions/fly", {})
    assert r.status_code == 400 and r.json()["code"] == "unknown_action"


def test_tokens(world: World) -> None:
    m = register(world)
    assert Api(token="not-a-real-token-but-long-enough").get(f"/matters/{m.pk}").status_code == 401
    row, token = ApiToken.issue(world.registrar)
    assert Api(token=token).get(f"/matters/{m.pk}").status_code == 200
    row.refresh_from_db()
    first = row.last_used_at
    assert first is not None
    assert Api(token=token).get(f"/matters/{m.pk}").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at == first  # recorded at most once a minute
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=first - timedelta(minutes=2))
    assert Api(token=token).get(f"/matters/{m.pk}").status_code == 200
    row.refresh_from_db()
    assert row.last_used_at > first
    row.revoked = True
    row.save()
    assert Api(token=token).get(f"/matters/{m.pk}").status_code == 401
    out = StringIO()
    call_command("token", "registrar", stdout=out)
    assert Api(token=out.getvalue().strip()).get("/me").json()["username"] == "registrar"


def test_permission_matrix(world: World) -> None:
    w = world
    m = handled(w)
    transition(m, "submit_opinion", actor=w.handler, data=opinion())
    before = state(m)
    detail, act = f"/matters/{m.pk}", f"/matters/{m.pk}/actions/approve_opinion"
    anon = Api()
    for path in ("/matters", detail, "/units", "/topics", "/me"):
        assert anon.get(path).status_code == 401, path
    assert anon.post(act, {}).status_code == 401
    assert anon.post("/matters", body(w)).status_code == 401
    other = Api(w.other_handler)
    assert other.get(detail).status_code == 404
    assert other.post(act, {}).status_code == 404
    assert other.get("/matters").json()["items"] == []
    assert other.post("/matters", body(w)).status_code == 403
    assert state(m) == before
    handler = Api(w.handler)
    assert handler.get(detail).status_code == 200
    assert "approve_opinion" not in handler.get(detail).json()["allowed_actions"]
    assert handler.post(act, {}).status_code == 403
    assert state(m) == before
    assert Api(w.supervisor).get(detail).status_code == 200
    assert m.receipt_no in [
        x["receipt_no"] for x in Api(w.supervisor).get("/matters").json()["items"]
    ]
    assert Api(w.leader).post(act, {}).status_code == 200
    assert state(m)[0] == Status.ANSWERED


def test_list_keyset_pagination_and_constant_queries(world: World) -> None:
    w = world
    a = Api(w.supervisor)
    for _ in range(5):
        handled(w)
    a.get("/me")  # the token's first use of the minute is recorded; later ones are not
    with CaptureQueriesContext(connection) as few:
        assert a.get("/matters").status_code == 200
    for _ in range(20):
        handled(w)
    register(w)  # one with a routing deadline
    for _ in range(3):  # closed: no deadline runs, listed last
        transition(
            register(w),
            "redirect",
            actor=w.registrar,
            reason="属于诉讼事项",
            data={"channel": "litigation", "organ": "青山县人民法院"},
        )
    assert Matter.objects.filter(current_due__isnull=True).count() >= 3
    with CaptureQueriesContext(connection) as many:
        r = a.get("/matters")
    assert len(many) == len(few)
    seen: list[str] = []
    cursor = None
    while True:
        page = a.get("/matters", limit=7, **({"after": cursor} if cursor else {})).json()
        seen += [x["receipt_no"] for x in page["items"]]
        cursor = page["next"]
        if not cursor:
            break
    expected = list(access.visible(w.supervisor).by_deadline().values_list("receipt_no", flat=True))
    assert seen == expected == [x["receipt_no"] for x in r.json()["items"]]
    assert a.get("/matters", after="@@@").status_code == 400


def test_confidential_petitioner_masked(world: World) -> None:
    w = world
    m = register(w, category=Category.REPORT, accused_unit=w.town)
    transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    sup = Api(w.supervisor).get(f"/matters/{m.pk}").json()
    assert sup["petitioners"][0]["name"] == "（保密）" and "13800001234" not in str(sup)
    reg = Api(w.registrar).get(f"/matters/{m.pk}").json()
    assert reg["petitioners"][0]["name"] == "张三"
    assert Api(w.handler).get(f"/matters/{m.pk}").status_code == 404


def test_openapi_schema(world: World) -> None:
    r = Client().get("/api/v1/openapi.json")
    assert r.status_code == 200
    paths = r.json()["paths"]
    for p in (
        "/api/v1/matters",
        "/api/v1/matters/{pk}",
        "/api/v1/matters/{pk}/actions/{action}",
        "/api/v1/units",
        "/api/v1/topics",
        "/api/v1/me",
    ):
        assert p in paths, p
    from openapi_spec_validator import validate

    validate(r.json())


@pytest.mark.parametrize("path", ["/units", "/topics"])
def test_catalogues(world: World, path: str) -> None:
    r = Api(w := world.registrar).get(path)
    assert r.status_code == 200 and len(r.json()) > 0 and w


def test_not_found_and_unparsable_bodies_are_json_errors(world: World) -> None:
    a = Api(world.registrar)
    r = a.get("/matters/999999")
    assert r.status_code == 404 and r.json()["code"] == "not_found" and r.json()["message"]
    r = a.c.post("/api/v1/matters", b"\x00", content_type="application/json", **a.h)
    assert r.status_code == 400 and r.json()["code"] == "bad_request"
