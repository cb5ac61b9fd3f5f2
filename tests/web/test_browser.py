"""The staff flow in real headless Chromium (Debian's package), with screenshots.

Registrar logs in, registers a matter using the keyboard only, forwards it to 城关镇; the
handler logs in, finds it in the queue and accepts it. Screenshots go to
``test-artifacts/screenshots/`` (git-ignored).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Category, Matter, Status

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import PASSWORD, build_world, handled


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def log_in(page: Any, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    assert page.evaluate("document.activeElement.id") == "id_username"
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_forward_accept_in_chromium(chromium: Any, live_server: Any, settings) -> None:
    settings.MEDIA_ROOT = SHOTS.parent / "media"
    SHOTS.mkdir(parents=True, exist_ok=True)
    w = build_world()
    base = live_server.url
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    page.goto(f"{base}/login/")
    shot(page, "staff-login")
    log_in(page, base, "registrar")

    # --- registration, keyboard only ---------------------------------------------------
    page.keyboard.press("Alt+n")  # accesskey of 登记 in the header
    page.wait_for_url(f"{base}/matters/new/")
    assert page.evaluate("document.activeElement.id") == "channel"
    page.keyboard.press("End")  # last channel: 来访
    assert page.input_value("#channel") == "visit"
    page.keyboard.press("Alt+t")  # accesskey: 事项摘要
    assert page.evaluate("document.activeElement.id") == "title"
    page.keyboard.type("城关镇桃园小区楼顶漏水")
    page.keyboard.press("Tab")
    page.keyboard.type("请求督促开发商维修楼顶防水层。")
    page.keyboard.press("Tab")
    page.keyboard.type("2023年起每逢下雨顶楼渗水，多次向物业反映无果。")
    page.keyboard.press("Alt+p")  # accesskey: first petitioner
    assert page.evaluate("document.activeElement.name") == "p0_name"
    page.keyboard.type("张三")
    page.keyboard.press("Tab")
    page.keyboard.type("13800001234")
    page.keyboard.press("Tab")
    page.keyboard.type("城关镇桃园路8号")
    shot(page, "staff-register")
    page.keyboard.press("Enter")  # Enter in a one-line field submits the form
    page.wait_for_selector(".msg.success")
    message = page.inner_text(".msg.success")
    assert "查询码" in message and "只显示这一次" in message, message
    m = Matter.objects.get(title="城关镇桃园小区楼顶漏水")
    assert m.channel == "visit" and m.petitioners.get().phone == "13800001234"
    assert m.facts.startswith("2023年起")

    # --- forward to 城关镇 --------------------------------------------------------------
    assert page.locator("details.action[open] summary").first.inner_text().startswith("转送")
    page.select_option("#forward-unit", str(w.town.pk))
    page.click("form[action$='/act/forward/'] button[type=submit]")
    page.wait_for_selector(".msg.success")
    m.refresh_from_db()
    assert m.status == Status.DISPATCHED and m.lead_unit == w.town

    # --- the handler accepts -------------------------------------------------------------
    # A few more matters so that the queue shows its colours: overdue, due soon, paused.
    now = timezone.now()
    handled(w, at=now - timedelta(days=75), title="东街路灯不亮")
    handled(w, at=now - timedelta(days=58), title="农民工工资被拖欠", category=Category.CLAIM)
    paused = handled(w, at=now - timedelta(days=20), title="小区绿地被占用")
    transition(
        paused, "pause", actor=w.handler, reason="等待材料", data={"reason_kind": "material"}
    )
    page.context.clear_cookies()
    log_in(page, base, "handler")
    assert page.locator(f"text={m.receipt_no}").count() == 1
    shot(page, "staff-queue")
    page.click(f"text={m.receipt_no}")
    page.wait_for_url(f"{base}/matters/{m.pk}/")
    page.click("form[action$='/act/accept/'] button[type=submit]")
    page.wait_for_selector(".msg.success")
    m.refresh_from_db()
    assert m.status == Status.HANDLING and m.current_due is not None
    assert "办理期限" in page.inner_text(".deadlines")
    shot(page, "staff-matter")

    # English, and a phone-sized queue.
    page.click("header .lang button")
    page.wait_for_selector("text=Handling deadline")
    shot(page, "staff-matter-en")
    page.click("header .lang button")
    page.wait_for_selector("text=办理期限")
    phone = chromium.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    log_in(phone, base, "handler")
    shot(phone, "staff-queue-mobile")
