"""The similar-matters panel in real headless Chromium: the registrar types into the
registration form and the panel fills with the earlier matter, its score and reasons.
Screenshot: test-artifacts/screenshots/search-similar-panel.png (git-ignored)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import PASSWORD, build_world, register


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_panel_fills_while_typing(chromium: Any, live_server: Any) -> None:
    w = build_world()
    earlier = register(
        w,
        title="宏达建筑公司拖欠工资",
        content="本人在城关镇安置房工地务工，宏达建筑公司拖欠我们12名工人工资共计30万元。",
        facts="多次讨要至今未付。",
        petitioners=[{"name": "王五", "phone": "13900002222"}],
    )
    unrelated = register(w, title="小区楼顶漏水", petitioners=[{"name": "赵六", "phone": ""}])
    base = live_server.url
    page = chromium.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
    page.goto(f"{base}/login/")
    page.fill("#id_username", "registrar")
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")
    page.goto(f"{base}/matters/new/")
    assert page.inner_text("#similar-rows").strip() == ""
    page.click("#title")
    page.keyboard.type("宏达建筑公司欠薪")
    page.click("#content")
    page.keyboard.type("我们12个人在城关镇安置房工地给宏达建筑公司干活，被拖欠工资30万元。")
    row = page.wait_for_selector(f'#similar-rows li[data-matter-id="{earlier.pk}"]')
    assert row is not None
    text = page.inner_text("#similar-rows")
    assert earlier.receipt_no in text and "相似度" in text
    assert "具体信息一致" in text  # the company, the amount and the site agree
    assert unrelated.receipt_no not in text
    assert float(row.get_attribute("data-score") or 0) >= 0.65
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "search-similar-panel.png"), full_page=True)
