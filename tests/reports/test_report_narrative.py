"""The paragraph at the top of a report says the figures of its table, from the same
reads: every number in it is the table's, on the page and in the exports."""

from __future__ import annotations

import io
import re
from urllib.parse import urlencode

import pytest
from openpyxl import load_workbook
from pypdf import PdfReader

from ..factories import World, login
from . import report_pages
from .report_world import build

FILTERS = [
    {"period": "month", "year": "2025", "month": "11"},
    {"period": "month", "year": "2025", "month": "10"},
    {"period": "quarter", "year": "2025", "quarter": "4"},
    {"period": "year", "year": "2025"},
    {"period": "range", "from": "2025-10-09", "to": "2025-11-04"},
    {"period": "month", "year": "2025", "month": "11", "unit": "town"},
]


def _one(pattern: str, text: str) -> str:
    found = re.findall(pattern, text)
    assert len(found) == 1, (pattern, text)
    return found[0]


@pytest.mark.parametrize("params", FILTERS, ids=lambda p: "-".join(p.values()))
def test_the_paragraph_says_the_tables_numbers(world: World, params: dict[str, str]) -> None:
    build(world)
    if params.get("unit") == "town":
        params = {**params, "unit": str(world.town.pk)}
    c = login(world.supervisor)
    r = c.get("/reports/?" + urlencode(params))
    page = report_pages.read(r)
    text, table = page.narrative, page.figures
    assert text == r.context["heading"].paragraph

    received = _one(r"信访事项共?(\d+件)", text)
    assert received == table["received"][1]
    if "unit" in params:
        assert text.startswith("2025年11月，涉及青山县城关镇人民政府的信访事项共")
    else:
        assert "全县共登记信访事项" in text
    # the comparisons of the received count are the table's cells, worded
    cells = dict(zip(page.figures["received"][3::2], ("环比", "同比"), strict=False))
    if r.context["report"].previous is None:
        cells = {table["received"][3]: "同比"}
    for cell, word in cells.items():
        if cell.startswith("+"):
            assert f"{word}增长{cell[1:]}" in text
        elif cell.startswith("−"):
            assert f"{word}下降{cell[1:]}" in text
        elif cell == "持平":
            assert f"{word}持平" in text
        elif cell == "无数据":
            assert f"无数据，不作{word}" in text
        else:
            raise AssertionError(cell)
    if table["answered"][1] != "0件":
        assert _one(r"出具处理意见(\d+件)", text) == table["answered"][1]
        assert _one(r"按期办结率([\d.]+%)", text) == table["on_time"][1]
    else:
        assert "本期无出具处理意见的事项，不计算按期办结率" in text
    if table["forwarded"][1] != "0件":
        assert _one(r"转送(\d+件)", text) == table["forwarded"][1]
    open_n, late_n = re.findall(r"尚未办结(\d+件)，其中超期(\d+件)", text)[0]
    assert (open_n, late_n) == (table["open"][1], table["overdue"][1])
    # the topics it names with their counts and shares are the topic table's
    topics = dict(r.context["charts"]["tables"]["topics"])
    total = int(received.removesuffix("件"))
    named = re.findall(r"([^、，；（]+)（(\d+)件，占([\d.]+)%）", text)
    assert named, text
    for name, n, share in named:
        name = name.removeprefix("主要集中在")
        assert topics[name] == int(n)
        assert float(share) == round(int(n) * 100 / total, 1)

    kind = {"month": "monthly", "quarter": "quarterly", "year": "annual", "range": "range"}
    query = urlencode(page.hidden)
    x = c.get(f"/reports/{kind[params['period']]}.xlsx?{query}")
    assert load_workbook(io.BytesIO(x.content))["总体情况"]["A4"].value == text
    p = c.get(f"/reports/{kind[params['period']]}.pdf?{query}")
    pdf_text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(p.content)).pages)
    assert text in pdf_text.replace("\n", "")
