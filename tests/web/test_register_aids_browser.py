"""In Chromium: the registration form's deadline preview follows the received time as it is
typed, and the place picker narrows to what is typed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.cases.models import Matter
from xinfang.org.models import Level, Unit, UnitKind

from ..browser import chromium as launch
from ..factories import build_world
from .test_browser import log_in, shot


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_deadline_preview_and_place_filter(chromium: Any, live_server: Any) -> None:
    w = build_world()
    for name in ("李家", "王庄", "河口", "石桥", "柳林", "新丰"):  # a township's villages
        Unit.objects.create(
            name=f"城关镇{name}村民委员会",
            kind=UnitKind.COMMITTEE,
            level=Level.VILLAGE,
            parent=w.town,
        )
    base = live_server.url
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, base, "registrar")
    page.goto(f"{base}/matters/new/")
    box = page.locator("#deadline-preview [data-body]")
    assert "转送交办期限" in box.inner_text()

    old = (timezone.localtime() - timedelta(days=45)).strftime("%Y-%m-%d %H:%M")
    page.fill("#received_at", old)
    page.locator("#received_at").dispatch_event("change")
    expect(box).to_contain_text("补录原因")
    page.fill("#backdate_reason", "来信积压，今日补录")
    page.locator("#backdate_reason").dispatch_event("change")
    expect(box).to_contain_text("超期")
    shot(page, "register-deadline-preview")

    # the place picker: typing narrows it, one match is chosen
    area_filter = page.locator("input.pick-filter[aria-controls=area]")
    assert area_filter.count() == 1
    area_filter.fill("桃园")
    visible = page.evaluate(
        "Array.from(document.querySelectorAll('#area option')).filter(o => o.value && !o.hidden)"
        ".map(o => o.textContent)"
    )
    assert visible == ["城关镇桃园村民委员会"]
    assert page.input_value("#area") == str(w.village.pk)
    area_filter.fill("")
    area_filter.press_sequentially("东湖")
    area_filter.press("Enter")  # takes the first match, does not submit the form
    assert page.input_value("#area") == str(w.town2.pk)
    assert page.url.endswith("/matters/new/") and not Matter.objects.exists()
