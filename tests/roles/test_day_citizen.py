"""群众网上信访, on a phone: a citizen with no account uses the portal (/portal/) from a
phone-sized screen by touch and keyboard.

They submit a matter to the county's letters-and-visits office (picking the organ with the
type-ahead filter), confirm it, and get a receipt number and a lookup code (查询码) shown
once (XFGZ Arts. 17, 21, 22). The office forwards it, the township answers in writing.
Later, from a fresh browser, they look it up typing the number and the code as people do
(spaces, other dashes, lower case), read and download the written reply, rate it (Art. 21),
and ask for a review (复查) with their grounds and a scanned document within the 30 days
(Art. 35). Last, they book a place on a leader's reception day (Art. 18).

What a citizen must not reach: the staff pages (they lead to the staff sign-in), and
another person's matter with their own code. On every page nothing is wider than the
screen (no sideways scrolling) and the main buttons are reached with the Tab key.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import time, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.actions.workflow import transition
from xinfang.cases.models import Kind, Matter, Status
from xinfang.org.models import Level, Unit, UnitKind
from xinfang.reception.models import Booking, ReceptionDay

from ..browser import chromium as launch
from ..factories import World, build_world, opinion, register
from .day import PHONE, new_page, shot

ROLE = "citizen"
WIDTH = PHONE["width"]
# A county has many departments; the organ picker offers a filter box once the list is long.
MORE_DEPARTMENTS = (
    "青山县教育体育局",
    "青山县卫生健康委员会",
    "青山县自然资源局",
    "青山县交通运输局",
    "青山县生态环境局",
    "青山县农业农村局",
)
SCAN = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

# Interactive elements that stick out of the screen sideways (not those inside a frame that
# scrolls on its own, nor the skip link parked off-screen until it is focused).
OUTSIDE = """() => {
  const w = document.documentElement.clientWidth, out = [];
  const scrolls = el => { for (let p = el.parentElement; p; p = p.parentElement) {
      const o = getComputedStyle(p).overflowX; if (o === 'auto' || o === 'scroll') return true; }
    return false; };
  const shown = 'a,button,input,select,textarea,summary,label,h1,h2,dd,p';
  for (const el of document.querySelectorAll(shown)) {
    const r = el.getBoundingClientRect();
    if (!r.width || !r.height || el.classList.contains('skip') || scrolls(el)) continue;
    if (getComputedStyle(el).visibility === 'hidden') continue;
    if (r.left < -1 || r.right > w + 1) out.push(`${el.tagName}#${el.id || el.name || ''} `
      + `"${(el.textContent || '').trim().slice(0, 20)}" `
      + `${Math.round(r.left)}..${Math.round(r.right)}`);
  }
  return {scroll: document.documentElement.scrollWidth, outside: out};
}"""
FOCUSED = "s => !!document.activeElement && document.activeElement.matches(s)"


@pytest.fixture
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def fits(page: Any) -> None:
    """Nothing on the page is wider than the phone's screen."""
    got = page.evaluate(OUTSIDE)
    assert got["scroll"] <= WIDTH, (page.url, got)
    assert not got["outside"], (page.url, got["outside"])


def tab_to(page: Any, selector: str, limit: int = 80) -> None:
    """Press Tab from the top of the page until ``selector`` has the focus."""
    page.evaluate("document.activeElement && document.activeElement.blur()")
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(FOCUSED, selector):
            return
    raise AssertionError(f"{selector} is not reached with Tab on {page.url}")


def morning(w: World) -> dict[str, Any]:
    """The county's organs (long enough a list to need the filter), a published reception
    day of the county head, and someone else's matter."""
    for name in MORE_DEPARTMENTS:
        Unit.objects.create(
            name=name, kind=UnitKind.DEPARTMENT, level=Level.COUNTY, parent=w.county
        )
    day = ReceptionDay.objects.create(
        leader="李明",
        title="青山县县长",
        unit=w.county,
        date=timezone.localdate() + timedelta(days=4),
        start=time(9),
        end=time(11, 30),
        place="青山县人民来访接待中心（人民路1号）",
        topics="征地拆迁、住房保障",
        capacity=20,
        published=True,
    )
    other = register(w, petitioners=[{"name": "孙八", "phone": "13500005555"}])
    return {"day": day, "other": other}


def answer(w: World, m: Matter) -> None:
    """What the office and the township do meanwhile: forward, accept, answer in writing."""
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(m, "accept", actor=w.handler)
    transition(m, "submit_opinion", actor=w.handler, data=opinion("explain"))
    transition(m, "approve_opinion", actor=w.leader)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_citizens_matter_from_a_phone(browser: Any, live_server: Any, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    w = build_world()
    ready = morning(w)
    base = live_server.url
    page = new_page(browser, phone=True)

    # --- the portal's front page --------------------------------------------------------
    page.goto(f"{base}/portal/")
    expect(page.locator("h1")).to_have_text("网上信访")
    fits(page)
    shot(page, f"{ROLE}-01-home")
    page.locator("main a.tile", has_text="我要反映").tap()
    page.wait_for_url("**/portal/submit/")

    # --- the form: the organ found by typing part of its name ---------------------------
    filter_box = page.locator("input.pick-filter[aria-controls=id_organ]")
    expect(filter_box).to_be_visible()
    filter_box.tap()
    page.keyboard.type("信访局")
    assert page.input_value("#id_organ") == str(w.office.pk)  # the one match is chosen
    page.check("input[name=category][value=claim]")
    page.select_option("#id_topic", str(w.topic.pk))
    page.select_option("#id_area", str(w.town.pk))
    page.locator("#id_title").tap()
    page.keyboard.type("桃园小区路灯损坏三个月")
    page.keyboard.press("Tab")
    page.keyboard.type("请尽快修复小区主干道路灯。")
    page.keyboard.press("Tab")
    page.keyboard.type("主干道6盏路灯自8月起不亮，夜间出行不便。")
    page.fill("#id_name", "赵六")
    page.fill("#id_phone", "137 0000 1111")
    page.fill("#id_address", "城关镇桃园路12号")
    fits(page)
    shot(page, f"{ROLE}-02-form")
    tab_to(page, "main form button[type=submit]")
    page.keyboard.press("Enter")

    # --- the confirmation step ------------------------------------------------------------
    expect(page.locator("h1")).to_have_text("请核对您要反映的内容")
    summary = page.locator("main section.card dl").first
    expect(summary).to_contain_text("青山县信访局")
    expect(summary).to_contain_text("桃园小区路灯损坏三个月")
    expect(summary).to_contain_text("青山县城关镇")
    fits(page)
    shot(page, f"{ROLE}-03-confirm")
    assert Matter.objects.filter(title="桃园小区路灯损坏三个月").count() == 0  # not yet
    tab_to(page, "form[data-once] button[type=submit]")
    page.keyboard.press("Enter")

    # --- the receipt: number and code, the code shown once -------------------------------
    expect(page.locator("h1")).to_have_text("提交成功")
    no = page.inner_text("#receipt-no").strip()
    code = page.inner_text("#secret").strip()
    assert len(code.replace("-", "")) == 12
    expect(page.locator(".receipt")).to_contain_text("查询码只显示这一次")
    fits(page)
    shot(page, f"{ROLE}-04-receipt")
    m = Matter.objects.get(receipt_no=no)
    assert m.status == Status.REGISTERED and m.registered_unit == w.office
    page.reload()
    page.wait_for_url("**/portal/track/")
    expect(page.locator("main")).to_contain_text("查询码只显示一次")
    assert code not in page.content()

    answer(w, m)

    # --- later, another browser: the lookup, typed as people type ------------------------
    page.context.close()
    page = new_page(browser, phone=True)
    page.goto(f"{base}/portal/")
    page.locator("header nav a", has_text="查询进度").tap()
    page.wait_for_url("**/portal/track/")
    fits(page)
    typed_no = " " + no.replace("-", " － ") + " "  # spaces and a full-width dash
    typed_code = code.replace("-", " ").lower()  # spaces for dashes, lower case
    page.locator("#receipt_no").tap()
    page.keyboard.type(typed_no)
    page.keyboard.press("Tab")
    page.keyboard.type(typed_code)
    shot(page, f"{ROLE}-05-track")
    page.keyboard.press("Enter")
    page.wait_for_url(f"**/portal/m/{no}/")
    expect(page.locator("p.status")).to_have_text("已出具书面答复")
    fits(page)
    shot(page, f"{ROLE}-06-matter")

    # --- the written reply: listed, downloaded as a real PDF -----------------------------
    docs = page.locator("ul.docs li")
    expect(docs.filter(has_text="处理意见书")).to_have_count(1)
    with page.expect_download() as got:
        docs.filter(has_text="处理意见书").locator("a", has_text="PDF").tap()
    assert Path(got.value.path()).read_bytes()[:5] == b"%PDF-"
    timeline = page.locator("ol.tl")
    expect(timeline).to_contain_text("转送")
    expect(timeline).not_to_contain_text("提交处理意见")  # internal steps stay internal
    expect(page.locator("main")).not_to_contain_text("handler")

    # --- rating (Art. 21) ----------------------------------------------------------------
    page.locator("label.choice", has_text="基本满意").tap()
    page.locator("#comment").tap()
    page.keyboard.type("答复清楚，希望尽快施工")
    shot(page, f"{ROLE}-07-rate")
    tab_to(page, "form[action$='/rate/'] button[type=submit]")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.success")).to_contain_text("感谢您的评价")
    expect(page.locator("main")).to_contain_text("您的评价")
    m.refresh_from_db()
    assert m.rating == "basic"

    # --- 复查 within the window (Art. 35): grounds and a scanned document ----------------
    window = page.locator("section.card", has=page.locator("form.followup"))
    expect(window).to_contain_text("申请复查")
    page.locator("#request_review-grounds").tap()
    page.keyboard.type("答复说已安排维修，但至今路灯仍不亮，请求上一级机关复查")
    page.set_input_files(
        "#request_review-files",
        files=[{"name": "现场照片说明.pdf", "mimeType": "application/pdf", "buffer": SCAN}],
    )
    fits(page)
    shot(page, f"{ROLE}-08-review")
    tab_to(page, "form.followup button")
    page.keyboard.press("Enter")
    expect(page.locator(".msg.success")).to_contain_text("已提交复查申请")
    review = m.followups.get()
    assert review.kind == Kind.REVIEW
    assert [a.name for a in review.attachments.all()] == ["现场照片说明.pdf"]
    page.wait_for_url(f"**/portal/m/{review.receipt_no}/")
    expect(page.locator("main")).to_contain_text(no)  # the original, linked
    fits(page)
    shot(page, f"{ROLE}-09-review-filed")

    # --- not someone else's matter, not with this code ------------------------------------
    other = ready["other"]
    r = page.goto(f"{base}/portal/m/{other.receipt_no}/")
    assert r is not None and r.status == 404
    expect(page.locator("body")).not_to_contain_text("孙八")
    page.goto(f"{base}/portal/track/")
    page.fill("#receipt_no", other.receipt_no)
    page.fill("#secret", code)
    page.locator("main form button[type=submit]").tap()
    expect(page.locator("[role=alert]")).to_contain_text("受理编号或查询码不正确")
    assert "孙八" not in page.content()

    # --- a leader's reception day (Art. 18) -----------------------------------------------
    day = ready["day"]
    page.locator("header nav a", has_text="接访日").tap()
    page.wait_for_url("**/portal/reception/")
    expect(page.locator("main")).to_contain_text("李明")
    fits(page)
    page.locator("summary", has_text="预约").tap()
    page.locator(f"#n{day.pk}").tap()
    page.keyboard.type("赵六")
    page.keyboard.press("Tab")
    page.keyboard.type("13700001111")
    page.keyboard.press("Tab")
    page.keyboard.type("小区路灯长期不亮，想当面反映")
    fits(page)
    shot(page, f"{ROLE}-10-reception")
    tab_to(page, f"form[action$='/reception/{day.pk}/book/'] button")
    page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("预约成功")
    expect(page.locator("dd.big")).not_to_be_empty()
    fits(page)
    shot(page, f"{ROLE}-11-booked")
    assert Booking.objects.filter(reception=day).count() == 1

    # --- the staff pages are not for citizens: they lead to the staff sign-in -------------
    for path in ("/", f"/matters/{m.pk}/", "/reports/", "/audit/access/"):
        page.goto(f"{base}{path}")
        assert "/login/" in page.url, (path, page.url)
        expect(page.locator("#id_username")).to_be_visible()
    page.context.close()
