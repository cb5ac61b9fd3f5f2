"""The citizen's whole path in real headless Chromium on a phone-sized screen."""

from __future__ import annotations

import re

import pytest

from xinfang.cases.models import Matter
from xinfang.cases.workflow import transition

from ..browser import SHOTS, chromium
from ..factories import build_world, opinion


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_submit_track_rate_review(live_server) -> None:
    w = build_world()
    base = f"{live_server.url}/portal"
    with chromium() as b:
        page = b.new_page(
            viewport={"width": 390, "height": 844}, locale="zh-CN", device_scale_factor=2
        )
        page.goto(f"{base}/")
        page.screenshot(path=str(SHOTS / "portal-home.png"), full_page=True)
        page.goto(f"{base}/submit/")
        page.select_option("#organ", str(w.office.pk))
        page.fill("#title", "桃园小区路灯损坏三个月")
        page.fill("#content", "请尽快修复小区主干道路灯。")
        page.fill("#name", "赵六")
        page.fill("#phone", "13700001111")
        page.screenshot(path=str(SHOTS / "portal-submit.png"), full_page=True)
        page.click("text=下一步：核对内容")
        page.wait_for_selector("text=请核对您要反映的内容")
        page.screenshot(path=str(SHOTS / "portal-confirm.png"), full_page=True)
        page.click("text=确认提交")
        page.wait_for_selector("text=提交成功")
        page.screenshot(path=str(SHOTS / "portal-receipt.png"), full_page=True)
        no, secret = re.findall(r'class="big">([^<]+)<', page.content())[:2]

        m = Matter.objects.get(receipt_no=no)
        transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
        transition(m, "accept", actor=w.handler)
        transition(m, "submit_opinion", actor=w.handler, data=opinion("explain"))
        transition(m, "approve_opinion", actor=w.leader)

        page.context.clear_cookies()
        page.goto(f"{base}/track/")
        page.fill("#receipt_no", no)
        page.fill("#secret", secret)
        page.click("button[type=submit]")
        page.wait_for_selector("text=已出具书面答复")
        assert page.locator("a", has_text="PDF").count() >= 2  # receipt and opinion notices
        page.screenshot(path=str(SHOTS / "portal-matter.png"), full_page=True)
        page.check("input[value=basic]")
        page.click("text=提交评价")
        page.wait_for_selector("text=感谢您的评价")
        page.click("button:has-text('申请复查')")
        page.wait_for_selector("text=已提交复查申请")
        page.screenshot(path=str(SHOTS / "portal-review-requested.png"), full_page=True)
    m.refresh_from_db()
    assert m.rating == "basic" and m.followups.count() == 1
