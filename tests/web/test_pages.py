"""Staff pages: permission matrix, registration, queue, matter page, actions."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from xinfang.cases.models import Category, Matter, Status
from xinfang.cases.workflow import transition

from ..factories import PASSWORD, World, answered, handled, opinion, register


def login(user) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def state(m: Matter) -> tuple:
    m.refresh_from_db()
    return (m.status, m.version, m.event_count)


def test_anonymous_is_sent_to_login(world: World) -> None:
    m = register(world)
    for url in ("/", "/matters/new/", f"/matters/{m.pk}/", "/petitioners/?q=张三"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/"), url
    r = Client().post(f"/matters/{m.pk}/act/forward/", {"unit": world.town.pk})
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert state(m)[2] == 1


def test_permission_matrix_on_matter_page_and_actions(world: World) -> None:
    w = world
    m = handled(w)
    transition(m, "submit_opinion", actor=w.handler, data=opinion())
    before = state(m)
    url = f"/matters/{m.pk}/"
    act = f"/matters/{m.pk}/act/approve_opinion/"
    # staff of an unrelated unit: 404 on page and action, nothing changes
    other = login(w.other_handler)
    assert other.get(url).status_code == 404
    assert other.post(act, {"expected_version": before[1]}).status_code == 404
    assert state(m) == before
    # handling unit, wrong role: page visible, action refused with a message, nothing changes
    handler = login(w.handler)
    page = handler.get(url)
    assert page.status_code == 200
    assert f"/matters/{m.pk}/act/approve_opinion/" not in page.content.decode()
    r = handler.post(act, {"expected_version": before[1]}, follow=True)
    assert "您无权执行此操作" in r.content.decode()
    assert state(m) == before
    # supervisor above: can view
    assert login(w.supervisor).get(url).status_code == 200
    # right role: works
    leader = login(w.leader)
    assert act in leader.get(url).content.decode()
    r = leader.post(act, {"expected_version": before[1]})
    assert r.status_code == 302
    assert state(m)[0] == Status.ANSWERED


def test_get_on_action_url_is_refused(world: World) -> None:
    m = handled(world)
    assert login(world.handler).get(f"/matters/{m.pk}/act/contact/").status_code == 405


def test_stale_form_is_refused(world: World) -> None:
    m = handled(world)
    before = state(m)
    r = login(world.handler).post(
        f"/matters/{m.pk}/act/contact/",
        {"expected_version": before[1] - 1, "method": "phone", "summary": "x"},
        follow=True,
    )
    assert "已被他人更新" in r.content.decode()
    assert state(m) == before


def test_register_happy_path_shows_secret_once(world: World) -> None:
    c = login(world.registrar)
    assert c.get("/matters/new/").status_code == 200
    r = c.post(
        "/matters/new/",
        {
            "channel": "visit",
            "category": "claim",
            "title": "拖欠工资",
            "content": "请求支付工资",
            "received_at": "2026-11-20T09:30",
            "p0_name": "王五",
            "p0_phone": "13900002222",
            "topic": world.topic.pk,
            "area": world.town.pk,
        },
        follow=True,
    )
    html = r.content.decode()
    m = Matter.objects.get(title="拖欠工资")
    assert m.registered_unit == world.office and m.petitioners.get().name == "王五"
    assert "查询码" in html and m.receipt_no in html
    # the secret is not shown again
    assert "查询码" not in c.get(f"/matters/{m.pk}/").content.decode()


def test_register_bad_input_keeps_input_and_saves_nothing(world: World) -> None:
    c = login(world.registrar)
    data = {
        "channel": "visit",
        "category": "claim",
        "title": "六名代表",
        "content": "集体反映",
        "is_collective": "1",
        "headcount": "60",
        "received_at": "2026-11-20T09:30",
    }
    for i in range(6):
        data[f"p{i}_name"] = f"代表{i}"
        data[f"p{i}_rep"] = "1"
    n = Matter.objects.count()
    r = c.post("/matters/new/", data)
    assert r.status_code == 400
    html = r.content.decode()
    assert "不得超过5人" in html and 'value="六名代表"' in html and 'value="代表5"' in html
    assert Matter.objects.count() == n


def test_register_needs_registrar_role(world: World) -> None:
    assert login(world.handler).get("/matters/new/").status_code == 404


def test_queue_sorted_by_deadline_and_constant_queries(world: World) -> None:
    w = world
    c = login(w.supervisor)
    for _ in range(5):
        handled(w)
    with CaptureQueriesContext(connection) as few:
        assert c.get("/").status_code == 200
    for _ in range(25):
        handled(w)
    with CaptureQueriesContext(connection) as many:
        r = c.get("/")
    assert len(many) == len(few)
    html = r.content.decode()
    dues = list(
        Matter.objects.visible_to(w.supervisor)
        .open()
        .by_deadline()
        .values_list("receipt_no", flat=True)[:3]
    )
    positions = [html.index(no) for no in dues]
    assert positions == sorted(positions)


def test_queue_filters_overdue(world: World) -> None:
    from datetime import timedelta

    from django.utils import timezone

    w = world
    old = handled(w, at=timezone.now() - timedelta(days=90))
    new = handled(w)
    html = login(w.handler).get("/?overdue=1").content.decode()
    assert old.receipt_no in html and new.receipt_no not in html
    assert "超期" in html


def test_confidential_reporter_hidden_from_assisting_and_supervisor(world: World) -> None:
    w = world
    m = register(w, category=Category.REPORT, title="反映违规收费", accused_unit=w.town)
    transition(
        m, "forward", actor=w.registrar, data={"unit": w.housing.pk, "assisting": [w.labour.pk]}
    )
    assert "张三" in login(w.registrar).get(f"/matters/{m.pk}/").content.decode()
    assert "张三" in login(w.housing_handler).get(f"/matters/{m.pk}/").content.decode()
    sup = login(w.supervisor).get(f"/matters/{m.pk}/").content.decode()
    assert "张三" not in sup and "（保密）" in sup
    assert login(w.handler).get(f"/matters/{m.pk}/").status_code == 404  # the accused town


def test_petitioner_search_only_visible(world: World) -> None:
    w = world
    m = register(w)
    assert m.receipt_no in login(w.registrar).get("/petitioners/?q=13800001234").content.decode()
    assert (
        m.receipt_no
        not in login(w.other_handler).get("/petitioners/?q=13800001234").content.decode()
    )


def test_matter_page_shows_deadlines_timeline_and_notices(world: World) -> None:
    m = answered(world)
    html = login(world.handler).get(f"/matters/{m.pk}/").content.decode()
    for needle in (
        "办理期限",
        "信访工作条例第三十四条",
        "申请复查期限",
        "转送",
        "受理",
        "出具书面答复意见",
        "信访事项处理意见书",
        ".pdf",
        ".docx",
    ):
        assert needle in html, needle


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_language_switch(world: World, lang: str) -> None:
    c = login(world.handler)
    r = c.post("/i18n/setlang/", {"language": lang, "next": "/"})
    assert r.status_code == 302
    html = c.get("/").content.decode()
    assert ("My queue" in html) if lang == "en" else ("我的待办" in html)
