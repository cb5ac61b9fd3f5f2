"""Dispatch-catalogue routing (派单目录, BJ Art. 11): specificity, dates, learned ranking,
the registrar's choice recorded (PIPL Art. 24), validation and permissions."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Event, Matter, Topic
from xinfang.core.errors import UserError
from xinfang.org.models import Unit, User
from xinfang.routing.models import RouteCount, RoutingRule
from xinfang.routing.services import check_rule, rebuild_counts, save_rule, suggest

from ..factories import World, login, register

TODAY = date(2026, 6, 1)
BASIS = "《青山县住房和城乡建设局职能配置、内设机构和人员编制规定》第三条"


def rule(
    topic: Topic,
    area: Unit,
    lead: Unit,
    *,
    assisting: tuple[Unit, ...] = (),
    start: date = date(2026, 1, 1),
    end: date | None = None,
    priority: int = 100,
    **kw: Any,
) -> RoutingRule:
    r = RoutingRule(
        topic=topic,
        area=area,
        lead=lead,
        effective_from=start,
        effective_to=end,
        basis=BASIS,
        priority=priority,
        **kw,
    )
    return save_rule(rule=r, assisting=assisting, by=None)


@pytest.fixture
def child(world: World) -> Topic:
    return Topic.objects.create(code="ZJ-WY", name="物业管理", parent=world.topic)


def leads(found: list[Any]) -> list[str]:
    return [s.lead.name for s in found]


def test_most_specific_area_then_topic_then_priority(world: World, child: Topic) -> None:
    w = world
    county = rule(w.topic, w.county, w.housing, assisting=(w.town,))
    town = rule(w.topic, w.town, w.town)
    rule(child, w.county, w.labour)
    # The township's own rule beats the county's, even for a more specific topic.
    found = suggest(topic=child, area=w.town, at=TODAY)
    assert leads(found) == [w.town.name, w.labour.name, w.housing.name]
    assert found[0].rule == town and found[0].source == "catalogue"
    assert found[0].reasons[1].zh == (f"属地更具体：{w.town.name}的规则优先于{w.county.name}的规则")
    # Another township has no rule of its own: the county's rules cover it, the more
    # specific topic first.
    found = suggest(topic=child, area=w.town2, at=TODAY)
    assert leads(found) == [w.labour.name, w.housing.name]
    assert found[0].reasons[1].zh == "问题类别更具体：“物业管理”优先于“住房城建”"
    assert "（含下级）" in found[0].reasons[0].zh
    # The parent topic's rule alone, with its assisting units and basis.
    found = suggest(topic=w.topic, area=w.village, at=TODAY)
    assert leads(found) == [w.town.name, w.housing.name]
    assert found[1].rule == county and [u.name for u in found[1].assisting] == [w.town.name]
    assert BASIS in found[1].reasons[0].zh
    # Same area and topic: the rule naming the category first, then priority.
    rule(w.topic, w.town2, w.labour, category="claim", priority=1)
    rule(w.topic, w.town2, w.housing, hotline_type="complaint", priority=50)
    rule(w.topic, w.town2, w.town2, hotline_type="help", priority=90)
    found = suggest(topic=w.topic, area=w.town2, category="claim", at=TODAY)
    assert leads(found)[:1] == [w.labour.name]
    found = suggest(
        topic=w.topic, area=w.town2, category="claim", hotline_type="complaint", at=TODAY
    )
    assert leads(found)[:2] == [w.housing.name, w.labour.name]
    assert found[0].reasons[1].zh == "优先级更高（50 > 1）"
    # Nothing without a topic or an area.
    assert suggest(topic=None, area=w.town, at=TODAY) == []
    assert suggest(topic=w.topic, area=None, at=TODAY) == []


def test_effective_dates(world: World) -> None:
    w = world
    rule(w.topic, w.county, w.housing, start=date(2025, 1, 1), end=date(2025, 12, 31))
    rule(w.topic, w.county, w.labour, start=date(2026, 1, 1))
    assert leads(suggest(topic=w.topic, area=w.town, at=date(2025, 12, 31))) == [w.housing.name]
    assert leads(suggest(topic=w.topic, area=w.town, at=date(2026, 1, 1))) == [w.labour.name]
    assert suggest(topic=w.topic, area=w.town, at=date(2024, 12, 31)) == []
    off = RoutingRule.objects.get(lead=w.labour)
    off.is_active = False
    save_rule(rule=off, assisting=[], by=None)
    assert suggest(topic=w.topic, area=w.town, at=TODAY) == []


def _forward(w: World, unit: Unit, *, objected: bool = False, **kw: Any) -> Matter:
    m = register(w)
    transition(m, "forward", actor=w.registrar, data={"unit": unit.pk, **kw})
    if objected:
        who = {w.town.pk: w.handler, w.housing.pk: w.housing_handler}[unit.pk]
        transition(m, "object", actor=who, reason="不属于本单位职责")
    return m


def test_learned_ranking_from_this_deployments_history(world: World) -> None:
    w = world
    for _ in range(3):
        _forward(w, w.housing)
    _forward(w, w.town)
    _forward(w, w.town, objected=True)
    _forward(w, w.town, objected=True)  # town: 3 sent, 2 objected, 1 accepted
    found = suggest(topic=w.topic, area=w.town, at=TODAY)
    assert [(s.lead.name, s.source, s.dispatched, s.objected) for s in found] == [
        (w.housing.name, "history", 3, 0),
        (w.town.name, "history", 3, 2),
    ]
    assert found[0].reasons[0].zh == "历史上同类事项 3 次转送至该单位、无异议"
    assert found[1].reasons[0].zh == "历史上同类事项 3 次转送至该单位，其中 2 次被提出异议"
    # Another area has no history; the counters agree with the event log.
    assert suggest(topic=w.topic, area=w.town2, at=TODAY) == []
    before = sorted(RouteCount.objects.values_list("unit_id", "dispatched", "objected"))
    rebuild_counts()
    assert sorted(RouteCount.objects.values_list("unit_id", "dispatched", "objected")) == before
    # With a catalogue rule, history is an extra reason on the same unit, listed once.
    rule(w.topic, w.county, w.town)
    found = suggest(topic=w.topic, area=w.town, at=TODAY)
    assert [(s.lead.name, s.source) for s in found] == [
        (w.town.name, "catalogue"),
        (w.housing.name, "history"),
    ]
    assert found[0].reasons[-1].zh.startswith("历史上同类事项 3 次")


def test_choice_recorded_and_override_needs_a_reason(world: World) -> None:
    w = world
    r = rule(w.topic, w.county, w.town)
    followed = _forward(w, w.town)
    ev = Event.objects.get(matter=followed, action="forward")
    assert ev.data["routing"] == {
        "rule": r.pk,
        "suggested": w.town.pk,
        "suggested_name": w.town.name,
        "followed": True,
    }
    m = register(w)
    before = (m.status, m.version, m.event_count)
    counts = list(RouteCount.objects.values_list("unit_id", "dispatched"))
    with pytest.raises(UserError) as exc:
        transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    assert exc.value.code == "override_reason" and exc.value.field == "override_reason"
    assert w.town.name in exc.value.zh and "reason" in exc.value.en
    m.refresh_from_db()
    assert (m.status, m.version, m.event_count) == before
    assert list(RouteCount.objects.values_list("unit_id", "dispatched")) == counts
    transition(
        m,
        "forward",
        actor=w.registrar,
        data={"unit": w.housing.pk, "override_reason": "涉及物业维修资金，属住建局职责"},
    )
    ev = Event.objects.get(matter=m, action="forward")
    assert ev.data["routing"] == {
        "rule": r.pk,
        "suggested": w.town.pk,
        "suggested_name": w.town.name,
        "followed": False,
        "override_reason": "涉及物业维修资金，属住建局职责",
    }
    # No rule: nothing suggested, nothing to explain.
    free = register(w, topic=Topic.objects.create(code="QT9", name="其他9"))
    transition(free, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    ev = Event.objects.get(matter=free, action="forward")
    assert ev.data["routing"] == {"rule": None, "suggested": None, "followed": None}


def _check(w: World, **kw: Any) -> None:
    args: dict[str, Any] = dict(
        rule_id=None,
        topic=w.topic,
        area=w.county,
        category="",
        hotline_type="",
        lead=w.housing,
        assisting=[],
        effective_from=date(2026, 1, 1),
        effective_to=None,
        basis=BASIS,
    )
    args.update(kw)
    check_rule(**args)


@pytest.mark.parametrize(
    ("kw", "code", "zh", "en"),
    [
        (
            {"effective_to": date(2025, 12, 31)},
            "dates_reversed",
            "失效日期不能早于生效日期",
            "The end date is before the start date",
        ),
        (
            {"assisting": "lead"},
            "lead_in_assisting",
            "不能同时列为协办单位",
            "cannot also be an assisting unit",
        ),
        ({"basis": "  "}, "required", "请填写法律依据或三定职责", "legal basis"),
        ({"lead": None}, "required", "请填写主办单位", "lead unit"),
    ],
)
def test_bilingual_validation(
    world: World, kw: dict[str, Any], code: str, zh: str, en: str
) -> None:
    if kw.get("assisting") == "lead":
        kw["assisting"] = [world.labour, world.housing]
    with pytest.raises(UserError) as exc:
        _check(world, **kw)
    assert exc.value.code == code and zh in exc.value.zh and en in exc.value.en


def test_overlapping_identical_rules_are_refused(world: World) -> None:
    w = world
    first = rule(w.topic, w.county, w.housing, start=date(2026, 1, 1), end=date(2026, 6, 30))
    with pytest.raises(UserError) as exc:
        _check(w, effective_from=date(2026, 6, 30), lead=w.labour)
    assert exc.value.code == "overlap" and f"#{first.pk}" in exc.value.zh
    assert "Overlaps rule" in exc.value.en
    _check(w, effective_from=date(2026, 7, 1), lead=w.labour)  # after it ends
    _check(w, effective_from=date(2026, 1, 1), category="claim")  # not identical
    _check(w, rule_id=first.pk, effective_from=date(2026, 1, 1))  # itself
    assert RoutingRule.objects.count() == 1


# --- admin, API, pages --------------------------------------------------------------


def _admin(w: World) -> User:
    User.objects.filter(pk=w.admin.pk).update(is_staff=True)
    w.admin.refresh_from_db()
    return w.admin


def test_admin_permission_matrix_and_validation_errors(world: World) -> None:
    w = world
    url = "/admin/routing/routingrule/"
    assert Client().get(url).status_code == 302
    for name in ("registrar", "supervisor", "handler"):
        r = login(w.users[name]).get(url)
        assert r.status_code == 302 and "/admin/login/" in r["Location"]
    c = login(_admin(w))
    assert c.get(url).status_code == 200
    post = {
        "topic": w.topic.pk,
        "area": w.county.pk,
        "category": "",
        "hotline_type": "",
        "lead": w.housing.pk,
        "assisting": [w.housing.pk],
        "effective_from": "2026-01-01",
        "effective_to": "2025-01-01",
        "basis": BASIS,
        "priority": 100,
        "is_active": "on",
    }
    page = c.post(f"{url}add/", post).content.decode()
    assert "失效日期不能早于生效日期（The end date is before the start date）" in page
    assert RoutingRule.objects.count() == 0
    post["effective_to"] = ""
    page = c.post(f"{url}add/", post).content.decode()
    assert "不能同时列为协办单位" in page and "cannot also be an assisting unit" in page
    assert RoutingRule.objects.count() == 0
    post["assisting"] = [w.town.pk]
    r = c.post(f"{url}add/", post)
    assert r.status_code == 302
    saved = RoutingRule.objects.get()
    assert saved.updated_by == w.admin and list(saved.assisting.all()) == [w.town]
    assert c.post(f"{url}{saved.pk}/delete/", {"post": "yes"}).status_code == 403


def test_api_suggest_permissions_and_shape(world: World) -> None:
    w = world
    r0 = rule(w.topic, w.county, w.housing, assisting=(w.town,))
    url = f"/api/v1/routing/suggest?topic={w.topic.code}&area={w.town.pk}&category=claim"
    assert Client().get(url).status_code == 401
    for name in ("handler", "leader", "housing_handler", "auditor"):
        r = login(w.users[name]).get(url)
        assert r.status_code == 403 and r.json()["code"] == "forbidden"
    for name in ("registrar", "supervisor"):
        r = login(w.users[name]).get(url)
        assert r.status_code == 200
        body = r.json()
        assert [s["lead"]["name"] for s in body] == [w.housing.name]
        assert body[0]["rule"] == r0.pk and body[0]["source"] == "catalogue"
        assert body[0]["assisting"] == [{"id": w.town.pk, "name": w.town.name}]
        assert body[0]["reasons_en"][0].startswith("Dispatch catalogue:")
    r = login(w.registrar).get("/api/v1/routing/suggest?topic=NOPE&area=1")
    assert r.status_code == 400 and r.json()["field"] == "topic"
    r = login(w.registrar).get(f"/api/v1/routing/suggest?topic={w.topic.pk}&area=x")
    assert r.status_code == 400 and r.json()["field"] == "area"
    schema = login(w.registrar).get("/api/v1/openapi.json").json()
    assert "/api/v1/routing/suggest" in schema["paths"]
    perform = schema["paths"]["/api/v1/matters/{pk}/actions/{action}"]["post"]
    assert "link_repeat" in perform["description"] and "override_reason" in perform["description"]


def test_registration_panel_fragment(world: World, django_assert_max_num_queries: Any) -> None:
    w = world
    for area in (w.county, w.town, w.town2):
        rule(w.topic, area, w.housing if area == w.county else area)
    url = f"/routing/suggest/?topic={w.topic.pk}&area={w.village.pk}"
    assert Client().get(url).status_code == 302
    assert login(w.handler).get(url).status_code == 403
    c = login(w.registrar)
    with django_assert_max_num_queries(12):
        page = c.get(url).content.decode()
    assert page.index(w.town.name) < page.index(w.housing.name)
    assert f'name="then" value="route:{w.town.pk}"' in page
    assert "个人信息保护法第二十四条" in page
    empty = c.get("/routing/suggest/?topic=&area=").content.decode()
    assert "派单目录中没有适用的规则" in empty
    reg = c.get("/matters/new/").content.decode()
    assert 'id="routing-suggest"' in reg and "routing/suggest.js" in reg


def test_matter_page_shows_suggestion_and_use_this_preselects(world: World) -> None:
    w = world
    rule(w.topic, w.county, w.housing, assisting=(w.labour,))
    m = register(w)
    c = login(w.registrar)
    page = c.get(f"/matters/{m.pk}/").content.decode()
    assert "派单建议" in page and f"?route={w.housing.pk}#act-forward" in page
    page = c.get(f"/matters/{m.pk}/?route={w.housing.pk}").content.decode()
    assert f'<option value="{w.housing.pk}" selected>' in page
    assert f'<option value="{w.labour.pk}" selected>' in page
    assert "未采用派单目录建议的理由" in page
    # A handler of another unit sees neither the matter nor the suggestion.
    assert login(w.other_handler).get(f"/matters/{m.pk}/").status_code == 404
    # Registering with "use this" opens the forward form with the unit chosen.
    post = {
        "unit": str(w.office.pk),
        "channel": "letter",
        "category": "claim",
        "title": "楼顶漏水",
        "content": "请求维修",
        "topic": str(w.topic.pk),
        "area": str(w.town.pk),
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "p0_name": "王五",
        "then": f"route:{w.housing.pk}",
    }
    r = c.post("/matters/new/", post)
    new = Matter.objects.order_by("-pk").first()
    assert new is not None and new.status == "registered"
    assert r["Location"] == f"/matters/{new.pk}/?route={w.housing.pk}#act-forward"
    assert not Event.objects.filter(matter=new, action="forward").exists()


def test_yesterday_rule_is_not_applied(world: World) -> None:
    w = world
    yesterday = timezone.localdate() - timedelta(days=1)
    rule(w.topic, w.county, w.town, start=date(2026, 1, 1), end=yesterday)
    m = register(w)
    transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    ev = Event.objects.get(matter=m, action="forward")
    assert ev.data["routing"]["rule"] is None


def test_demo_has_a_small_catalogue(db: Any) -> None:
    from xinfang.demo.builder import add_catalogue, build_org

    d = build_org()
    assert add_catalogue(d) == len(d.topic_unit) + 1
    assert add_catalogue(d) == 0  # idempotent
    zj = Topic.objects.get(code="ZJ")
    village = next(v for (town, _), v in d.villages.items() if town == "城关镇")
    found = suggest(topic=zj, area=village)
    assert leads(found) == [d.towns["城关镇"].name, d.topic_unit["ZJ"].name]
    assert [u.name for u in found[0].assisting] == [d.topic_unit["ZJ"].name]


def test_api_merge_by_name_and_deadline_follows(world: World) -> None:
    w = world
    main = register(w)
    transition(main, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(main, "accept", actor=w.handler)
    other = register(w, petitioners=[{"name": "李四", "phone": "13900005678", "address": "x"}])
    c = login(w.registrar)
    r = c.post(
        f"/api/v1/matters/{other.pk}/actions/merge",
        {"reason": "同一事项", "data": {"main": main.receipt_no}},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content
    body = r.json()
    assert body["status"] == "merged" and body["merged_into"] == main.pk
    handling = next(d for d in body["deadlines"] if d["kind"] == "handling")
    assert handling["follows"] == main.receipt_no
    r = c.post(
        f"/api/v1/matters/{other.pk}/actions/merge",
        {"reason": "同一事项", "data": {"main": main.receipt_no}},
        content_type="application/json",
    )
    assert r.status_code == 409 and r.json()["code"] == "bad_state"
