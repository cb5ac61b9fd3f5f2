"""信访局/县领导的一天: a county leader (``county_leader``, 单位负责人 of 青山县人民政府) signs in,
reads the to-do list, extends a deadline and signs a handling opinion of the county
government (XFGZ Arts. 32, 34), records progress on the matters in their personal charge
and signs one off (包案销号, Art. 18), looks at the hotspots and the reports, downloads a
report, and signs out. What a county leader must not reach: the registration form, the
access log, the administration, a matter of the city, a report that accuses the county
government itself (Art. 30).

A second walk compares what a supervisor of the office and a township leader see in the
reports: the office's whole county, the township's own subtree only.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.actions.workflow import transition
from xinfang.audit.models import AccessLog
from xinfang.cases.models import Category, Event, Matter, Status
from xinfang.notices.models import Notice
from xinfang.org.models import Role

from ..browser import chromium as launch
from ..factories import World, answered, build_world, handled, opinion, register, staff
from .day import menu, new_page, shot, sign_in

ROLE = "office-leader"


@pytest.fixture
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def morning(w: World) -> dict[str, Matter]:
    """What waits for the county leader: an extension asked for and an opinion drafted by
    the county government's handler, two matters in the leader's charge (one answered, one
    still in hand), three similar letters about the same roof (a hotspot), a matter of the
    city, and a report that accuses the county government."""
    now = timezone.now()

    def to_county(title: str, content: str) -> Matter:
        m = register(w, title=title, content=content)
        transition(m, "forward", actor=w.registrar, data={"unit": w.county.pk})
        return transition(m, "accept", actor=w.county_handler)

    ext = to_county("县城区供暖管网改造拖延", "请求县政府督促供暖管网改造按期完工。")
    transition(
        ext,
        "request_extension",
        actor=w.county_handler,
        reason="需会同住建、财政部门核算改造资金，60日内难以办结",
        data={"days": "15"},
    )
    op = to_county("东湖镇中学周边道路积水", "请求修缮东湖镇中学门前道路排水设施。")
    transition(op, "submit_opinion", actor=w.county_handler, data=opinion("support"))

    due = (timezone.localdate() + timedelta(days=20)).isoformat()
    charge_done = answered(w, at=now)
    charge_open = handled(
        w, title="城关镇农贸市场噪声扰民", content="请求整治农贸市场凌晨装卸噪声。"
    )
    for m, plan in (
        (charge_done, "县领导牵头，住建局、城关镇联合核查维修资金来源"),
        (charge_open, "县领导牵头，市场监管、城关镇联合整治"),
    ):
        transition(
            m,
            "appoint_leader",
            actor=w.supervisor,
            data={"leader": w.county_leader.pk, "plan": plan, "due_on": due},
        )
    transition(
        charge_done,
        "report_progress",
        actor=w.handler,
        data={"progress": "已召开协调会，维修资金由专项维修资金列支"},
    )
    transition(charge_done, "rate", actor=None, by_citizen=True, data={"rating": "satisfied"})
    # the same roof again, from neighbours: with charge_done, three alike (热点)
    for name in ("李四", "王五"):
        register(w, petitioners=[{"name": name, "phone": "13900002222"}])

    city_registrar = staff("city_registrar", (w.city, Role.REGISTRAR))
    city = register(w, unit=w.city, by=city_registrar, title="江州市区公交线路调整")
    accusing = register(
        w,
        category=Category.REPORT,
        accused_unit=w.county,
        title="反映县政府某科室违规收费",
        content="请求查处县政府某科室违规收取费用。",
    )
    return {
        "ext": ext,
        "op": op,
        "charge_done": charge_done,
        "charge_open": charge_open,
        "city": city,
        "accusing": accusing,
    }


def open_action(page: Any, action: str) -> Any:
    """The action's folding form on a matter page, opened."""
    box = page.locator(f"#act-{action}")
    expect(box).to_be_visible()
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    return box


def group_count(page: Any, label: str) -> str:
    link = page.locator(".todo-groups a", has_text=label)
    return link.locator(".n").inner_text().strip()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_county_leaders_day(browser: Any, live_server: Any) -> None:
    w = build_world()
    m = morning(w)
    base = live_server.url
    page = new_page(browser)

    # --- sign in: the to-do list ---------------------------------------------------------
    sign_in(page, base, "county_leader")
    entries = menu(page)
    for must in ("我的待办", "我的包案", "统计分析", "三率排名", "热点问题", "消息"):
        assert any(e.startswith(must) for e in entries), (must, entries)
    for never in ("登记", "访问日志", "系统管理", "待回访", "回头看"):
        assert never not in entries, (never, entries)
    expect(page.locator(".todo-groups")).to_be_visible()
    assert group_count(page, "待审批意见") == "1"
    assert group_count(page, "待批延期") == "1"
    assert group_count(page, "待我处理") == "2"
    rows = page.locator("table.queue tbody tr")
    expect(rows).to_have_count(2)
    expect(page.locator("table.queue")).to_contain_text(m["ext"].receipt_no)
    expect(page.locator("table.queue")).to_contain_text(m["op"].receipt_no)
    shot(page, f"{ROLE}-01-todo")

    # --- the extension: granted as asked (Art. 34) --------------------------------------
    page.locator(".todo-groups a", has_text="待批延期").click()
    expect(page.locator("h1")).to_contain_text("待批延期")
    page.locator("table.queue a", has_text=m["ext"].receipt_no).click()
    expect(page.locator("h1")).to_contain_text("县城区供暖管网改造拖延")
    expect(page.locator("#h-timeline + ol")).to_contain_text("需会同住建、财政部门核算改造资金")
    box = open_action(page, "approve_extension")
    shot(page, f"{ROLE}-02-extension")
    box.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("延长办理期限")
    expect(page.locator(".deadlines")).to_contain_text("已延长 15 日")
    m["ext"].refresh_from_db()
    assert m["ext"].extension_state == "approved"
    assert page.locator("#act-approve_extension").count() == 0  # decided once

    # --- the opinion: read the draft, sign it; the written reply is issued ---------------
    page.locator("header nav a", has_text="我的待办").click()
    page.locator(".todo-groups a", has_text="待审批意见").click()
    page.locator("table.queue a", has_text=m["op"].receipt_no).click()
    drafts = page.locator("section.drafts")
    expect(drafts).to_contain_text("予以支持")
    expect(drafts).to_contain_text("《住宅专项维修资金管理办法》第二十二条")
    notices_before = Notice.objects.filter(matter=m["op"]).count()
    box = open_action(page, "approve_opinion")
    shot(page, f"{ROLE}-03-opinion")
    box.locator("button[type=submit]").click()
    expect(page.locator(".msg.success")).to_contain_text("出具书面答复意见")
    expect(page.locator(".matter-head .status")).to_have_text("已答复")
    expect(page.locator("#h-notices")).to_be_visible()
    m["op"].refresh_from_db()
    assert m["op"].status == Status.ANSWERED
    assert Notice.objects.filter(matter=m["op"]).count() == notices_before + 1

    page.locator("header nav a", has_text="我的待办").click()
    expect(page.locator("table.queue tbody")).to_contain_text("没有待办事项")

    # --- my charges (包案): progress, then sign-off of the answered one ------------------
    page.locator("header nav a", has_text="我的包案").click()
    expect(page.locator("h1")).to_contain_text("2 件未销号")
    table = page.locator("table.charges")
    expect(table.locator("tbody tr")).to_have_count(2)
    expect(table).to_contain_text("已召开协调会")
    shot(page, f"{ROLE}-04-charges")
    table.locator("a", has_text=m["charge_open"].receipt_no).click()
    assert page.locator("#act-sign_off").count() == 0  # not answered yet: nothing to sign
    box = open_action(page, "report_progress")
    box.locator("textarea[name=progress]").click()
    page.keyboard.type("已约谈市场开办方，凌晨装卸改在市场北门")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.success")).to_contain_text("记录包案进展")

    page.locator("header nav a", has_text="我的包案").click()
    page.locator("table.charges a", has_text=m["charge_done"].receipt_no).click()
    box = open_action(page, "sign_off")
    box.locator("textarea[name=outcome]").click()
    page.keyboard.type("楼顶防水层已维修，信访人表示满意")
    shot(page, f"{ROLE}-05-sign-off")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.success")).to_contain_text("包案销号")
    expect(page.locator("#h-timeline + ol")).to_contain_text("楼顶防水层已维修")
    # A charge is signed off once: a second sign-off is refused and writes nothing.
    if page.locator("#act-sign_off").count():
        box = open_action(page, "sign_off")
        box.locator("textarea[name=outcome]").fill("再次销号")
        box.locator("button[type=submit]").click()
        expect(page.locator(".msg.error")).to_contain_text("本事项已销号")
    page.locator("header nav a", has_text="我的包案").click()
    expect(page.locator("h1")).to_contain_text("1 件未销号")
    signed = page.locator("table.charges tr", has_text=m["charge_done"].receipt_no)
    expect(signed).not_to_contain_text("未销号")
    assert Event.objects.filter(matter=m["charge_done"], action="sign_off").count() == 1
    assert Event.objects.filter(matter=m["charge_open"], action="report_progress").count() == 1

    # --- hotspots (每月一题): matters, never people ---------------------------------------
    page.locator("header nav a", has_text="热点问题").click()
    expect(page.locator("h1")).to_contain_text("热点问题")
    hot = page.locator("main table tbody tr").first
    expect(hot).to_contain_text("小区楼顶漏水三年未修")
    assert int(hot.locator("td").first.inner_text()) >= 3
    assert "李四" not in page.content() and "13900002222" not in page.content()
    shot(page, f"{ROLE}-06-hotspots")

    # --- reports: header, figures, a filter, an export -----------------------------------
    page.locator("header nav a", has_text="统计分析").click()
    expect(page.locator("main h1").first).to_be_visible()
    figures = page.locator("#figures tbody tr")
    assert figures.count() >= 3
    assert any(
        c.strip() not in ("", "—") for c in page.locator("#figures td.num").all_inner_texts()
    )
    shot(page, f"{ROLE}-07-dashboard")
    page.select_option("#f-period", "year")
    page.locator("form.report-filters button[type=submit]").click()
    page.wait_for_url("**/reports/?*period=year*")
    expect(page.locator("#figures")).to_be_visible()
    page.select_option("#export-purpose", "meeting")
    with page.expect_download() as xlsx:
        page.locator("form.exports button", has_text="Excel").first.click()
    data = Path(xlsx.value.path()).read_bytes()
    assert data[:2] == b"PK" and xlsx.value.suggested_filename.endswith(".xlsx")
    with page.expect_download() as pdf:
        page.locator("form.exports button", has_text="PDF").first.click()
    assert Path(pdf.value.path()).read_bytes()[:5] == b"%PDF-"
    exports = AccessLog.objects.filter(user=w.county_leader, what="export")
    assert exports.count() == 2 and {e.purpose for e in exports} == {"会议汇报"}

    page.locator("header nav a", has_text="三率排名").click()
    expect(page.locator("main h1").first).to_contain_text("响应率")
    # the town's one rating is shown with its sample, not ranked (too few to rank)
    expect(page.locator("main table").last).to_contain_text("青山县城关镇人民政府")
    expect(page.locator("main table").last).to_contain_text("样本不足")
    shot(page, f"{ROLE}-08-rates")

    # --- what the county leader does not reach -------------------------------------------
    for pk in (m["city"].pk, m["accusing"].pk):
        r = page.goto(f"{base}/matters/{pk}/")
        assert r is not None and r.status == 404, pk
    for path in ("/audit/access/", "/matters/new/"):
        r = page.goto(f"{base}{path}")
        assert r is not None and r.status in (403, 404), path

    # --- sign out --------------------------------------------------------------------------
    page.goto(f"{base}/")
    page.locator("header form[action='/logout/'] button").click()
    page.wait_for_url("**/login/**")
    page.context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_what_a_supervisor_and_a_township_leader_see_in_the_reports(
    browser: Any, live_server: Any
) -> None:
    """The office's supervisor reports on the whole county; the township's leader on the
    township and its villages only, and a county department is refused with a reason."""
    w = build_world()
    handled(w)
    answered(w)
    base = live_server.url

    page = new_page(browser)
    sign_in(page, base, "supervisor")
    page.goto(f"{base}/reports/")
    expect(page.locator("main h1").first).to_be_visible()
    options = page.locator("#f-unit option").all_inner_texts()
    assert any("青山县住房和城乡建设局" in o for o in options)
    assert any("青山县城关镇人民政府" in o for o in options)
    assert not any("江州市人民政府" in o for o in options)
    shot(page, f"{ROLE}-09-supervisor-reports")
    page.context.close()

    page = new_page(browser)
    sign_in(page, base, "leader")
    page.goto(f"{base}/reports/")
    options = [o.strip() for o in page.locator("#f-unit option").all_inner_texts()]
    assert any("青山县城关镇人民政府" in o for o in options)
    assert any("城关镇桃园村民委员会" in o for o in options)
    assert not any("住房和城乡建设局" in o or "东湖镇" in o for o in options), options
    page.select_option("#f-unit", label=next(o for o in options if "桃园村" in o))
    page.locator("form.report-filters button[type=submit]").click()
    page.wait_for_url(f"**/reports/?*unit={w.village.pk}*")
    expect(page.locator("#figures")).to_be_visible()
    r = page.goto(f"{base}/reports/?unit={w.housing.pk}")
    assert r is not None and r.status == 400
    expect(page.locator("[role=alert]")).to_contain_text("不在您可查看的范围内")
    assert "热点问题" in menu(page) and "我的包案" in menu(page)
    page.context.close()
