"""督办员的一天: the supervisor of 青山县信访局 in a real browser.

The night's sweep has run: a matter of 城关镇 is past its handling period, two return
visits (回访) wait, and a concluded matter is due for its 回头看 check. The supervisor
reads the messages (the town has answered yesterday's 督办 in writing), issues a 督办 on
the overdue matter (XFGZ Art. 40), makes a return visit — no answer is filled in for
them, and an unfavourable one must say what happened — and records the 回头看.

What the supervisor must not see: who wrote a report (检举控告): only the registering
organ's registrars and leaders and the lead unit's handlers and leaders do (Art. 30).
Nor may they register matters.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.actions.workflow import transition
from xinfang.cases.models import Category, Matter, Rating
from xinfang.notices.models import Notification
from xinfang.supervision.models import FollowupCheck, ReturnVisit
from xinfang.supervision.services import sweep

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import answered, build_world, handled
from .day import menu, new_page, shot, sign_in
from .steps import (
    actions,
    matter_url,
    name_people,
    open_action,
    part,
    sign_out,
    status_code,
    submit_action,
    timeline,
    todo,
)

REPORTER = {"name": "林小红", "phone": "13911112222", "address": "城关镇桃园村5组"}


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def morning(w: Any) -> dict[str, Matter]:
    """The office's matters as the night's sweep left them."""
    now = timezone.now()
    today = timezone.localdate()
    name_people(registrar="李明", handler="王芳", leader="赵刚", supervisor="陈静")
    late = handled(
        w,
        title="城关镇桃园路路灯长期不亮",
        petitioners=[{"name": "吴敏", "phone": "13700004444", "address": "城关镇桃园路"}],
        at=now - timedelta(days=70),
    )
    replied = handled(
        w,
        title="学府路人行道破损",
        petitioners=[{"name": "卫十", "phone": "13500004444", "address": "城关镇学府路"}],
        at=now - timedelta(days=40),
    )
    transition(
        replied,
        "supervise",
        actor=w.supervisor,
        reason="群众多次来电催办",
        data={
            "demand": "请书面报告办理进展和预计办结时间",
            "reply_due": (today + timedelta(days=3)).isoformat(),
        },
        at=now - timedelta(days=2),
    )
    transition(
        replied,
        "answer_supervision",
        actor=w.handler,
        data={"reply": "已组织施工队勘察，计划本月20日前修复完毕。"},
        at=now - timedelta(days=1),
    )
    visited = answered(
        w,
        title="桃园小区楼顶漏水三年未修",
        petitioners=[{"name": "张三", "phone": "13800001234", "address": "城关镇桃园路8号"}],
        at=now - timedelta(days=12),
    )
    concluded = answered(
        w,
        title="城关小学门前路段积水",
        petitioners=[{"name": "周强", "address": "城关镇学府路2号"}],
        at=now - timedelta(days=40),
    )
    transition(concluded, "conclude", actor=w.handler, at=now - timedelta(days=28))
    report = handled(
        w,
        category=Category.REPORT,
        title="桃园村委会违规发放征地补偿款",
        content="反映村委会将部分补偿款发给非被征地农户，请求查处。",
        petitioners=[REPORTER],
        accused_unit=w.village,
        at=now - timedelta(days=5),
    )
    sweep(today)
    return {
        "late": late,
        "replied": replied,
        "visited": visited,
        "concluded": concluded,
        "report": report,
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_supervisor_day(chromium: Any, live_server: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = SHOTS.parent / "media"
    w = build_world()
    m = morning(w)
    base = live_server.url
    page = new_page(chromium)
    today = timezone.localdate()

    # --- the morning: sign in, the menu and the messages ------------------------------
    sign_in(page, base, "supervisor")
    entries = menu(page)
    for must in ("我的待办", "检索", "待回访", "回头看", "统计分析", "三率排名", "值班", "消息"):
        assert any(e.startswith(must) for e in entries), (must, entries)
    for never in ("登记", "我的包案", "访问日志", "系统管理"):
        assert not any(e.startswith(never) for e in entries), (never, entries)
    assert "待审批意见" not in todo(page) and "待受理" not in todo(page)
    shot(page, "supervisor-01-todo")
    page.locator("header nav a", has_text="消息").click()
    page.wait_for_url(f"{base}/supervision/inbox/")
    reply = page.locator("table tbody tr", has_text="已书面回复督办")
    expect(reply).to_contain_text(m["replied"].receipt_no)
    shot(page, "supervisor-02-inbox")
    reply.locator("a").click()
    page.wait_for_url(matter_url(base, m["replied"].pk))
    expect(page.locator("ol.timeline")).to_contain_text("计划本月20日前修复完毕")
    assert timeline(page)[-2:] == ["督办", "书面回复督办"], timeline(page)

    # --- the overdue list and a 督办 ---------------------------------------------------
    page.goto(base + "/")
    page.locator("nav.todo-groups a", has_text="已超期").click()
    rows = page.locator("table.queue tbody tr")
    late_row = rows.filter(has_text=m["late"].receipt_no)
    expect(late_row).to_contain_text("超期")
    assert m["visited"].receipt_no not in page.locator("table.queue").inner_text()
    shot(page, "supervisor-03-overdue")
    late_row.locator("td.no a").click()
    page.wait_for_url(matter_url(base, m["late"].pk))
    assert "督办" in actions(page)
    box = open_action(page, "supervise")
    reply_due = today + timedelta(days=5)
    box.locator("#supervise-demand").fill("请于期限内书面报告超期原因、办理进展和办结时间")
    box.locator("#supervise-reply_due").fill(reply_due.isoformat())
    box.locator("#supervise-reason").fill("已超过60日办理期限，未申请延期")
    part(box, "supervisor-04-supervise")
    submit_action(page, "supervise")
    m["late"].refresh_from_db()
    assert m["late"].supervision_level == 1 and m["late"].supervision_due == reply_due
    assert timeline(page)[-1] == "督办"
    expect(page.locator("#h-basic + dl.kv")).to_contain_text("第 1 级")
    told = Notification.objects.filter(user=w.handler, matter=m["late"], key__startswith="sup:")
    assert told.count() == 1 and "书面回复" in told.get().text
    shot(page, "supervisor-05-supervised")

    # --- return visits: nothing pre-selected; an unfavourable answer says why -----------
    page.locator("header nav a", has_text="待回访").click()
    page.wait_for_url(f"{base}/supervision/visits/")
    visit = ReturnVisit.objects.get(matter=m["visited"], trigger="answered")
    card = page.locator("section.card", has_text=m["visited"].receipt_no)
    for sel in card.locator("select").all():
        assert sel.input_value() == "", sel.get_attribute("name")
    assert card.locator("input[name=note]").input_value() == ""
    shot(page, "supervisor-06-visits")
    card.locator("select[name=method]").select_option(label="电话")
    card.locator("select[name=reached]").select_option("1")
    card.locator("select[name=contacted]").select_option("1")
    card.locator("select[name=solved]").select_option("0")
    card.locator("select[name=rating]").select_option(Rating.UNSATISFIED)
    card.locator("button").click()
    expect(page.locator(".msg.error")).to_contain_text("请在备注中写明情况")
    visit.refresh_from_db()
    assert visit.done_at is None
    card = page.locator("section.card", has_text=m["visited"].receipt_no)
    card.locator("select[name=method]").select_option(label="电话")
    card.locator("select[name=reached]").select_option("1")
    card.locator("select[name=contacted]").select_option("1")
    card.locator("select[name=solved]").select_option("0")
    card.locator("select[name=rating]").select_option(Rating.UNSATISFIED)
    card.locator("input[name=note]").fill("雨后顶楼仍渗水，维修只做了一半")
    part(card, "supervisor-07-visit")
    card.locator("button").click()
    expect(page.locator(".msg.success")).to_contain_text(m["visited"].receipt_no)
    visit.refresh_from_db()
    assert visit.done_at is not None and visit.solved is False
    assert visit.note == "雨后顶楼仍渗水，维修只做了一半"
    m["visited"].refresh_from_db()
    assert m["visited"].rating == Rating.UNSATISFIED
    expect(page.locator("section.card", has_text=m["visited"].receipt_no)).to_have_count(0)

    # --- 回头看 ------------------------------------------------------------------------
    page.locator("header nav a", has_text="回头看").click()
    page.wait_for_url(f"{base}/supervision/followups/")
    check = FollowupCheck.objects.get(matter=m["concluded"], offset_days=30)
    card = page.locator("section.card", has_text=m["concluded"].receipt_no)
    expect(card).to_contain_text("办结后第 30 日")
    assert card.locator("select[name=held]").input_value() == ""
    shot(page, "supervisor-08-followups")
    card.locator("select[name=held]").select_option("1")
    card.locator("input[name=note]").fill("电话回访周强，雨后路段未再积水")
    card.locator("button").click()
    expect(page.locator(".msg.success")).to_be_visible()
    check.refresh_from_db()
    assert check.done_at is not None and check.held is True and check.reopened is None

    # --- a report: who wrote it is not shown -------------------------------------------
    page.goto(matter_url(base, m["report"].pk))
    expect(page.locator(".meta")).to_contain_text("身份保密")
    people = page.locator("section[aria-labelledby=h-people]")
    expect(people).to_contain_text("（保密）")
    expect(people).to_contain_text("第三十条")
    html = page.content()
    for value in REPORTER.values():
        assert value not in html
    assert "1391" not in html and page.locator("form.reveal").count() == 0
    shot(page, "supervisor-09-confidential")
    # nor in the notices the matter's page offers, nor in its dossier
    links = page.locator("section[aria-labelledby=h-notices] a", has_text="DOCX")
    assert links.count() == 2
    for href in [a.get_attribute("href") for a in links.all()]:
        with zipfile.ZipFile(io.BytesIO(page.request.get(base + href).body())) as docx:
            text = docx.read("word/document.xml").decode()
        assert "（保密）" in text and REPORTER["name"] not in text and "1391" not in text
    page.select_option("#dossier-purpose", "supervise")
    page.locator("form.dossier-export button", has_text="查看打印版").click()
    page.wait_for_url(f"{base}/matters/{m['report'].pk}/dossier/*")
    expect(page.locator("body")).to_contain_text(m["report"].receipt_no)
    html = page.content()
    assert REPORTER["name"] not in html and REPORTER["phone"] not in html
    page.goto(f"{base}/petitioners/?q={REPORTER['phone']}")
    expect(page.locator("body")).to_contain_text("没有您可查看的既往事项")
    assert m["report"].receipt_no not in page.content()

    # --- must not register; the end of the day -----------------------------------------
    assert status_code(page, f"{base}/matters/new/") == 404
    page.goto(base + "/")
    sign_out(page, base)
    assert "/login/" in page.url
