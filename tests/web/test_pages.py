"""Staff pages: registration, queue, matter page, header, language."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Attachment, Category, Event, Matter, Status
from xinfang.org.models import Membership, Role

from ..factories import World, answered, handled, register, staff
from .helpers import login, snapshot, text


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def form(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "visit",
        "category": "claim",
        "title": "拖欠工资",
        "content": "请求支付工资",
        "facts": "工地停工三个月",
        "received_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "p0_name": "王五",
        "p0_phone": "13900002222",
        "p0_address": "城关镇桃园路9号",
    }
    data.update(kw)
    return data


# --- registration ---------------------------------------------------------------------


def test_register_form_is_keyboard_first(world: World) -> None:
    html = text(login(world.registrar).get("/matters/new/"))
    # autofocus on the first field, accesskeys on the main jumps, Enter submits
    assert re.search(r'<select id="channel"[^>]*autofocus', html)
    for key in ('accesskey="s"', 'accesskey="p"', 'accesskey="t"', 'accesskey="l"'):
        assert key in html, key
    assert html.count('name="p') >= 5 * 5  # at least five petitioner rows, five inputs each
    assert 'type="submit"' in html and 'enctype="multipart/form-data"' in html
    # every input has a label (for=…) or an aria-label
    for m in re.finditer(r"<(input|select|textarea)\b([^>]*)>", html):
        attrs = m[2]
        if 'type="hidden"' in attrs or 'type="submit"' in attrs:
            continue
        ident = re.search(r'id="([^"]+)"', attrs)
        wrapped = html[: m.start()].endswith('<label class="check">')
        labelled = wrapped or "aria-label=" in attrs or (ident and f'for="{ident[1]}"' in html)
        assert labelled, attrs


def test_register_happy_path_shows_secret_once(world: World) -> None:
    c = login(world.registrar)
    files = [
        SimpleUploadedFile("信访信.pdf", b"%PDF-1.4 a", "application/pdf"),
        SimpleUploadedFile("照片.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
    ]
    r = c.post(
        "/matters/new/",
        form(topic=world.topic.pk, area=world.town.pk, attachments=files),
        follow=True,
    )
    html = text(r)
    m = Matter.objects.get(title="拖欠工资")
    assert r.redirect_chain == [(f"/matters/{m.pk}/", 302)]
    assert m.registered_unit == world.office and m.registered_by == world.registrar
    assert m.topic == world.topic and m.area == world.town and m.facts == "工地停工三个月"
    assert m.petitioners.get().name == "王五"
    assert sorted(Attachment.objects.filter(matter=m).values_list("name", flat=True)) == [
        "信访信.pdf",
        "照片.png",
    ]
    secret = re.search(r"查询码 (\S+) 只显示这一次", html)
    assert secret and m.receipt_no in html
    assert secret[1] not in text(c.get(f"/matters/{m.pk}/"))  # never shown again


def test_six_representatives_refused_input_kept_nothing_saved(world: World) -> None:
    c = login(world.registrar)
    data = form(title="六名代表", is_collective="1", headcount="60")
    for i in range(6):
        data[f"p{i}_name"] = f"代表{i}"
        data[f"p{i}_rep"] = "1"
    counts = (Matter.objects.count(), Event.objects.count(), Attachment.objects.count())
    r = c.post("/matters/new/", data)
    assert r.status_code == 400
    html = text(r)
    assert "集体访推选的代表不得超过5人（信访工作条例第二十条）" in html
    assert 'value="六名代表"' in html and 'value="代表5"' in html and 'value="60"' in html
    assert html.count('_rep" value="1" checked') == 6
    assert "请求支付工资</textarea>" in html
    assert 'class="pet" aria-invalid="true"' in html
    assert (Matter.objects.count(), Event.objects.count(), Attachment.objects.count()) == counts


@pytest.mark.parametrize(
    ("change", "message", "field"),
    [
        ({"title": ""}, "请填写事项摘要", "title"),
        ({"content": ""}, "请填写信访请求", "content"),
        ({"received_at": "昨天"}, "收到时间格式不正确", "received_at"),
        ({"headcount": "很多"}, "人数应为正整数", "headcount"),
        ({"p0_name": ""}, "请至少登记一名信访人，或选择匿名", None),
        ({"channel": "pigeon"}, "请选择信访渠道", "channel"),
    ],
)
def test_register_bad_input(
    world: World, change: dict[str, str], message: str, field: str | None
) -> None:
    n = Matter.objects.count()
    r = login(world.registrar).post("/matters/new/", form(**change))
    assert r.status_code == 400
    html = text(r)
    assert message in html
    if field:
        assert re.search(rf'id="{field}"[^>]*aria-invalid="true"', html), field
    assert 'value="13900002222"' in html  # the rest of the input is kept
    assert Matter.objects.count() == n


def test_register_in_english_shows_english_error(world: World) -> None:
    c = login(world.registrar)
    c.post("/i18n/setlang/", {"language": "en", "next": "/"})
    r = c.post("/matters/new/", form(title=""))
    assert "A short summary is required" in text(r) and "请填写事项摘要" not in text(r)


def test_registrar_of_two_units_chooses_and_cannot_use_another(world: World) -> None:
    w = world
    Membership.objects.create(user=w.registrar, unit=w.town, role=Role.REGISTRAR)
    c = login(w.registrar)
    html = text(c.get("/matters/new/"))
    assert '<select id="unit"' in html and w.town.name in html
    c.post("/matters/new/", form(unit=w.town.pk, title="镇里登记"))
    assert Matter.objects.get(title="镇里登记").registered_unit == w.town
    n = Matter.objects.count()
    r = c.post("/matters/new/", form(unit=w.housing.pk, title="冒用单位"))
    assert r.status_code == 400 and "请选择登记机关" in text(r)
    assert Matter.objects.count() == n


def test_only_registrars_register(world: World) -> None:
    n = Matter.objects.count()
    c = login(world.handler)
    assert c.get("/matters/new/").status_code == 404
    assert c.post("/matters/new/", form()).status_code == 404
    assert Matter.objects.count() == n


def test_earlier_matters_by_phone_or_name_only_visible(world: World) -> None:
    w = world
    mine = register(w, title="早先的事项")
    theirs = register(w, unit=w.town, by=w.registrar_town, title="镇里的事项")
    c = login(w.registrar)
    for q in ("13800001234", "138 0000 1234", "张三"):
        html = text(c.get("/petitioners/", {"q": q}))
        assert mine.receipt_no in html, q
        assert theirs.receipt_no not in html, q  # registered by the town, not visible
    assert mine.receipt_no not in text(c.get("/petitioners/", {"q": "1380000"}))  # exact only
    assert mine.receipt_no not in text(login(w.other_handler).get("/petitioners/?q=张三"))


# --- queue ----------------------------------------------------------------------------


def test_queue_sorted_by_deadline_nulls_last_with_constant_queries(world: World) -> None:
    w = world
    c = login(w.supervisor)
    now = timezone.now()
    for i in range(5):
        handled(w, at=now - timedelta(days=i * 7))
    paused = transition(
        handled(w, title="等待材料"),
        "pause",
        actor=w.handler,
        reason="等待补充材料",
        data={"reason_kind": "material"},
    )
    assert paused.current_due_kind == "resume"  # even a paused matter owes a dated duty
    c.get("/?view=open")  # the first request of a session records its activity time (idle timeout)
    with CaptureQueriesContext(connection) as few:
        assert c.get("/?view=open").status_code == 200
    for i in range(25):
        handled(w, at=now - timedelta(days=i))
    with CaptureQueriesContext(connection) as many:
        r = c.get("/?view=open")
    assert len(many) == len(few), [q["sql"] for q in many.captured_queries]
    html = text(r)
    expected = list(
        access.visible(w.supervisor).open().by_deadline().values_list("receipt_no", "current_due")
    )
    assert all(d is not None for _, d in expected)  # every open matter owes a dated duty
    positions = [html.index(no) for no, _ in expected]
    assert positions == sorted(positions)
    dues = [d for _, d in expected if d is not None]
    assert dues == sorted(dues)


def test_queue_badges_overdue_soon_paused(world: World) -> None:
    w = world
    today = timezone.localdate()
    late = handled(w, at=timezone.now() - timedelta(days=90), title="早已超期")
    fresh = handled(w, title="刚受理")
    paused = handled(w, title="等待材料")
    transition(paused, "pause", actor=w.handler, reason="等材料", data={"reason_kind": "material"})
    html = text(login(w.handler).get("/"))
    late_days = (today - late.current_due).days
    assert f'<span class="badge overdue">超期 {late_days} 天</span>' in html
    left = (fresh.current_due - today).days
    assert f'<span class="badge {"soon" if left <= 3 else "ok"}">剩余 {left} 天</span>' in html
    assert '<span class="badge paused">计时暂停</span>' in html
    assert "办理期限" in html  # the deadline's label
    due = fresh.current_due
    assert f"{due.year}年{due.month}月{due.day}日" in html


def test_queue_filters(world: World) -> None:
    w = world
    old = handled(w, at=timezone.now() - timedelta(days=90), title="老问题")
    new = handled(w, title="新问题")
    report = register(w, category=Category.REPORT, title="举报违规", accused_unit=w.town2)
    c = login(w.registrar)

    def shown(query: str) -> set[str]:
        html = text(c.get("/?view=open&" + query.lstrip("?")))
        return {m.title for m in (old, new, report) if m.receipt_no in html}

    assert shown("") == {"老问题", "新问题", "举报违规"}
    assert shown("?overdue=1") == {"老问题"}
    assert shown("?within=365") == {"新问题", "举报违规"}
    assert shown("?within=30") == {"举报违规"}  # 15 days to forward (Art. 22)
    assert shown(f"?status={Status.REGISTERED}") == {"举报违规"}
    assert shown(f"?category={Category.REPORT}") == {"举报违规"}
    assert shown("?q=新问") == {"新问题"}
    assert shown(f"?q={old.receipt_no}") == {"老问题"}
    assert shown("?mine=1") == {"老问题", "新问题", "举报违规"}  # registered here
    handler = login(w.handler)
    assert new.receipt_no in text(handler.get("/?view=open&mine=1"))


def test_queue_paginates_50(world: World) -> None:
    w = world
    for _ in range(51):
        register(w)
    c = login(w.registrar)
    first = text(c.get("/"))
    assert first.count('<td class="no">') == 50 and "page=2" in first
    assert text(c.get("/?page=2")).count('<td class="no">') == 1


# --- matter page ----------------------------------------------------------------------


def test_matter_page_shows_header_deadlines_timeline_notices(world: World) -> None:
    w = world
    m = answered(w)
    transition(m, "add_note", actor=w.handler, reason="已与开发商沟通")
    html = text(login(w.handler).get(f"/matters/{m.pk}/"))
    for needle in (
        m.receipt_no,
        "已答复",
        "申诉求决",
        "住房城建",
        w.town.name,
        w.office.name,
        "办理期限",
        "信访工作条例第三十四条",
        "申请复查期限",
        "信访工作条例第三十五条",
        "按期完成",
        "转送",
        "受理",
        "出具书面答复意见",
        "承办单位：" + w.town.name,
        "已与开发商沟通",
        "信访事项处理意见书",
    ):
        assert needle in html, needle
    # internal events are marked; public ones are not
    items = re.findall(r'<li class="(internal)?">(.*?)</li>\s*(?=<li class|</ol>)', html, re.S)
    note = next(body for cls, body in items if "已与开发商沟通" in body)
    assert "内部备注" in note and '<span class="tag">内部</span>' in note
    accept = next(body for cls, body in items if "<strong>受理</strong>" in body)
    assert "内部" not in accept
    # deadlines read as people read them
    review = re.search(r"申请复查期限.*?截止 (\d{4})年(\d{1,2})月(\d{1,2})日", html, re.S)
    assert review
    # notices download through the notices app
    n = m.notices.first()
    assert f"/notices/{n.pk}.pdf" in html and f"/notices/{n.pk}.docx" in html


def test_matter_page_links_review_and_parent(world: World) -> None:
    w = world
    m = answered(w)
    transition(m, "request_review", actor=w.registrar)
    review = m.followups.get()
    c = login(w.supervisor)
    html = text(c.get(f"/matters/{m.pk}/"))
    assert f'href="/matters/{review.pk}/"' in html and "复查" in html
    back = text(c.get(f"/matters/{review.pk}/"))
    assert f'href="/matters/{m.pk}/"' in back and "原事项" in back


def test_matter_page_shows_only_allowed_actions(world: World) -> None:
    w = world
    m = handled(w)
    handler = text(login(w.handler).get(f"/matters/{m.pk}/"))
    assert "/act/submit_opinion/" in handler and "/act/forward/" not in handler
    assert "/act/approve_opinion/" not in handler
    supervisor = text(login(w.supervisor).get(f"/matters/{m.pk}/"))
    assert "/act/submit_opinion/" not in supervisor and "/act/add_note/" in supervisor
    assert f'name="expected_version" value="{m.version}"' in handler


def test_action_refusal_is_shown_and_nothing_changes(world: World) -> None:
    m = handled(world)
    before = snapshot(m)
    r = login(world.handler).post(
        f"/matters/{m.pk}/act/request_extension/",
        {"expected_version": before[1], "days": "45", "reason": "太复杂"},
        follow=True,
    )
    assert 'class="msg error"' in text(r)
    assert snapshot(m) == before


# --- header, login, language ----------------------------------------------------------


def test_header_shows_user_units_roles_and_admin_link(world: World) -> None:
    w = world
    html = text(login(w.handler).get("/"))
    assert "handler" in html and "青山县城关镇人民政府 · 承办人" in html
    assert "/admin/" not in html and "/matters/new/" not in html
    assert 'action="/logout/"' in html
    assert "/admin/" in text(login(w.admin).get("/"))
    boss = staff("boss", (w.county, Role.LEADER))
    boss.is_staff = True
    boss.save()
    assert "/admin/" in text(login(boss).get("/"))
    assert "/matters/new/" in text(login(w.registrar).get("/"))


def test_login_and_logout(world: World) -> None:
    from django.test import Client

    c = Client()
    page = text(c.get("/login/"))
    assert 'for="id_username"' in page and "autofocus" in page
    bad = c.post("/login/", {"username": "handler", "password": "wrong"})
    assert "用户名或密码不正确" in text(bad)
    from ..factories import PASSWORD

    ok = c.post("/login/", {"username": "handler", "password": PASSWORD})
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert c.get("/logout/").status_code == 405  # logout is a POST
    assert c.post("/logout/").status_code == 302
    assert c.get("/").status_code == 302


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_language_switch(world: World, lang: str) -> None:
    m = handled(world)
    c = login(world.handler)
    r = c.post("/i18n/setlang/", {"language": lang, "next": "/"})
    assert r.status_code == 302
    queue = text(c.get("/"))
    page = text(c.get(f"/matters/{m.pk}/"))
    if lang == "en":
        assert "My queue" in queue and "days left" in queue
        assert "Submit the handling opinion" in page and "XFGZ Art. 34" in page
        assert "Handling deadline" in page and "提交处理意见" not in page
    else:
        assert "我的待办" in queue and "剩余" in queue
        assert "提交处理意见" in page and "信访工作条例第三十四条" in page


def test_queue_beyond_its_id_cap_shows_n_plus_and_still_pages(world: World, monkeypatch) -> None:
    from xinfang.web import views

    w = world
    now = timezone.now()
    for i in range(7):
        handled(w, at=now - timedelta(days=i))
    c = login(w.supervisor)
    html = text(c.get("/?view=open"))
    assert "7 件" in html and "7+ 件" not in html
    monkeypatch.setattr(views, "QUEUE_IDS", 5)
    monkeypatch.setattr(views, "PAGE", 2)
    first = text(c.get("/?view=open"))
    assert "5+ 件" in first and "第 1 / 3 页" in first
    expected = list(
        access.visible(w.supervisor).open().by_deadline().values_list("receipt_no", flat=True)
    )
    last = text(c.get("/", {"view": "open", "page": 3}))
    assert expected[4] in last and expected[5] not in last  # the 5 nearest, in order


def test_every_staff_page_has_the_header_and_the_menu_names_every_page(world: World) -> None:
    """Reports, the duty roster and the access log kept their own header without 退出; the
    duty roster and 热点问题 were in no menu."""
    w = world
    for user, path in (
        (w.supervisor, "/reports/"),
        (w.supervisor, "/reports/rates/"),
        (w.supervisor, "/reports/duty/"),
        (w.supervisor, "/search/hotspots/"),
        (w.auditor, "/audit/access/"),
    ):
        html = text(login(user).get(path))
        assert "退出" in html and 'aria-label="主菜单"' in html, path
    menu = text(login(w.supervisor).get("/"))
    assert "/reports/duty/" in menu and "/search/hotspots/" in menu
    menu = text(login(w.handler).get("/"))
    assert "/reports/duty/" not in menu and "/search/hotspots/" not in menu


def test_the_received_time_is_one_field_typed_once(world: World) -> None:
    """A datetime-local control took seven tab stops; one text field takes one, and a time
    typed as people write it (2026-1-5 9:30) is read."""
    html = text(login(world.registrar).get("/matters/new/"))
    assert 'type="datetime-local"' not in html and 'id="received_at" type="text"' in html
    r = login(world.registrar).post(
        "/matters/new/",
        {
            "unit": world.office.pk,
            "channel": "letter",
            "category": "claim",
            "title": "楼顶漏水",
            "content": "请求维修",
            "received_at": timezone.localtime().strftime("%Y-%-m-%-d %-H:%M"),
            "p0_name": "张三",
            "p0_phone": "13800001234",
        },
    )
    assert r.status_code == 302


def test_unit_pickers_group_departments_apart_from_towns(world: World) -> None:
    """Organ pickers mixed departments with towns in one unsorted list (issue)."""
    m = register(world)
    html = text(login(world.registrar).get(f"/matters/{m.pk}/"))
    form = html[html.index('id="act-forward"') :]
    form = form[: form.index("</select>")]
    groups = re.findall(r'<optgroup label="([^"]+)">', form)
    assert groups[:2] == ["职能部门", "人民政府"]
    departments = form[form.index('label="职能部门"') : form.index('label="人民政府"')]
    assert "住房和城乡建设局" in departments and "城关镇" not in departments
