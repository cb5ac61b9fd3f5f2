"""Periods and comparisons as pure functions: what a period is compared with (环比, 同比),
how a period still running is cut, and how a change is rounded and worded."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xinfang.reports import narrative as n
from xinfang.reports.queries import Period, Span


def test_the_period_before_and_the_year_before() -> None:
    assert Period.month(2026, 1).previous() == Period.month(2025, 12)
    assert Period.quarter(2026, 1).previous() == Period.quarter(2025, 4)
    assert Period.quarter(2026, 3) == Period(date(2026, 7, 1), date(2026, 10, 1), "quarter")
    assert Period.year(2026).previous() is None  # a year's comparison is with the last: 同比
    assert Period.year(2026).year_before() == Period.year(2025)
    week = Period(date(2026, 3, 10), date(2026, 3, 17), "range")
    assert week.previous() == Period(date(2026, 3, 3), date(2026, 3, 10), "range")
    assert week.year_before() == Period(date(2025, 3, 10), date(2025, 3, 17), "range")
    leap = Period(date(2028, 2, 1), date(2028, 3, 1), "month")
    assert Period.month(2028, 2) == leap and leap.year_before() == Period.month(2027, 2)
    # 29 February a year earlier is 1 March: the same days, none counted twice
    day = Period.day(date(2028, 2, 29))
    assert day.year_before() == Period(date(2027, 3, 1), date(2027, 3, 2), "day")


def test_a_running_period_is_compared_day_for_day() -> None:
    s = Span.of(Period.month(2026, 11), date(2026, 11, 20))
    assert s.current == Period(date(2026, 11, 1), date(2026, 11, 21), "month")
    assert s.previous == Period(date(2026, 10, 1), date(2026, 10, 21), "month")
    assert s.last_year == Period(date(2025, 11, 1), date(2025, 11, 21), "month")
    assert s.through == date(2026, 11, 20)
    # 30 days into March against February: all of February, not into March
    s = Span.of(Period.month(2026, 3), date(2026, 3, 30))
    assert s.previous == Period(date(2026, 2, 1), date(2026, 3, 1), "month")
    s = Span.of(Period.year(2026), date(2026, 12, 7))
    assert s.previous is None
    assert s.last_year == Period(date(2025, 1, 1), date(2025, 12, 8), "year")
    # the last day of a period is not "running": the whole period is counted
    done = Span.of(Period.month(2026, 11), date(2026, 11, 30))
    assert done.current == Period.month(2026, 11) and done.through is None
    past = Span.of(Period.quarter(2025, 4), date(2026, 11, 20))
    assert past.current == Period.quarter(2025, 4) and past.previous == Period.quarter(2025, 3)


def test_period_names_and_titles() -> None:
    assert n.period_label(Period.month(2026, 11)) == "2026年11月"
    assert n.period_label(Period.quarter(2026, 4)) == "2026年第四季度"
    assert n.period_label(Period.year(2026)) == "2026年"
    assert n.period_label(Period.day(date(2026, 3, 5))) == "2026年3月5日"
    assert n.period_label(Period(date(2026, 3, 1), date(2026, 6, 1))) == "2026年3月1日至5月31日"
    assert (
        n.period_label(Period(date(2025, 12, 1), date(2026, 3, 1)))
        == "2025年12月1日至2026年2月28日"
    )
    running = Span.of(Period.month(2026, 11), date(2026, 11, 20))
    assert n.period_label(running.current, running.through) == "2026年11月（截至11月20日）"
    assert n.title(Period.month(2026, 11)) == "2026年11月信访工作统计月报"
    assert n.title(Period.quarter(2026, 3)) == "2026年第三季度信访工作统计季报"
    assert n.title(Period.year(2026)) == "2026年度信访工作报告"
    assert n.before_name(Period.quarter(2026, 3)) == "上季度"


def test_changes_are_rounded_and_worded_as_the_office_writes_them() -> None:
    c = n.count_change(312, 288, False)
    assert (c.state, c.amount) == ("up", Decimal("8.3"))
    assert c.text("环比", "上月") == "环比增长8.3%" and c.short_text == "+8.3%"
    c = n.count_change(1, 3, False)
    assert (c.state, c.amount) == ("down", Decimal("66.7"))
    assert c.text("同比", "上年同期") == "同比下降66.7%" and c.short_text == "−66.7%"
    assert n.count_change(5, 5, False).text("同比", "上年同期") == "同比持平"
    # no percentage is made up: an empty comparison period, or a count of nought
    assert n.count_change(5, 0, True).text("环比", "上月") == "上月无数据，不作环比"
    assert n.count_change(5, 0, False).text("环比", "上月") == "上月为0件，不计算环比增幅"
    assert n.count_change(5, 0, True).amount is None
    # rates: percentage points between the percentages as shown
    r = n.rate_change(Decimal("96.2"), Decimal("94.9"), False)
    assert r.text("同比", "上年同期") == "同比提高1.3个百分点" and r.short_text == "+1.3个百分点"
    assert n.rate_change(Decimal("90.0"), None, False).state == "no_base"
    assert n.rate_change(Decimal("90.0"), Decimal("80.0"), False, True).state == "short"
    assert n.rate_change(None, Decimal("80.0"), False).text("环比", "上月") == "—"
    assert n.percent(0.9625) == Decimal("96.3") and n.percent(None) is None


def test_place_words() -> None:
    assert n.place_word("青山县人民政府") == "全县"
    assert n.place_word("江州市人民政府") == "全市"
    assert n.place_word("青山县城关镇人民政府") == "全镇"
    assert n.place_word("青山县信访局") is None
