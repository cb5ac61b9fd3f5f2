"""承办人的一天: the handler of 城关镇人民政府 in a real browser.

In the morning two matters forwarded by the county office wait for acceptance, three are
being handled, and one of them carries a supervision notice (督办) from the office. The
handler accepts a forwarded matter (the town issues its own 受理告知书), drafts the
handling opinion of another and sends it to the town's leader, asks for more time on a
third (XFGZ Art. 34: the leader decides) and answers the 督办 in writing (Art. 40).

What the handler must not do: open a matter of 东湖镇 (404), or sign their own opinion —
the page does not offer it and a hand-made request is refused and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.actions.workflow import transition
from xinfang.cases.models import Event, Matter, Status
from xinfang.notices.models import Notice, NoticeKind, Notification

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import build_world, handled, register
from .day import menu, new_page, shot, sign_in
from .steps import (
    actions,
    matter_url,
    name_people,
    notices,
    open_action,
    open_matter,
    part,
    post_action_anyway,
    sign_out,
    status_code,
    submit_action,
    timeline,
    todo,
)


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def forwarded(w: Any, title: str, name: str, phone: str, days: int) -> Matter:
    m = register(
        w,
        title=title,
        petitioners=[{"name": name, "phone": phone, "address": "城关镇"}],
        at=timezone.now() - timedelta(days=days),
    )
    return transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})


def morning(w: Any) -> dict[str, Matter]:
    """What waits for the town's handler this morning, and a matter of the next town."""
    now = timezone.now()
    name_people(registrar="李明", handler="王芳", leader="赵刚", supervisor="陈静")
    new0 = forwarded(w, "桃园路排水沟堵塞", "钱六", "13500001111", 2)
    new1 = forwarded(w, "城关农贸市场噪声扰民", "冯八", "13500002222", 1)
    draft = handled(
        w,
        title="桃园小区楼顶漏水三年未修",
        petitioners=[{"name": "张三", "phone": "13800001234", "address": "城关镇桃园路8号"}],
        at=now - timedelta(days=20),
    )
    slow = handled(
        w,
        title="城关镇敬老院供暖不足",
        petitioners=[{"name": "褚九", "phone": "13500003333", "address": "城关镇敬老院"}],
        at=now - timedelta(days=45),
    )
    supervised = handled(
        w,
        title="学府路人行道破损",
        petitioners=[{"name": "卫十", "phone": "13500004444", "address": "城关镇学府路"}],
        at=now - timedelta(days=50),
    )
    transition(
        supervised,
        "supervise",
        actor=w.supervisor,
        reason="群众多次来电催办",
        data={
            "demand": "请于期限内书面报告办理进展和预计办结时间",
            "reply_due": (timezone.localdate() + timedelta(days=5)).isoformat(),
        },
    )
    other_town = register(
        w,
        title="东湖镇渡口停运",
        petitioners=[{"name": "蒋十一", "phone": "13500005555"}],
    )
    transition(other_town, "forward", actor=w.registrar, data={"unit": w.town2.pk})
    return {
        "new0": new0,
        "new1": new1,
        "draft": draft,
        "slow": slow,
        "supervised": supervised,
        "other_town": other_town,
    }


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_handler_day(chromium: Any, live_server: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = SHOTS.parent / "media"
    w = build_world()
    m = morning(w)
    base = live_server.url
    page = new_page(chromium)
    year = timezone.localdate().year

    # --- the morning: sign in, read the to-do list ------------------------------------
    sign_in(page, base, "handler")
    entries = menu(page)
    for must in ("我的待办", "检索", "消息"):
        assert any(e.startswith(must) for e in entries), (must, entries)
    for never in (
        "登记",
        "待回访",
        "回头看",
        "我的包案",
        "统计分析",
        "值班",
        "访问日志",
        "系统管理",
    ):
        assert not any(e.startswith(never) for e in entries), (never, entries)
    groups = todo(page)
    assert groups["待受理"] == 2, groups
    assert groups["办理中"] == 3, groups
    assert groups["待回复督办"] == 1, groups
    assert groups["待办结"] == 0, groups
    assert "待审批意见" not in groups and "待转送交办" not in groups
    listed = page.locator("table.queue").inner_text()
    assert m["other_town"].receipt_no not in listed
    assert page.locator("header nav a", has_text="消息").locator(".badge").inner_text() == "1"
    shot(page, "handler-01-todo")

    # --- accepting a forwarded matter: the town's 受理告知书 ---------------------------
    page.locator("nav.todo-groups a", has_text="待受理").click()
    expect(page.locator("table.queue tbody tr")).to_have_count(2)
    open_matter(page, base, m["new0"].receipt_no)
    offered = actions(page)
    assert offered[0] == "受理" and "提出异议" in offered, offered
    assert any("转送告知书" in n for n in notices(page))
    shot(page, "handler-02-forwarded")
    submit_action(page, "accept")
    m["new0"].refresh_from_db()
    assert m["new0"].status == Status.HANDLING
    assert timeline(page)[-1] == "受理"
    receipt = Notice.objects.get(matter=m["new0"], kind=NoticeKind.RECEIPT)
    assert receipt.organ == w.town
    assert re.fullmatch(rf"青山县城关镇信受告〔{year}〕\d+号", receipt.number), receipt.number
    assert any("受理告知书" in n and receipt.number in n for n in notices(page)), notices(page)
    expect(page.locator("section.deadlines")).to_contain_text("办理期限")
    shot(page, "handler-03-accepted")

    # --- drafting the handling opinion ------------------------------------------------
    page.goto(f"{base}/?todo=handle")
    open_matter(page, base, m["draft"].receipt_no)
    box = open_action(page, "submit_opinion")
    box.locator("#submit_opinion-decision").select_option(label="予以支持")
    box.locator("#submit_opinion-request").fill("请求维修楼顶防水层，解决顶楼渗水。")
    box.locator("#submit_opinion-facts").fill(
        "经镇建设办现场核查，桃园小区3栋楼顶防水层老化开裂属实，该楼已过保修期。"
    )
    box.locator("#submit_opinion-reasons").fill(
        "楼顶防水属共用部位，维修费用可按规定从住宅专项维修资金中列支。"
        "镇政府已协调物业公司和业主委员会启动维修资金使用程序。"
    )
    box.locator("#submit_opinion-basis").fill("《住宅专项维修资金管理办法》第二十二条")
    part(box, "handler-04-opinion")
    submit_action(page, "submit_opinion")
    m["draft"].refresh_from_db()
    assert m["draft"].status == Status.OPINION_PENDING
    expect(page.locator(".meta .status")).to_contain_text("待审批")
    drafts = page.locator("section.drafts")
    expect(drafts).to_contain_text("待审批的处理意见")
    expect(drafts).to_contain_text("予以支持")
    expect(drafts).to_contain_text("住宅专项维修资金")
    # the leader signs it, not the one who drafted it
    assert "出具书面答复意见" not in actions(page) and "退回处理意见" not in actions(page)
    assert page.locator("#opinion-preview").count() == 0
    assert Notification.objects.filter(user=w.leader, matter=m["draft"]).exists()
    shot(page, "handler-05-submitted")
    before = Event.objects.filter(matter=m["draft"]).count()
    post_action_anyway(page, m["draft"].pk, "approve_opinion")
    expect(page.locator(".msg.error")).to_be_visible()
    m["draft"].refresh_from_db()
    assert m["draft"].status == Status.OPINION_PENDING
    assert Event.objects.filter(matter=m["draft"]).count() == before
    assert not Notice.objects.filter(matter=m["draft"], kind=NoticeKind.OPINION).exists()

    # --- asking for more time (the leader decides) ------------------------------------
    page.goto(f"{base}/?todo=handle")
    open_matter(page, base, m["slow"].receipt_no)
    box = open_action(page, "request_extension")
    box.locator("#request_extension-days").fill("20")
    box.locator("#request_extension-reason").fill(
        "供暖管网改造需待县住建局完成设计审批，预计还需20日。"
    )
    part(box, "handler-06-extension")
    submit_action(page, "request_extension")
    m["slow"].refresh_from_db()
    assert m["slow"].extension_state == "requested"
    assert timeline(page)[-1] == "申请延期"
    # nothing is told to the petitioner until the leader approves
    assert not Notice.objects.filter(matter=m["slow"], kind=NoticeKind.EXTENSION).exists()
    assert "延长办理期限" not in actions(page)
    assert Notification.objects.filter(user=w.leader, matter=m["slow"]).exists()

    # --- answering the 督办 in writing --------------------------------------------------
    page.locator("header nav a", has_text="消息").click()
    page.wait_for_url(f"{base}/supervision/inbox/")
    expect(page.locator("table")).to_contain_text("收到督办")
    expect(page.locator("table")).to_contain_text(m["supervised"].receipt_no)
    shot(page, "handler-07-inbox")
    page.locator("table a", has_text=m["supervised"].receipt_no).click()
    page.wait_for_url(matter_url(base, m["supervised"].pk))
    expect(page.locator("#h-basic + dl.kv")).to_contain_text("第 1 级")
    # the written reply is the first thing asked of the unit, its form open
    assert actions(page)[0] == "书面回复督办"
    expect(page.locator("#act-answer_supervision")).to_have_attribute("open", "")
    box = open_action(page, "answer_supervision")
    box.locator("#answer_supervision-reply").fill(
        "已组织施工队勘察，破损路段约120米，计划本月20日前修复完毕，届时书面告知信访人。"
    )
    shot(page, "handler-08-supervision")
    submit_action(page, "answer_supervision")
    m["supervised"].refresh_from_db()
    assert m["supervised"].supervision_due is None
    assert timeline(page)[-1] == "书面回复督办"
    assert Notification.objects.filter(user=w.supervisor, matter=m["supervised"]).exists()

    # --- must not: another town's matter ---------------------------------------------
    assert status_code(page, matter_url(base, m["other_town"].pk)) == 404
    assert status_code(page, f"{base}/matters/new/") == 404

    # --- the end of the day -----------------------------------------------------------
    page.goto(base + "/")
    groups = todo(page)
    assert groups["待受理"] == 1 and groups["待回复督办"] == 0, groups
    assert groups["办理中"] == 3, groups  # the accepted one in, the drafted one out
    sign_out(page, base)
    assert "/login/" in page.url
