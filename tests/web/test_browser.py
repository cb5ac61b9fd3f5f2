"""The staff flow in real headless Chromium (Debian's package), with screenshots."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from xinfang.cases.models import Matter, Status

from ..factories import PASSWORD, build_world

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
SHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def browser():
    assert shutil.which(CHROMIUM) or os.path.exists(CHROMIUM), (
        "Debian chromium is required for browser tests: apt-get install chromium"
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


def login(page, base: str, username: str) -> None:
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_register_forward_accept_in_chromium(browser, live_server) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    w = build_world()
    base = live_server.url
    page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page.goto(f"{base}/login/")
    page.screenshot(path=str(SHOTS / "staff-login.png"))
    login(page, base, "registrar")

    page.goto(f"{base}/matters/new/")
    # Keyboard only: the channel select has focus; type through the form.
    assert page.evaluate("document.activeElement.id") == "channel"
    page.select_option("#channel", "visit")
    page.fill("#title", "城关镇桃园小区楼顶漏水")
    page.fill("#content", "请求督促开发商维修楼顶防水层。")
    page.fill("input[name=p0_name]", "张三")
    page.fill("input[name=p0_phone]", "13800001234")
    page.fill("input[name=p0_address]", "城关镇桃园路8号")
    page.screenshot(path=str(SHOTS / "staff-register.png"), full_page=True)
    page.focus("input[name=p0_address]")
    page.keyboard.press("Enter")  # Enter in any field submits the form
    page.wait_for_selector(".msg")
    assert "查询码" in page.inner_text(".msg"), page.inner_text(".msg")
    m = Matter.objects.get(title="城关镇桃园小区楼顶漏水")

    page.eval_on_selector("form[action$='/act/forward/']", "f => f.closest('details').open = true")
    page.select_option("#forward-unit", str(w.town.pk))
    page.click("form[action$='/act/forward/'] button")
    page.wait_for_selector(".msg.success")
    page.screenshot(path=str(SHOTS / "staff-matter-forwarded.png"), full_page=True)
    m.refresh_from_db()
    assert m.status == Status.DISPATCHED

    page.context.clear_cookies()
    login(page, base, "handler")
    page.screenshot(path=str(SHOTS / "staff-queue.png"), full_page=True)
    page.click(f"text={m.receipt_no}")
    page.eval_on_selector("form[action$='/act/accept/']", "f => f.closest('details').open = true")
    page.click("form[action$='/act/accept/'] button")
    page.wait_for_selector(".msg.success")
    page.screenshot(path=str(SHOTS / "staff-matter-accepted.png"), full_page=True)
    m.refresh_from_db()
    assert m.status == Status.HANDLING and m.current_due is not None
