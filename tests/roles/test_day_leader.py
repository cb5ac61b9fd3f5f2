"""单位负责人的一天: the leader of 城关镇人民政府 in a real browser.

In the morning a handling opinion waits for signature and a handler has asked for more
time. The leader reads the whole draft beside the 处理意见书 it would issue (marked
预览（未出具）), returns it with comments, reads the revised draft and approves it (the
town issues the 处理意见书, numbered, XFGZ Art. 32); approves the extension (Art. 34: the
延期办理告知书 tells the petitioner why); then looks at the matter the leader took
personal charge of (包案, Art. 18), with its plan and progress, and signs it off.

What the leader must not do: register matters (the office does), or open a matter of
东湖镇 (404).
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
from xinfang.notices.models import Notice, NoticeKind

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import build_world, handled, opinion, register
from .day import menu, new_page, shot, sign_in
from .steps import (
    actions,
    matter_url,
    name_people,
    notices,
    open_action,
    open_matter,
    part,
    sign_out,
    status_code,
    submit_action,
    timeline,
    todo,
)

DRAFT = {
    "decision": "support",
    "request": "请求维修楼顶防水层，解决顶楼渗水。",
    "facts": "经镇建设办现场核查，桃园小区3栋楼顶防水层老化开裂属实。",
    "reasons": "楼顶防水属共用部位，维修费用可从住宅专项维修资金中列支。",
    "basis": "《住宅专项维修资金管理办法》第二十二条",
}
REVISED = {
    **DRAFT,
    "facts": "经镇建设办现场核查，桃园小区3栋楼顶防水层老化开裂属实，顶楼两户室内墙面受损。",
    "reasons": DRAFT["reasons"]
    + "镇政府已协调物业公司于本月底前完成维修，维修期间每周向信访人通报进度。",
}


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def morning(w: Any) -> dict[str, Matter]:
    """What waits for the town's leader this morning, and a matter of the next town."""
    now = timezone.now()
    name_people(registrar="李明", handler="王芳", leader="赵刚", supervisor="陈静")
    draft = handled(
        w,
        title="桃园小区楼顶漏水三年未修",
        petitioners=[{"name": "张三", "phone": "13800001234", "address": "城关镇桃园路8号"}],
        at=now - timedelta(days=20),
    )
    transition(draft, "submit_opinion", actor=w.handler, data=DRAFT)
    slow = handled(
        w,
        title="城关镇敬老院供暖不足",
        petitioners=[{"name": "褚九", "phone": "13500003333", "address": "城关镇敬老院"}],
        at=now - timedelta(days=45),
    )
    transition(
        slow,
        "request_extension",
        actor=w.handler,
        reason="供暖管网改造需待县住建局完成设计审批，预计还需20日。",
        data={"days": "20"},
    )
    # a hard matter the county office put in the leader's personal charge (包案)
    charge = handled(
        w,
        title="桃园村征地补偿款迟迟未发放",
        petitioners=[{"name": "钱七", "phone": "13600000000", "address": "城关镇桃园村"}],
        at=now - timedelta(days=30),
    )
    transition(
        charge,
        "appoint_leader",
        actor=w.supervisor,
        data={
            "leader": w.leader.pk,
            "team": "镇财政所、国土所、桃园村委会",
            "plan": "核对补偿名册，十五日内发放到户；逐户上门说明补偿标准。",
            "due_on": (timezone.localdate() + timedelta(days=10)).isoformat(),
        },
    )
    for text in ("已核对补偿名册，共涉及23户。", "补偿款已拨付至村集体账户，正在逐户发放。"):
        transition(charge, "report_progress", actor=w.handler, data={"progress": text})
    transition(charge, "submit_opinion", actor=w.handler, data=opinion("support"))
    transition(charge, "approve_opinion", actor=w.leader)
    other_town = register(
        w,
        title="东湖镇渡口停运",
        petitioners=[{"name": "蒋十一", "phone": "13500005555"}],
    )
    transition(other_town, "forward", actor=w.registrar, data={"unit": w.town2.pk})
    transition(other_town, "accept", actor=w.other_handler)
    return {"draft": draft, "slow": slow, "charge": charge, "other_town": other_town}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_leader_day(chromium: Any, live_server: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = SHOTS.parent / "media"
    w = build_world()
    m = morning(w)
    base = live_server.url
    page = new_page(chromium)
    year = timezone.localdate().year

    # --- the morning: sign in, read the to-do list ------------------------------------
    sign_in(page, base, "leader")
    entries = menu(page)
    for must in ("我的待办", "我的包案", "检索", "统计分析", "三率排名", "值班", "接访", "消息"):
        assert any(e.startswith(must) for e in entries), (must, entries)
    for never in ("登记", "待回访", "回头看", "访问日志", "系统管理"):
        assert not any(e.startswith(never) for e in entries), (never, entries)
    groups = todo(page)
    assert groups["待审批意见"] == 1 and groups["待批延期"] == 1, groups
    assert groups["待回复督办"] == 0, groups
    assert "待受理" not in groups and "办理中" not in groups, groups
    listed = page.locator("table.queue").inner_text()
    assert m["draft"].receipt_no in listed and m["slow"].receipt_no in listed
    assert m["other_town"].receipt_no not in listed
    shot(page, "leader-01-todo")

    # --- the approval page: the whole draft and the notice it would issue --------------
    page.locator("nav.todo-groups a", has_text="待审批意见").click()
    open_matter(page, base, m["draft"].receipt_no)
    offered = actions(page)
    assert offered[0] == "出具书面答复意见" and "退回处理意见" in offered, offered
    drafts = page.locator("section.drafts")
    expect(drafts).to_contain_text("待审批的处理意见")
    expect(drafts).to_contain_text("第 1 稿")
    for text in DRAFT.values():
        if text != "support":
            expect(drafts).to_contain_text(text)
    preview = page.locator("#opinion-preview")
    expect(preview).to_contain_text("预览（未出具）")
    expect(preview).to_contain_text("信访事项处理意见书")
    expect(preview).to_contain_text("青山县城关镇人民政府")
    expect(preview).to_contain_text("予以支持")
    pdf = page.request.get(
        base + preview.locator("a", has_text="下载预览 PDF").get_attribute("href")
    )
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    assert not Notice.objects.filter(matter=m["draft"], kind=NoticeKind.OPINION).exists()
    shot(page, "leader-02-approval")

    # --- returning the draft with comments -------------------------------------------
    box = open_action(page, "return_opinion")
    box.locator("#return_opinion-reason").fill(
        "请补充查明顶楼住户室内受损情况，并写明维修完成时间和期间如何告知信访人。"
    )
    part(box, "leader-03-return")
    submit_action(page, "return_opinion")
    m["draft"].refresh_from_db()
    assert m["draft"].status == Status.HANDLING
    assert timeline(page)[-1] == "退回处理意见"
    assert not Notice.objects.filter(matter=m["draft"], kind=NoticeKind.OPINION).exists()

    # the handler revises the draft and sends it again
    transition(m["draft"], "submit_opinion", actor=w.handler, data=REVISED)

    # --- approving the revised draft: the 处理意见书 is issued ---------------------------
    page.goto(base + "/")
    assert todo(page)["待审批意见"] == 1
    open_matter(page, base, m["draft"].receipt_no)
    drafts = page.locator("section.drafts")
    expect(drafts).to_contain_text("第 2 稿")
    expect(drafts).to_contain_text("顶楼两户室内墙面受损")
    earlier = drafts.locator("details.earlier")
    expect(earlier.locator("summary")).to_contain_text("已退回")
    earlier.locator("summary").click()
    expect(earlier).to_contain_text("请补充查明顶楼住户室内受损情况")
    expect(page.locator("#opinion-preview")).to_contain_text("顶楼两户室内墙面受损")
    shot(page, "leader-04-revised")
    submit_action(page, "approve_opinion")
    m["draft"].refresh_from_db()
    assert m["draft"].status == Status.ANSWERED and m["draft"].decision == "support"
    issued = Notice.objects.get(matter=m["draft"], kind=NoticeKind.OPINION)
    assert issued.organ == w.town
    assert re.fullmatch(rf"青山县城关镇信处〔{year}〕\d+号", issued.number), issued.number
    assert any("处理意见书" in n and issued.number in n for n in notices(page)), notices(page)
    assert "顶楼两户室内墙面受损" in " ".join(issued.context.get("paragraphs", []))
    assert page.locator("#opinion-preview").count() == 0
    expect(page.locator("section.drafts")).to_contain_text("已签发")
    shot(page, "leader-05-approved")

    # --- approving the extension -------------------------------------------------------
    page.goto(f"{base}/?todo=extension")
    open_matter(page, base, m["slow"].receipt_no)
    offered = actions(page)
    assert offered[0] == "延长办理期限" and "不同意延期" in offered, offered
    expect(page.locator("ol.timeline")).to_contain_text("供暖管网改造需待县住建局完成设计审批")
    due_before = m["slow"].current_due
    part(page.locator("#act-approve_extension"), "leader-06-extension")
    submit_action(page, "approve_extension")
    m["slow"].refresh_from_db()
    assert m["slow"].extension_state == "approved"
    assert due_before is not None and m["slow"].current_due is not None
    assert m["slow"].current_due > due_before
    letter = Notice.objects.get(matter=m["slow"], kind=NoticeKind.EXTENSION)
    assert re.fullmatch(rf"青山县城关镇信延〔{year}〕\d+号", letter.number), letter.number
    assert any("延期办理告知书" in n for n in notices(page)), notices(page)
    expect(page.locator("section.deadlines")).to_contain_text("已延长 20 日")

    # --- 我的包案: plan, progress, sign-off ---------------------------------------------
    page.locator("header nav a", has_text="我的包案").click()
    page.wait_for_url(f"{base}/charges/")
    expect(page.locator("h1")).to_contain_text("1 件未销号")
    row = page.locator("table.charges tbody tr", has_text=m["charge"].receipt_no)
    expect(row).to_contain_text("2 次")
    expect(row).to_contain_text("逐户发放")
    expect(row).to_contain_text("未销号")
    shot(page, "leader-07-charges")
    row.locator("a", has_text=m["charge"].receipt_no).click()
    page.wait_for_url(matter_url(base, m["charge"].pk))
    expect(page.locator("#h-basic + dl.kv")).to_contain_text("赵刚")
    box = open_action(page, "sign_off")
    box.locator("#sign_off-outcome").fill("补偿款已全部发放到户，信访人表示认可。")
    submit_action(page, "sign_off")
    assert Event.objects.filter(matter=m["charge"], action="sign_off").count() == 1
    assert timeline(page)[-1] == "包案销号"
    # a charge is signed off once: a second sign-off is refused and changes nothing
    if "包案销号" in actions(page):
        box = open_action(page, "sign_off")
        box.locator("#sign_off-outcome").fill("再次销号")
        box.locator("form button[type=submit]").click()
        expect(page.locator(".msg.error")).to_contain_text("已销号")
    assert Event.objects.filter(matter=m["charge"], action="sign_off").count() == 1
    page.locator("header nav a", has_text="我的包案").click()
    expect(page.locator("h1")).to_contain_text("0 件未销号")
    row = page.locator("table.charges tbody tr", has_text=m["charge"].receipt_no)
    expect(row).to_contain_text(f"{year}年")
    shot(page, "leader-08-signed")

    # --- must not: register, or open another town's matter ----------------------------
    assert status_code(page, f"{base}/matters/new/") == 404
    assert status_code(page, matter_url(base, m["other_town"].pk)) == 404

    # --- the end of the day -----------------------------------------------------------
    page.goto(base + "/")
    groups = todo(page)
    assert groups["待审批意见"] == 0 and groups["待批延期"] == 0, groups
    sign_out(page, base)
    assert "/login/" in page.url
