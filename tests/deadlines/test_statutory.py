"""The statutory holidays derived from the 全国年节及纪念日放假办法 (2024 amendment).

Checked three ways: against the State Council's notices for 2025 and 2026 as shipped
(every statutory day of the 办法 must be a rest day there), against dates known from
those notices and published calendars (2027: 除夕 5 February, 春节 6 February), and
against the lunar-calendar library itself read another way (the lunar date of each day,
the solar term of the 清明 day).
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from lunar_python import Solar

from xinfang.deadlines import statutory
from xinfang.deadlines.loading import DATA, read_file

D = date.fromisoformat
YEARS = range(statutory.EFFECTIVE_YEAR, 2051)


def lunar_of(d: date):
    return Solar.fromYmd(d.year, d.month, d.day).getLunar()


def shipped_rest_days(year: int) -> dict[date, str]:
    days, _ = read_file(DATA / f"holidays-{year}.json")
    return {d.date: d.name for d in days if d.kind == "holiday"}


@pytest.mark.parametrize("year", [2025, 2026])
def test_every_statutory_day_is_a_rest_day_of_the_shipped_notice(year: int) -> None:
    rest = shipped_rest_days(year)
    for s in statutory.statutory_days(year):
        assert s.date in rest, s
        # The same festival (2025's 1–3 October are named "国庆节、中秋节").
        assert s.name in rest[s.date], (s, rest[s.date])


# From the notices: 国办发明电〔2024〕12号 (2025) and 〔2025〕7号 (2026).
KNOWN = {
    2025: {
        "元旦": ["2025-01-01"],
        "春节": ["2025-01-28", "2025-01-29", "2025-01-30", "2025-01-31"],
        "清明节": ["2025-04-04"],
        "劳动节": ["2025-05-01", "2025-05-02"],
        "端午节": ["2025-05-31"],
        "中秋节": ["2025-10-06"],
        "国庆节": ["2025-10-01", "2025-10-02", "2025-10-03"],
    },
    2026: {
        "元旦": ["2026-01-01"],
        "春节": ["2026-02-16", "2026-02-17", "2026-02-18", "2026-02-19"],
        "清明节": ["2026-04-05"],
        "劳动节": ["2026-05-01", "2026-05-02"],
        "端午节": ["2026-06-19"],
        "中秋节": ["2026-09-25"],
        "国庆节": ["2026-10-01", "2026-10-02", "2026-10-03"],
    },
    # No notice yet: the lunar dates as every published calendar gives them.
    2027: {
        "元旦": ["2027-01-01"],
        "春节": ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08"],
        "清明节": ["2027-04-05"],
        "劳动节": ["2027-05-01", "2027-05-02"],
        "端午节": ["2027-06-09"],
        "中秋节": ["2027-09-15"],
        "国庆节": ["2027-10-01", "2027-10-02", "2027-10-03"],
    },
}


@pytest.mark.parametrize("year", sorted(KNOWN))
def test_known_years(year: int) -> None:
    got: dict[str, list[str]] = {}
    for s in statutory.statutory_days(year):
        got.setdefault(s.name, []).append(s.date.isoformat())
    assert got == KNOWN[year]


def test_2027_new_years_eve_and_spring_festival() -> None:
    assert statutory.chuxi(2027) == D("2027-02-05")
    assert statutory.lunar_new_year(2027) == D("2027-02-06")
    assert lunar_of(D("2027-02-06")).getMonth() == 1 and lunar_of(D("2027-02-06")).getDay() == 1


def test_new_years_eve_whether_the_twelfth_month_has_29_or_30_days() -> None:
    # 2025 and 2026: 腊月 had 29 days, so 除夕 was 腊月二十九 (as the notices have it);
    # 2024: 腊月三十. The rule is "the day before 正月初一" either way.
    assert statutory.chuxi(2025) == D("2025-01-28")
    assert statutory.chuxi(2026) == D("2026-02-16")
    assert statutory.chuxi(2024) == D("2024-02-09")
    assert (lunar_of(D("2025-01-28")).getMonth(), lunar_of(D("2025-01-28")).getDay()) == (12, 29)
    assert (lunar_of(D("2024-02-09")).getMonth(), lunar_of(D("2024-02-09")).getDay()) == (12, 30)
    lengths = {lunar_of(statutory.chuxi(y)).getDay() for y in YEARS}
    assert lengths == {29, 30}  # both kinds of year occur, and are both handled


@pytest.mark.parametrize("year", YEARS)
def test_each_day_read_back_from_the_library(year: int) -> None:
    days = statutory.statutory_days(year)
    assert len(days) == 13  # 1 + 4 + 1 + 2 + 1 + 1 + 3 (办法 Art. 2)
    assert [s.date for s in days] == sorted(s.date for s in days)
    assert all(s.date.year == year for s in days)
    by_name: dict[str, list[date]] = {}
    for s in days:
        by_name.setdefault(s.name, []).append(s.date)
    eve, *spring = by_name["春节"]
    assert spring == [eve + timedelta(days=i) for i in (1, 2, 3)]
    first = lunar_of(spring[0])
    assert (first.getMonth(), first.getDay()) == (1, 1)
    assert lunar_of(eve).getMonth() == 12 and lunar_of(eve).getDay() in (29, 30)
    (qm,) = by_name["清明节"]
    assert lunar_of(qm).getJieQi() == "清明" and qm.month == 4 and qm.day in (4, 5, 6)
    (dw,) = by_name["端午节"]
    assert (lunar_of(dw).getMonth(), lunar_of(dw).getDay()) == (5, 5)  # not a leap 5th month
    (zq,) = by_name["中秋节"]
    assert (lunar_of(zq).getMonth(), lunar_of(zq).getDay()) == (8, 15)
    assert by_name["元旦"] == [date(year, 1, 1)]
    assert by_name["劳动节"] == [date(year, 5, 1), date(year, 5, 2)]
    assert by_name["国庆节"] == [date(year, 10, d) for d in (1, 2, 3)]


def test_mid_autumn_may_fall_inside_national_day() -> None:
    # 2028: 八月十五 is 3 October; the rest days are then 12 distinct dates.
    assert [s.date for s in statutory.statutory_days(2028) if s.name == "中秋节"] == [
        D("2028-10-03")
    ]
    assert len(statutory.statutory_dates(2028)) == 12


def test_years_before_the_amendment_are_not_derived() -> None:
    with pytest.raises(ValueError):
        statutory.statutory_days(2024)
