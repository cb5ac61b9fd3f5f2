"""The statutory public holidays of a year, derived from the 全国年节及纪念日放假办法.

Used for a year whose State Council arrangement is not loaded (``calendar.load_calendar``),
so that a deadline in it is not counted on weekends alone. Pure: no database.

The 办法 as amended by 国务院令第795号 (in force from 1 January 2025), Art. 2, gives every
citizen these rest days (13 in all)::

    元旦    1 day   1 January
    春节    4 days  农历除夕 and 正月初一 to 初三
    清明节  1 day   the day of the 清明 solar term
    劳动节  2 days  1 and 2 May
    端午节  1 day   农历五月初五
    中秋节  1 day   农历八月十五
    国庆节  3 days  1 to 3 October

除夕 is the last day of the lunar year: the day before 正月初一, whether the twelfth lunar
month has 29 days or 30. Lunar dates and solar terms come from ``lunar_python`` (a
maintained library), never from tables kept here.

What the 办法 leaves to the State Council's annual notice is not derived: the weekday rest
days given when a holiday falls on a weekend (补假), the bridging days and the weekend
days worked in exchange (调休). A deadline counted on a derived year is therefore
provisional until that notice is loaded (``Calendar.provisional``).

The holiday table stays data (procedure.md §5): a year with a loaded arrangement is counted
on its rows alone. The derivation only stands in, marked provisional, for a year without
one, so that the statute's own fixed days are never counted as working days.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache

from lunar_python import Lunar, Solar

# The first year counted under the 2024 amendment. Earlier years had 11 days (no 除夕, one
# day of Labour Day); they are not derived: their arrangements ship with the code.
EFFECTIVE_YEAR = 2025
BASIS = "《全国年节及纪念日放假办法》（2024年修订）第二条"


@dataclass(frozen=True)
class StatutoryDay:
    date: date
    name: str  # as the State Council's notices name it (元旦, 春节, 清明节, …)


def _solar(s: Solar) -> date:
    return date(s.getYear(), s.getMonth(), s.getDay())


def _lunar(year: int, month: int, day: int) -> date:
    """The Gregorian date of a day of the (non-leap) lunar ``month`` of lunar ``year``."""
    return _solar(Lunar.fromYmd(year, month, day).getSolar())


def lunar_new_year(year: int) -> date:
    """正月初一 of the lunar year that begins in Gregorian ``year`` (21 Jan – 20 Feb)."""
    return _lunar(year, 1, 1)


def chuxi(year: int) -> date:
    """除夕 in Gregorian ``year``: the day before 正月初一 (腊月二十九 or 三十)."""
    return lunar_new_year(year) - timedelta(days=1)


def qingming(year: int) -> date:
    """The day of the 清明 solar term in ``year`` (4 or 5 April, in this era)."""
    # Mid-April lies in lunar ``year``, whose table of solar terms holds this 清明.
    term = _solar(Solar.fromYmd(year, 4, 15).getLunar().getJieQiTable()["清明"])
    if term.year != year:  # a guard on the library's table, not a correction of it
        raise ValueError(f"lunar_python gave 清明 {term} for {year}")
    return term


@cache
def statutory_days(year: int) -> tuple[StatutoryDay, ...]:
    """Every statutory rest day of ``year`` under the 2024 办法, in date order.

    Raises ``ValueError`` for a year before ``EFFECTIVE_YEAR``.
    """
    if year < EFFECTIVE_YEAR:
        raise ValueError(f"the 2024 rules apply from {EFFECTIVE_YEAR}, not to {year}")
    eve = chuxi(year)
    days = [
        StatutoryDay(date(year, 1, 1), "元旦"),
        *(StatutoryDay(eve + timedelta(days=i), "春节") for i in range(4)),
        StatutoryDay(qingming(year), "清明节"),
        StatutoryDay(date(year, 5, 1), "劳动节"),
        StatutoryDay(date(year, 5, 2), "劳动节"),
        StatutoryDay(_lunar(year, 5, 5), "端午节"),
        StatutoryDay(_lunar(year, 8, 15), "中秋节"),
        *(StatutoryDay(date(year, 10, d), "国庆节") for d in (1, 2, 3)),
    ]
    return tuple(sorted(days, key=lambda s: s.date))


def statutory_dates(year: int) -> frozenset[date]:
    """The dates of ``statutory_days(year)``."""
    return frozenset(s.date for s in statutory_days(year))
