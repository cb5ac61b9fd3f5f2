"""Chromium: the registration page's routing panel, "use this", and the recorded choice."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from xinfang.cases.models import Event, Matter, Status
from xinfang.routing.models import RoutingRule
from xinfang.routing.services import save_rule

from ..browser import SHOTS, chromium
from ..factories import PASSWORD, build_world


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_panel_suggests_and_use_this_forwards_after_confirmation(live_server: Any) -> None:
    w = build_world()
    rule = RoutingRule(
        topic=w.topic,
        area=w.county,
        lead=w.housing,
        effective_from=date(2026, 1, 1),
        basis="《物业管理条例》第五条",
    )
    save_rule(rule=rule, assisting=[w.town], by=None)
    base = live_server.url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        errors: list[str] = []
        # Script errors and CSP refusals (a missing favicon is not ours to judge).
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if "Refused" in m.text else None)
        page.goto(f"{base}/login/")
        page.fill("#id_username", "registrar")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/matters/new/")
        assert "选择问题类别和问题属地后显示派单建议" in page.inner_text("#routing-suggest")
        page.select_option("#topic", str(w.topic.pk))
        page.select_option("#area", str(w.village.pk))
        page.wait_for_selector("#routing-suggest ol.suggestions")
        panel = page.inner_text("#routing-suggest")
        assert w.housing.name in panel and "《物业管理条例》第五条" in panel
        assert "（含下级）" in panel
        page.fill("#title", "桃园小区楼顶漏水")
        page.fill("#content", "请求维修楼顶防水层。")
        page.fill("input[name=p0_name]", "张三")
        page.fill("input[name=p0_address]", "城关镇桃园路8号")
        page.screenshot(path=str(SHOTS / "routing-register.png"), full_page=True)
        page.click(f"#routing-suggest button[value='route:{w.housing.pk}']")
        page.wait_for_selector(".msg.success")
        m = Matter.objects.get(title="桃园小区楼顶漏水")
        assert m.status == Status.REGISTERED  # nothing applied yet
        assert page.input_value("#forward-unit") == str(w.housing.pk)
        page.click("form[action$='/act/forward/'] button[type=submit]")
        page.wait_for_selector(".msg.success")
        assert errors == []
    m.refresh_from_db()
    assert m.status == Status.DISPATCHED and m.lead_unit == w.housing
    ev = Event.objects.get(matter=m, action="forward")
    assert ev.data["routing"]["followed"] is True and ev.data["routing"]["rule"] == rule.pk
    assert ev.data["assisting"] == [w.town.pk]
