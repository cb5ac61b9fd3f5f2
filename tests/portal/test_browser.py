"""The citizen's whole path in real headless Chromium on a phone-sized screen.

Fails (never skips) without /usr/bin/chromium: see tests/browser.py.
"""

from __future__ import annotations

import os
from datetime import time, timedelta

import pytest
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter
from xinfang.reception.models import Booking, ReceptionDay

from ..browser import SHOTS, chromium
from ..factories import build_world, opinion

os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API in the test thread


def shot(page, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"portal-{name}.png"), full_page=True)


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
        shot(page, "home")
        page.click("text=我要反映")
        page.select_option("#id_organ", str(w.office.pk))
        page.check("input[name=category][value=suggestion]")
        page.select_option("#id_topic", str(w.topic.pk))
        page.select_option("#id_area", str(w.town.pk))
        page.fill("#id_title", "桃园小区路灯损坏三个月")
        page.fill("#id_content", "请尽快修复小区主干道路灯。")
        page.fill("#id_facts", "主干道6盏路灯自8月起不亮，夜间出行不便。")
        page.fill("#id_name", "赵六")
        page.fill("#id_phone", "13700001111")
        shot(page, "submit")
        page.fill("#id_phone", "13700")  # too short: the form says so and keeps the text
        page.click("text=下一步：核对内容")
        page.wait_for_selector("text=请填写正确的手机或固定电话号码")
        assert page.input_value("#id_title") == "桃园小区路灯损坏三个月"
        shot(page, "submit-error")
        page.fill("#id_phone", "13700001111")
        page.click("text=下一步：核对内容")
        page.wait_for_selector("text=请核对您要反映的内容")
        shot(page, "confirm")
        page.click("text=确认提交")
        page.wait_for_selector("text=提交成功")
        assert page.is_visible("text=打印回执")  # portal.js runs (CSP allows own scripts)
        shot(page, "receipt")
        page.emulate_media(media="print")
        shot(page, "receipt-print")
        page.emulate_media(media="screen")
        no = page.inner_text("#receipt-no").strip()
        secret = page.inner_text("#secret").strip()

        m = Matter.objects.get(receipt_no=no)
        transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
        transition(m, "accept", actor=w.handler)
        transition(m, "add_note", actor=w.handler, reason="内部：已电话联系")
        transition(m, "submit_opinion", actor=w.handler, data=opinion("explain"))
        transition(m, "approve_opinion", actor=w.leader)

        page.context.clear_cookies()
        page.goto(f"{base}/track/")
        page.fill("#receipt_no", no)
        page.fill("#secret", "WRNG-WRNG-WRNG")
        page.click("main button[type=submit]")
        page.wait_for_selector("text=受理编号或查询码不正确")
        shot(page, "track-wrong")
        page.fill("#secret", secret.lower())
        page.click("main button[type=submit]")
        page.wait_for_selector("text=已出具书面答复")
        assert page.locator("a", has_text="PDF").count() >= 2  # receipt and opinion notices
        assert "已电话联系" not in page.content()
        shot(page, "matter")
        with page.expect_download() as dl:
            page.locator("a", has_text="PDF").last.click()
        assert dl.value.suggested_filename.endswith(".pdf")
        page.check("input[value=basic]")
        page.fill("#comment", "答复清楚，但希望尽快施工")
        page.click("text=提交评价")
        page.wait_for_selector("text=感谢您的评价")
        page.fill("textarea[name=grounds]", "答复说已维修，但楼顶仍在渗水，请求重新核查")
        page.click("button:has-text('申请复查')")
        page.wait_for_selector("text=已提交复查申请")
        shot(page, "review-requested")
        page.click(f"a:has-text('{no}')")
        page.wait_for_selector("text=您已于")
        shot(page, "original-after-review")

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
        page.goto(f"{base}/reception/")
        shot(page, "reception")
        page.click("summary:has-text('预约')")
        page.fill(f"#n{day.pk}", "钱七")
        page.fill(f"#p{day.pk}", "13600000000")
        page.fill(f"#s{day.pk}", "征地补偿标准问题")
        page.click("text=确认预约")
        page.wait_for_selector("text=预约成功")
        shot(page, "booked")
        page.goto(f"{base}/privacy/")
        shot(page, "privacy")
        page.click("footer button[value=en]")
        page.wait_for_selector("text=What we keep")
        shot(page, "privacy-en")
    m.refresh_from_db()
    assert m.rating == "basic" and m.followups.count() == 1
    assert Booking.objects.filter(reception=day).count() == 1
