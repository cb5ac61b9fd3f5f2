"""The report pages' period and unit filters, the comparisons beside the main figures, and
exports that match the page (usability test: monthly and quarterly reports of a county
office). The world: ``report_world.build``, matters in known months of 2024 and 2025."""

from __future__ import annotations

import io
from datetime import timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Channel

from ..factories import World, login, register
from . import report_pages
from .report_world import UNASSIGNED, at, build, forwarded

NOV = {"period": "month", "year": "2025", "month": "11"}


def _get(c: Any, **params: str) -> Any:
    return c.get("/reports/?" + urlencode(params))


def _figures(r: Any) -> dict[str, Any]:
    return {row.key: row for row in r.context["figures"]}


def _value(page: Any, key: str) -> str:
    return page.figures[key][1]


@pytest.mark.parametrize(
    "params,received,forwarded_n",
    [
        (NOV, 5, 4),
        ({"period": "month", "year": "2025", "month": "10"}, 2, 2),
        ({"period": "quarter", "year": "2025", "quarter": "4"}, 7, 6),
        ({"period": "year", "year": "2025"}, 7, 6),
        ({"period": "year", "year": "2024"}, 5, 5),
        # 9 October, 3 and 4 November; not 8 October nor 5 November
        ({"period": "range", "from": "2025-10-09", "to": "2025-11-04"}, 3, 3),
        ({"period": "month", "year": "2025", "month": "9"}, 0, 0),
    ],
)
def test_the_period_filter_changes_the_numbers(
    world: World, params: dict[str, str], received: int, forwarded_n: int
) -> None:
    build(world)
    r = _get(login(world.supervisor), **params)
    assert r.status_code == 200
    page = report_pages.read(r)
    assert _value(page, "received") == f"{received}件"
    assert _value(page, "forwarded") == f"{forwarded_n}件"
    assert r.context["sel"].params == params


def test_the_unit_filter_counts_the_unit_and_the_units_below_it(world: World) -> None:
    build(world)
    c = login(world.supervisor)

    def received(unit: Any) -> int:
        figures = _figures(_get(c, **NOV, unit=str(unit.pk)))
        return int(figures["received"].number)

    # registered at the office; led by the town, the second town, or nobody yet
    assert received(world.town) == 3
    assert received(world.town2) == 1
    assert received(world.office) == 5
    assert received(world.county) == 5  # the county and every unit below it
    assert received(world.village) == 0
    r = _get(c, **NOV, unit=str(world.town2.pk))
    f = _figures(r)
    assert (f["collective"].number, f["forwarded"].number) == (1, 1)
    assert [name for name, _n in r.context["organs"]] == [world.town2.name]
    assert (
        "涉及青山县东湖镇人民政府的信访事项共1件（其中集体访1件）" in r.context["heading"].paragraph
    )
    # the comparisons are the unit's too
    town = _figures(_get(c, **NOV, unit=str(world.town.pk)))["received"]
    assert town.previous.value == "2" and town.previous.change.short_text == "+50.0%"
    assert town.last_year.value == "5" and town.last_year.change.short_text == "−40.0%"


def test_a_unit_outside_the_readers_scope_or_a_bad_one_is_refused_plainly(world: World) -> None:
    build(world)
    c = login(world.other_leader)  # leads the second town: does not see the first
    for unit in (str(world.town.pk), "abc", "99999999", "-1"):
        r = _get(c, **NOV, unit=unit)
        assert r.status_code == 400, unit
        html = r.content.decode()
        assert "所选单位不在您可查看的范围内" in html and 'name="period"' in html
        assert "信访事项共" not in html  # no figures for what was refused
    r = c.get("/reports/monthly.xlsx?" + urlencode({**NOV, "unit": world.town.pk}))
    assert r.status_code == 400 and "所选单位不在您可查看的范围内" in r.content.decode()
    options = [pk for pk, _name in _get(c, **NOV).context["unit_options"]]
    assert world.town2.pk in options and world.town.pk not in options
    r = _get(c, **NOV, unit=str(world.town2.pk))
    assert r.status_code == 200 and _figures(r)["received"].number == 1


@pytest.mark.parametrize(
    "params,message",
    [
        ({"period": "month", "year": "2025", "month": "13"}, "月份应为1至12的数字"),
        ({"period": "month", "year": "2025", "month": "١"}, "月份应为1至12的数字"),
        ({"period": "quarter", "year": "2025", "quarter": "5"}, "季度应为1至4的数字"),
        ({"period": "year", "year": "1999"}, "年度应为2000至2100之间的数字"),
        ({"period": "week"}, "统计期间应为月度、季度、年度或自定义起止日期"),
        ({"period": "range", "from": "2025-01-01"}, "请填写开始日期和结束日期"),
        ({"period": "range", "from": "2025-02-30", "to": "2025-03-01"}, "年-月-日"),
        ({"period": "range", "from": "2025-03-01", "to": "2025-02-01"}, "结束日期不能早于开始日期"),
        ({"period": "range", "from": "2020-01-01", "to": "2025-01-01"}, "不能超过三年"),
    ],
)
def test_a_bad_period_is_refused_with_the_reason(
    world: World, params: dict[str, str], message: str
) -> None:
    c = login(world.supervisor)
    r = _get(c, **params)
    assert r.status_code == 400
    assert message in r.content.decode()
    kind = {"month": "monthly", "quarter": "quarterly", "year": "annual"}.get(
        params["period"], "range"
    )
    r = c.get(f"/reports/{kind}.xlsx?" + urlencode(params))
    if params["period"] != "week":  # the address names the kind: period= is not read
        assert r.status_code == 400 and message in r.content.decode()


def test_a_period_not_yet_begun_is_refused(world: World) -> None:
    c = login(world.supervisor)
    next_year = str(timezone.localdate().year + 1)
    r = _get(c, period="year", year=next_year)
    assert r.status_code == 400 and "所选统计期间尚未开始" in r.content.decode()
    r = login(world.supervisor).get(f"/reports/annual.pdf?year={next_year}")
    assert r.status_code == 400


def test_month_on_month_and_year_on_year_beside_the_main_figures(world: World) -> None:
    build(world)
    r = _get(login(world.supervisor), **NOV)
    f = _figures(r)
    received, forwarded_row = f["received"], f["forwarded"]
    # November 2025: 5 received against 2 in October (+150%) and 5 a year earlier (flat)
    assert received.previous.change.state == "up"
    assert received.previous.change.amount == Decimal("150.0")
    assert received.last_year.change.state == "flat"
    # forwarded: 4 against 2 and 5
    assert forwarded_row.previous.change.amount == Decimal("100.0")
    assert forwarded_row.last_year.change.short_text == "−20.0%"
    # open and overdue are today's figures: not compared
    assert f["open"].previous is None and f["open"].note == "当前数"
    page = report_pages.read(r)
    assert page.figures["received"][1:6] == ["5件", "2件", "+150.0%", "5件", "持平"]
    assert page.figures["forwarded"][1:6] == ["4件", "2件", "+100.0%", "5件", "−20.0%"]
    assert "环比增长150.0%，同比持平" in page.narrative


def test_a_comparison_period_without_data_is_said_to_have_none(world: World) -> None:
    build(world)
    c = login(world.supervisor)
    # October 2025: nothing in September 2025, nothing in October 2024
    r = _get(c, period="month", year="2025", month="10")
    page = report_pages.read(r)
    assert page.figures["received"][1:6] == ["2件", "0件", "无数据", "0件", "无数据"]
    assert "上月无数据，不作环比" in page.narrative
    assert "上年同期无数据，不作同比" in page.narrative
    assert "环比增长" not in page.narrative and "环比下降" not in page.narrative
    # the same for a quarter (the third of 2025 is empty); a year has no 环比 at all
    page = report_pages.read(_get(c, period="quarter", year="2025", quarter="4"))
    assert page.figures["received"][1:6] == ["7件", "0件", "无数据", "5件", "+40.0%"]
    assert "上季度无数据，不作环比" in page.narrative and "同比增长40.0%" in page.narrative
    r = _get(c, period="year", year="2025")
    assert r.context["report"].previous is None
    page = report_pages.read(r)
    assert page.figures["received"][1:4] == ["7件", "5件", "+40.0%"]
    assert "环比" not in page.narrative and "同比增长40.0%" in page.narrative
    # a count that was nought in a period with data: no rate of change is made up
    page = report_pages.read(_get(c, **NOV))
    assert page.figures["collective"][1:4] == ["1件", "0件", "基数为0"]


def test_the_matters_no_unit_handles_yet_are_named(world: World) -> None:
    build(world)
    c = login(world.supervisor)
    r = _get(c, **NOV)
    page = report_pages.read(r)
    assert [UNASSIGNED, "1"] in page.organs
    assert all(name.strip() and name != "None" for name, _n in page.organs)
    assert UNASSIGNED in dict(r.context["data"]["overdue"])  # registered, never forwarded
    wb = load_workbook(io.BytesIO(c.get("/reports/monthly.xlsx?" + urlencode(NOV)).content))
    for sheet in ("被反映较多的机关", "超期"):
        names = [row[0] for row in wb[sheet].iter_rows(min_row=2, values_only=True)]
        assert UNASSIGNED in names and None not in names and "" not in names, sheet
    organs = dict(wb["被反映较多的机关"].iter_rows(min_row=2, values_only=True))
    assert organs == {world.town.name: 3, UNASSIGNED: 1, world.town2.name: 1}


def test_the_export_buttons_carry_the_page_filters_and_the_files_match_it(world: World) -> None:
    build(world)
    c = login(world.supervisor)
    params = {**NOV, "unit": str(world.town.pk)}
    r = _get(c, **params)
    page = report_pages.read(r)
    assert page.hidden == params
    assert "/reports/monthly.xlsx" in page.formactions
    assert "/reports/monthly.pdf" in page.formactions
    # what a browser sends for the form: the button's address, the hidden fields, the purpose
    query = urlencode({**page.hidden, "purpose": "report_up"})
    x = c.get(f"/reports/monthly.xlsx?{query}")
    assert x.status_code == 200
    wb = load_workbook(io.BytesIO(x.content))
    ws = wb["总体情况"]
    assert ws["A1"].value == "2025年11月信访工作统计月报"
    assert world.town.name in ws["A3"].value and "编制单位：青山县信访局" in ws["A3"].value
    assert ws["A4"].value == page.narrative
    rows = {row[0]: row[1:] for row in ws.iter_rows(min_row=6, values_only=True)}
    assert rows["收到信访事项"][:5] == (3, 2, "+50.0%", 5, "−40.0%")
    assert f"{rows['收到信访事项'][0]}件" == _value(page, "received")
    assert rows["按期办结率"][0] == _value(page, "on_time") == "100.0%"
    assert ws.oddFooter.center.text == "第 &P 页，共 &N 页"
    assert "编制日期" in ws.oddHeader.right.text
    entry = AccessLog.objects.filter(what="export").latest("id")
    assert world.town.name in entry.detail and entry.purpose == "向上级报送"

    p = c.get(f"/reports/monthly.pdf?{query}")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(p.content))
    text = "".join(pg.extract_text() for pg in reader.pages).replace("\n", "")
    assert "2025年11月信访工作统计月报" in text
    assert "涉及青山县城关镇人民政府的信访事项共3件" in text
    assert "编制单位：青山县信访局" in text and "编制日期：" in text
    pages = len(reader.pages)
    for i in range(1, pages + 1):
        assert f"第 {i} 页，共 {pages} 页" in reader.pages[i - 1].extract_text()


def test_quarterly_annual_and_range_downloads_follow_their_filters(world: World) -> None:
    build(world)
    c = login(world.supervisor)
    x = c.get("/reports/quarterly.xlsx?year=2025&quarter=4")
    ws = load_workbook(io.BytesIO(x.content))["总体情况"]
    assert ws["A1"].value == "2025年第四季度信访工作统计季报"
    rows = {row[0]: row[1:] for row in ws.iter_rows(min_row=6, values_only=True)}
    assert rows["收到信访事项"][:5] == (7, 0, "无数据", 5, "+40.0%")
    x = c.get(f"/reports/annual.xlsx?year=2025&unit={world.town2.pk}")
    ws = load_workbook(io.BytesIO(x.content))["总体情况"]
    rows = {row[0]: row[1:] for row in ws.iter_rows(min_row=6, values_only=True)}
    assert ws["A1"].value == "2025年度信访工作报告"
    assert rows["收到信访事项"][:3] == (1, 0, "无数据")  # a year: 同比 only
    p = c.get("/reports/range.pdf?from=2025-10-09&to=2025-11-04")
    assert p.status_code == 200 and p.content.startswith(b"%PDF")
    text = "".join(pg.extract_text() for pg in PdfReader(io.BytesIO(p.content)).pages)
    text = text.replace("\n", "")
    assert "2025年10月9日至11月4日信访工作统计报告" in text
    assert "全县共登记信访事项3件" in text
    assert c.get("/reports/range.xlsx").status_code == 400  # a range needs its dates


def test_the_page_reads_the_same_number_of_times_whatever_the_data(world: World) -> None:
    """One grouped read per figure set: more matters in more units add no query."""
    build(world)
    c = login(world.supervisor)

    def reads(**params: str) -> int:
        with CaptureQueriesContext(connection) as cq:
            assert _get(c, **params).status_code == 200
        return len(cq.captured_queries)

    reads(**NOV)  # the first request after signing in also saves the session
    before = (reads(**NOV), reads(**NOV, unit=str(world.county.pk)))
    for i, unit in enumerate((world.housing, world.labour, world.town2, world.village)):
        for month in (10, 11):
            forwarded(world, at(2025, month, 10 + i), unit, channel=Channel.PHONE)
        register(world, at=at(2024, 11, 10 + i))
    assert (reads(**NOV), reads(**NOV, unit=str(world.county.pk))) == before


def test_the_rates_keep_their_minimum_sample_on_the_report(world: World, settings) -> None:
    """The three rates beside the other figures: each metric's own sample against the
    minimum, said in the table and the paragraph; no comparison on a short sample."""
    from xinfang.reports.counters import add_rating, add_visit

    build(world)
    town = world.town.pk
    for rating in ("satisfied", "satisfied", "basic"):
        add_rating(town, rating, at(2025, 11, 12))
    for rating in ("satisfied", "unsatisfied"):
        add_rating(town, rating, at(2025, 10, 12))
    add_visit(town, at(2025, 11, 12), contacted=True, solved=False)
    c = login(world.supervisor)
    f = _figures(_get(c, **NOV))
    assert f["satisfaction"].value == "96.7"  # (2 + 0.9 × 1) ÷ 3
    assert "样本不足" in f["satisfaction"].note and "评价 3 件" in f["satisfaction"].note
    assert f["satisfaction"].previous.change.state == "short"
    assert f["response"].value == "100.0" and "有效回访 1 件" in f["response"].note
    paragraph = _get(c, **NOV).context["heading"].paragraph
    assert "收到评价3件，满意率96.7%（评价样本不足10件，仅供参考）" in paragraph

    settings.XINFANG = {**settings.XINFANG, "RATES": {"MIN_SAMPLE": 1, "BASIC_WEIGHT": 0.9}}
    r = _get(c, **NOV)
    f = _figures(r)
    assert f["satisfaction"].note == "评价 3 件"
    assert f["satisfaction"].previous.value == "50.0"  # (1 + 0) ÷ 2 in October
    assert f["satisfaction"].previous.change.short_text == "+46.7个百分点"
    assert f["satisfaction"].last_year.change.state == "no_base"
    assert "满意率96.7%，环比提高46.7个百分点" in r.context["heading"].paragraph


def test_the_rates_page_takes_the_same_filters(world: World, settings) -> None:
    from xinfang.reports.counters import add_rating

    settings.XINFANG = {**settings.XINFANG, "RATES": {"MIN_SAMPLE": 3, "BASIC_WEIGHT": 0.9}}
    build(world)
    for unit in (world.town, world.town2):
        add_rating(unit.pk, "satisfied", at(2025, 11, 12))
        add_rating(unit.pk, "basic", at(2025, 11, 13))
    c = login(world.supervisor)
    r = c.get("/reports/rates/?" + urlencode(NOV))
    assert r.status_code == 200
    assert {row["unit_name"] for row in r.context["rows"]} == {world.town.name, world.town2.name}
    html = r.content.decode()
    assert "样本不足：回访 0、评价 2（各需 ≥ 3）" in html
    assert f"/reports/rates/{world.town.pk}/ratings/?{urlencode(NOV)}" in html.replace("&amp;", "&")
    r = c.get("/reports/rates/?" + urlencode({**NOV, "unit": world.town2.pk}))
    assert [row["unit_name"] for row in r.context["rows"]] == [world.town2.name]
    # October has no ratings: the rows are the period's
    r = c.get("/reports/rates/?period=month&year=2025&month=10")
    assert r.context["rows"] == []
    assert c.get("/reports/rates/?period=month&year=2025&month=0").status_code == 400
    drill = c.get(f"/reports/rates/{world.town.pk}/ratings/?" + urlencode(NOV))
    assert drill.status_code == 200 and "2025年11月" in drill.content.decode()


def test_a_running_month_is_cut_at_today_and_says_so(world: World) -> None:
    today = timezone.localdate()
    if (today + timedelta(days=1)).day == 1:
        pytest.skip("on a month's last day the month is counted whole")
    register(world)
    r = _get(login(world.supervisor))  # the default: this month
    report = r.context["report"]
    assert report.span.through == today and report.period.end == today + timedelta(days=1)
    assert report.span.previous.days == report.period.days or report.span.previous.end.day == 1
    html = r.content.decode()
    assert f"（截至{today.month}月{today.day}日）" in html and "本期尚未结束" in html


def test_a_report_on_one_unit_still_leaves_out_what_accuses_the_reader(world: World) -> None:
    """XFGZ Art. 30 under the unit filter: the county's leader reporting on the office that
    registers everything is not told of the report accusing the county government."""
    build(world)
    register(world, at=at(2025, 11, 21), accused_unit=world.county, category="report")
    office = {**NOV, "unit": str(world.office.pk)}
    r = _get(login(world.supervisor), **office)
    assert _figures(r)["received"].number == 6
    assert dict(r.context["organs"])[UNASSIGNED] == 2
    r = _get(login(world.county_leader), **office)
    assert r.status_code == 200
    assert _figures(r)["received"].number == 5
    assert dict(r.context["organs"])[UNASSIGNED] == 1
    assert "检举控告" not in r.content.decode()
    x = login(world.county_leader).get("/reports/monthly.xlsx?" + urlencode(office))
    ws = load_workbook(io.BytesIO(x.content))["总体情况"]
    rows = {row[0]: row[1:] for row in ws.iter_rows(min_row=6, values_only=True)}
    assert rows["收到信访事项"][0] == 5 and rows["转送"][0] == 4
