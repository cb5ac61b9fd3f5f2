"""Hot spots, the registration form's similar-matters fragment, and the search API:
exact results, the permission matrix, CSRF, and bad input refused in both languages."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import login, register, staff
from xinfang.api.models import ApiToken
from xinfang.audit.models import AccessLog
from xinfang.org.models import Role
from xinfang.search.hotspots import Hotspot, hotspots

TZ = timezone.get_current_timezone()
PERIOD = (date(2026, 10, 1), date(2026, 10, 31))


def at(day: int, month: int = 10) -> datetime:
    return datetime(2026, month, day, 10, 0, tzinfo=TZ)


LEAK = "锦绣花园小区物业不修楼顶漏水，下雨天家里到处渗水，请求督促物业维修。"
WAGES = "宏达建筑公司拖欠安置房工地农民工工资，请求劳动部门追讨欠薪。"


def add(world, text, *, day, month=10, area=None, name="张三", title="小区楼顶漏水"):
    when = at(day, month)
    return register(
        world,
        at=when,
        received_at=when,
        title=title,
        content=text,
        facts="",
        area=area or world.town,
        petitioners=[{"name": name, "phone": ""}],
    )


@pytest.fixture
def spots(world):
    """Three similar matters in 城关镇 and two in 东湖镇 in October, one unrelated, one
    similar but in September."""
    town = [add(world, LEAK, day=d, name=f"业主{d}") for d in (3, 9, 20)]
    town2 = [add(world, LEAK, day=d, area=world.town2, name=f"住户{d}") for d in (5, 6)]
    other = add(world, WAGES, day=7, title="拖欠工资")
    early = add(world, LEAK, day=15, month=9)
    return {"town": town, "town2": town2, "other": other, "early": early}


# --- hot spots ---------------------------------------------------------------------------


def test_hotspots_cluster_by_area_and_period(world, spots):
    rows, truncated = hotspots(world.supervisor, start=PERIOD[0], end=PERIOD[1])
    assert truncated is False
    assert [(h.area, h.count) for h in rows] == [(world.town, 3)]
    h = rows[0]
    assert h.matter_ids == sorted((m.pk for m in spots["town"]), reverse=True)
    assert (h.first, h.last) == (date(2026, 10, 3), date(2026, 10, 20))
    assert h.topic == world.topic and h.title == "小区楼顶漏水"


def test_hotspots_min_size_and_area_filter(world, spots):
    rows, _ = hotspots(world.supervisor, start=PERIOD[0], end=PERIOD[1], min_size=2)
    assert {(h.area, h.count) for h in rows} == {(world.town, 3), (world.town2, 2)}
    rows, _ = hotspots(
        world.supervisor, start=PERIOD[0], end=PERIOD[1], area=world.town2, min_size=2
    )
    assert [(h.area, h.count) for h in rows] == [(world.town2, 2)]
    # September alone: one matter, no cluster
    assert hotspots(world.supervisor, start=date(2026, 9, 1), end=date(2026, 9, 30))[0] == []


def test_hotspots_only_count_visible_matters(world, spots):
    # the other township's handler sees none of these matters (registered by the office,
    # handled by nobody yet)
    assert hotspots(world.other_handler, start=PERIOD[0], end=PERIOD[1], min_size=1)[0] == []


def test_hotspots_count_matters_never_people():
    fields = {f.name for f in dataclasses.fields(Hotspot)}
    assert fields == {"area", "topic", "count", "title", "matter_ids", "first", "last"}


def test_hotspots_page_permissions_and_bad_input(world, spots, client):
    url = "/search/hotspots/?start=2026-10-01&end=2026-10-31"
    r = client.get(url)
    assert r.status_code == 302 and "/login/" in r["Location"]
    assert login(world.registrar).get(url).status_code == 404  # no supervisor role
    assert login(world.handler).get(url).status_code == 404
    r = login(world.supervisor).get(url)
    body = r.content.decode()
    assert r.status_code == 200
    assert "<td>3</td>" in body and world.town.name in body
    assert "业主3" not in body and "业主9" not in body  # no petitioner appears
    for m in spots["town"]:  # linked by the numbers staff know them by
        assert f'href="/matters/{m.pk}/" class="mono">{m.receipt_no}</a>' in body
    r = login(world.supervisor).get("/search/hotspots/?start=2026-13-01")
    assert r.status_code == 400
    assert "YYYY-MM-DD" in r.content.decode()
    r = login(world.supervisor).get("/search/hotspots/?start=2026-10-31&end=2026-10-01")
    assert r.status_code == 400 and "开始日期不能晚于结束日期" in r.content.decode()
    assert login(world.supervisor).post(url).status_code == 405


# --- the registration form's fragment ----------------------------------------------------


@pytest.fixture
def earlier(world):
    return register(
        world,
        title="锦绣花园物业不修漏水",
        content=LEAK,
        facts="",
        petitioners=[{"name": "李四", "phone": "13900001111"}],
    )


FORM = {"title": "锦绣花园漏水", "content": LEAK, "facts": "", "p0_name": "李四"}


def test_similar_fragment_for_the_registrar(world, earlier):
    before = AccessLog.objects.count()
    r = login(world.registrar).post(
        "/search/similar/", {**FORM, "p0_phone": "13900001111", "area": str(world.town.pk)}
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert f'data-matter-id="{earlier.pk}"' in body and earlier.receipt_no in body
    assert "同一信访人（电话相同）" in body
    # each row offers to register the new matter and link or merge it (ADR 0004)
    assert f'name="then" value="link_repeat:{earlier.receipt_no}"' in body
    assert f'name="then" value="merge:{earlier.receipt_no}"' in body
    assert AccessLog.objects.count() == before + 1
    assert AccessLog.objects.filter(what="similar").count() == 1


def test_similar_fragment_permission_matrix(world, earlier, client):
    r = client.post("/search/similar/", FORM)
    assert r.status_code == 302 and "/login/" in r["Location"]
    # another unit's handler: answered, but nothing it may not see
    r = login(world.other_handler).post("/search/similar/", FORM)
    assert r.status_code == 200
    assert earlier.receipt_no not in r.content.decode()
    assert "没有发现相似的事项" in r.content.decode()
    # same unit, no role that handles matters
    mediator = staff("mediator2", (world.office, Role.MEDIATOR))
    assert login(mediator).post("/search/similar/", FORM).status_code == 404
    assert AccessLog.objects.filter(what="similar").count() == 0


def test_similar_fragment_needs_post_and_csrf(world, earlier):
    assert login(world.registrar).get("/search/similar/").status_code == 405
    c = Client(enforce_csrf_checks=True)
    c.force_login(world.registrar)
    assert c.post("/search/similar/", FORM).status_code == 403
    assert AccessLog.objects.filter(what="similar").count() == 0


def test_similar_fragment_ignores_bad_numbers(world, earlier):
    r = login(world.registrar).post("/search/similar/", {**FORM, "area": "x", "topic": "-1"})
    assert r.status_code == 200 and earlier.receipt_no in r.content.decode()


# --- the API -----------------------------------------------------------------------------


class Api:
    def __init__(self, user=None) -> None:
        self.c = Client()
        self.h = {}
        if user is not None:
            _, token = ApiToken.issue(user)
            self.h = {"HTTP_AUTHORIZATION": f"Bearer {token}"}

    def get(self, path, **params):
        return self.c.get(f"/api/v1{path}", params, **self.h)

    def post(self, path, body):
        return self.c.post(f"/api/v1{path}", body, content_type="application/json", **self.h)


def bilingual_400(r, code):
    assert r.status_code == 400, r.content
    j = r.json()
    assert j["code"] == code and j["message"] and j["message_en"]
    assert j["message"] != j["message_en"]


def test_api_search_schema_and_visibility(world, earlier):
    r = Api(world.registrar).get("/search", q="锦绣花园", order="newest")
    assert r.status_code == 200
    j = r.json()
    assert set(j) == {"items", "count", "count_more", "next"}
    assert (j["count"], j["count_more"], j["next"]) == (1, False, None)
    (item,) = j["items"]
    assert set(item) == {
        "id",
        "receipt_no",
        "title",
        "title_html",
        "snippet_html",
        "status",
        "received_at",
    }
    assert item["id"] == earlier.pk and "<mark>锦绣花园</mark>" in item["title_html"]
    assert AccessLog.objects.filter(what="search", channel="api").count() == 1
    r = Api(world.other_handler).get("/search", q="锦绣花园")
    assert r.status_code == 200 and r.json() == {
        "items": [],
        "count": 0,
        "count_more": False,
        "next": None,
    }
    assert Api().get("/search", q="锦绣花园").status_code == 401
    assert AccessLog.objects.filter(what="search").count() == 1


def test_api_search_bad_input(world, earlier):
    a = Api(world.registrar)
    bilingual_400(a.get("/search", q="锦"), "too_short")
    bilingual_400(a.get("/search", q="   "), "empty")
    bilingual_400(a.get("/search", q="锦绣", order="best"), "bad_order")
    bilingual_400(a.get("/search", q="锦绣", after="x:1"), "bad_cursor")
    bilingual_400(a.get("/search", q="词" * 101), "too_long")
    r = a.get("/search", q="锦绣", limit=0)
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert AccessLog.objects.filter(what="search").count() == 0


def test_api_similar_schema_and_visibility(world, earlier):
    body = {
        "title": "锦绣花园漏水",
        "text": LEAK,
        "petitioners": [{"name": "李四", "phone": "13900001111"}],
        "area": world.town.pk,
        "topic": world.topic.pk,
    }
    r = Api(world.registrar).post("/matters/similar", body)
    assert r.status_code == 200
    (row,) = r.json()
    assert set(row) == {"id", "receipt_no", "title", "status", "received_at", "score", "reasons"}
    assert row["id"] == earlier.pk and 0.65 <= row["score"] <= 1
    assert row["reasons"][0] == "同一信访人（电话相同）/ same petitioner (phone)"
    # the matter being edited is never its own duplicate
    r = Api(world.registrar).post("/matters/similar", {**body, "exclude_id": earlier.pk})
    assert r.status_code == 200 and r.json() == []
    r = Api(world.other_handler).post("/matters/similar", body)
    assert r.status_code == 200 and r.json() == []
    assert Api().post("/matters/similar", body).status_code == 401


def test_api_similar_bad_input(world, earlier):
    a = Api(world.registrar)
    bilingual_400(a.post("/matters/similar", {"text": LEAK, "area": 999999}), "bad_area")
    r = a.post("/matters/similar", {"text": LEAK, "petitioners": "李四"})
    assert r.status_code == 422 and r.json()["code"] == "invalid"
    assert AccessLog.objects.filter(what="similar").count() == 0


def test_api_similar_empty_text_finds_nothing(world, earlier):
    r = Api(world.registrar).post("/matters/similar", {"text": ""})
    assert r.status_code == 200 and r.json() == []


def test_hotspot_period_boundaries_are_local_days(world):
    # a matter at 23:30 local time on the last day belongs to the period
    late = datetime(2026, 10, 31, 23, 30, tzinfo=TZ)
    for d in (1, 2):
        add(world, LEAK, day=d)
    register(world, at=late, received_at=late, title="小区楼顶漏水", content=LEAK, facts="")
    rows, _ = hotspots(world.supervisor, start=PERIOD[0], end=PERIOD[1])
    assert [h.count for h in rows] == [3]
    assert rows[0].last == date(2026, 10, 31)
    assert timedelta(0) < late - at(2) < timedelta(days=30)


# --- English -----------------------------------------------------------------------------


def test_search_pages_read_in_english(world, earlier):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("en"):
        assert "No similar matters found." in render_to_string(
            "search/_similar.html", {"rows": [], "asked": True}
        )
        panel = render_to_string("search/_similar_panel.html")
        assert "Possibly the same matter" in panel and "XFGZ Art. 19 para 3" in panel
    c = login(world.supervisor)
    c.cookies["django_language"] = "en"
    # the middleware activates English in this thread: restore the language afterwards
    with translation.override(translation.get_language()):
        body = c.get("/search/?q=锦绣花园").content.decode()
        assert "Full-text search" in body and "Newest first" in body
        body = c.get("/search/hotspots/").content.decode()
    assert "Hot spots (one issue a month)" in body and "Counts matters, never people." in body


# --- the count the search page fills in ------------------------------------------------


def test_count_fragment(world, earlier, client):
    register(world, title="锦绣花园停车难", content="锦绣花园车位不够。", facts="")
    r = client.get("/search/count/?q=锦绣花园")
    assert r.status_code == 302 and "/login/" in r["Location"]
    r = login(world.registrar).get("/search/count/?q=锦绣花园")
    assert r.status_code == 200 and r.content.decode().strip() == "2 件"
    r = login(world.other_handler).get("/search/count/?q=锦绣花园")
    assert r.status_code == 200 and r.content.decode().strip() == "0 件"
    r = login(world.registrar).get("/search/count/?q=锦")
    assert r.status_code == 400 and "至少2个字" in r.content.decode()
    assert login(world.registrar).post("/search/count/?q=锦绣花园").status_code == 405
    assert AccessLog.objects.filter(what="search").count() == 0  # a number shows no matter


def test_search_page_leaves_the_count_to_the_fragment(world, earlier):
    body = login(world.registrar).get("/search/?q=锦绣花园").content.decode()
    assert 'id="search-count"' in body and 'data-url="/search/count/?q=' in body
    assert "search/count.js" in body and earlier.receipt_no in body
