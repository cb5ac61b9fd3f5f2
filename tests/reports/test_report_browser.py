"""Chromium: the report page's charts are labelled (axis titles, units, every category shown,
values on the bars, a text alternative) and its printout carries who compiled it, when,
and page numbers."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from ..browser import SHOTS, chromium
from ..factories import PASSWORD, build_world
from .report_world import build

CHARTS = ("c-month", "c-cat", "c-topic", "c-overdue")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_charts_are_labelled_and_the_printout_is_numbered(live_server: Any) -> None:
    w = build_world()
    build(w)
    base = live_server.url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        errors: list[str] = []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("console", lambda m: errors.append(m.text) if "Refused" in m.text else None)
        page.goto(f"{base}/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/reports/?period=quarter&year=2025&quarter=4")
        page.wait_for_selector("body[data-charts-ready='1']")
        charts = page.evaluate(
            """ids => ids.map(id => {
                const c = document.getElementById(id);
                const chart = Chart.getChart(c);
                const o = chart.options, cat = o.indexAxis === 'y' ? 'y' : 'x';
                const val = cat === 'y' ? 'x' : 'y';
                return {
                  id, aria: c.getAttribute('aria-label'), drawn: c.width > 0,
                  catTitle: o.scales[cat].title.text, valTitle: o.scales[val].title.text,
                  autoSkip: o.scales[cat].ticks.autoSkip,
                  values: chart.config.plugins.some(p => p.id === 'xfValues'),
                  labels: chart.data.labels.length,
                  shown: chart.scales[cat].ticks.length,
                  table: !!c.closest('figure').querySelector('details table'),
                };
            })""",
            list(CHARTS),
        )
        for ch in charts:
            assert ch["drawn"] and ch["values"] and ch["table"], ch
            assert ch["catTitle"] and "件" in ch["valTitle"], ch
            assert ch["autoSkip"] is False and ch["shown"] == ch["labels"], ch
            assert "：" in ch["aria"] and ("件" in ch["aria"] or "暂无" in ch["aria"]), ch
        # a long unit name is wrapped onto lines, not cut or skipped
        overdue = page.evaluate("Chart.getChart(document.getElementById('c-overdue')).data.labels")
        assert ["青山县城关镇人民", "政府"] in overdue or any(isinstance(x, list) for x in overdue)
        # only the fields of the chosen kind of period are shown
        assert page.is_visible("#f-quarter") and not page.is_visible("#f-month")
        page.select_option("#f-period", "range")
        assert page.is_visible("#f-from") and not page.is_visible("#f-quarter")
        page.screenshot(path=str(SHOTS / "reports-quarter.png"), full_page=True)

        page.emulate_media(media="print")
        pdf = page.pdf(format="A4", print_background=True)
        reader = PdfReader(io.BytesIO(pdf))
        first = reader.pages[0].extract_text()
        assert "编制单位：青山县信访局" in first and "编制日期：" in first
        n = len(reader.pages)
        for i, p in enumerate(reader.pages, 1):
            # text extraction spaces the counter's digits apart
            assert f"第 {i} 页，共 {n} 页" in re.sub(r"\s+", " ", p.extract_text()), i
        assert "我的待办" not in first  # the staff menu is for the screen
        assert "2025年第四季度信访工作统计季报" in first

        page.emulate_media(media="screen")
        page.goto(f"{base}/reports/rates/?period=year&year=2025")
        assert page.is_visible("header.top")
        assert not errors, errors
