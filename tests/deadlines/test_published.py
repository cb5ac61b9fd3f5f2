"""Which years count as loaded, and how a year without an arrangement is counted.

The shipped arrangements cover 2024–2026. 2027's notice is not loaded in these tests (any
2027 rows a later release might ship are removed first), so 2027 is counted on the
statutory days of the 办法 and every deadline that reaches it is provisional.
"""

from __future__ import annotations

import importlib
import json
from datetime import date
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.sites import AdminSite
from django.core.management import call_command
from django.db import connection
from django.test import RequestFactory
from django.utils import timezone

from xinfang.deadlines import calendar, statutory
from xinfang.deadlines.admin import CalendarDayAdmin, PublishedYearAdmin
from xinfang.deadlines.calendar import YEARS_AHEAD, Calendar, load_calendar
from xinfang.deadlines.loading import loaded_years
from xinfang.deadlines.models import CalendarDay, DayKind, PublishedYear

D = date.fromisoformat
migration = importlib.import_module("xinfang.deadlines.migrations.0003_published_years")


def forget_years_from(year: int) -> None:
    PublishedYear.objects.filter(year__gte=year).delete()
    CalendarDay.objects.filter(date__year__gte=year).delete()
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _no_2027(db: Any) -> None:
    forget_years_from(2027)


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def write(tmp_path: Path, days: list[dict[str, str]], name: str = "2027.json") -> Path:
    f = tmp_path / name
    doc = {"year": 2027, "source": "测试用安排（虚构）", "days": days}
    f.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    return f


# --- which years are loaded -------------------------------------------------------------


def test_the_shipped_years_are_loaded() -> None:
    assert loaded_years() == [2024, 2025, 2026]
    assert load_calendar().published == frozenset({2024, 2025, 2026})
    sources = dict(PublishedYear.objects.values_list("year", "source"))
    assert "国办发明电〔2024〕12号" in sources[2025]


def test_the_migration_marks_every_year_that_has_rows() -> None:
    PublishedYear.objects.all().delete()
    CalendarDay.objects.create(date=D("2027-01-01"), kind=DayKind.HOLIDAY, source="某通知")
    migration.mark(apps, None)
    assert dict(PublishedYear.objects.values_list("year", "source"))[2027] == "某通知"
    assert loaded_years() == [2024, 2025, 2026, 2027]
    migration.mark(apps, None)  # again: nothing changes
    assert PublishedYear.objects.count() == 4


# --- a year without an arrangement --------------------------------------------------------


def test_an_unloaded_year_rests_on_its_statutory_days() -> None:
    cal = load_calendar()
    for s in statutory.statutory_days(2027):
        assert not cal.is_working_day(s.date), s
    assert not any(d.year == 2027 for d in cal.workdays)  # no 调休 guessed
    assert cal.is_working_day(D("2027-02-09"))  # the Tuesday after the four days
    assert not cal.is_working_day(D("2027-02-20"))  # an ordinary Saturday


def test_a_matter_accepted_today_is_not_due_on_new_years_eve() -> None:
    # The finding: accepted on 7 December 2026, 60 days end on Friday 5 February 2027,
    # 除夕. Counted on weekends alone that was the due date; 5–8 February are rest days.
    cal = load_calendar()
    assert cal.add_calendar_days(D("2026-12-07"), 60, roll_forward=False) == D("2027-02-05")
    assert cal.add_calendar_days(D("2026-12-07"), 60, roll_forward=True) == D("2027-02-09")
    assert cal.provisional(D("2026-12-07"), D("2027-02-09"))
    assert not cal.provisional(D("2026-01-05"), D("2026-12-31"))
    assert cal.unpublished_years(D("2026-12-01"), D("2028-01-05")) == (2027, 2028)


def test_the_deadline_command_says_the_date_is_provisional() -> None:
    out, err = run("deadline", "2026-12-07", "60")
    assert out == "2027-02-09\n"
    assert "2027年的节假日安排尚未载入" in err and "暂定" in err and "provisional" in err
    assert run("deadline", "2026-03-02", "60") == ("2026-05-06\n", "")


def test_years_derived_and_years_not() -> None:
    cal = load_calendar()
    last = timezone.localdate().year + YEARS_AHEAD
    assert statutory.statutory_dates(last) <= cal.holidays
    assert not statutory.statutory_dates(last + 1) & cal.holidays  # beyond: weekends only
    assert cal.provisional(D(f"{last + 1}-01-01"), D(f"{last + 1}-03-01"))  # and provisional
    # Before the first loaded year nothing is derived (other rules applied), and a period
    # there is provisional too: its arrangement was never loaded.
    assert cal.is_working_day(D("2023-01-23"))  # 2023's 春节 Monday
    assert cal.provisional(D("2023-12-01"), D("2024-01-30"))


def test_a_calendar_that_does_not_say_marks_nothing() -> None:
    assert not Calendar().provisional(D("2027-01-01"), D("2040-01-01"))
    assert Calendar().unpublished_years(D("2027-01-01"), D("2028-01-01")) == ()


def test_without_the_years_table_the_years_with_rows_count(monkeypatch: Any) -> None:
    # A data migration of another app may count deadlines before 0003 made the table: the
    # calendar falls back to the years with rows, and the caller's transaction survives.
    PublishedYear.objects.create(year=2030)  # read from the table, 2030 would count
    monkeypatch.setattr(PublishedYear._meta, "db_table", "deadlines_no_such_table")
    calendar.invalidate()
    assert connection.in_atomic_block  # the test's transaction, as a migration's would be
    cal = load_calendar()
    assert cal.published == frozenset({2024, 2025, 2026})
    assert not cal.is_working_day(D("2027-02-05"))
    assert CalendarDay.objects.count() == 110  # the connection is still usable


# --- loading a year -----------------------------------------------------------------------


def test_loading_an_arrangement_replaces_the_derived_days(tmp_path: Path) -> None:
    assert load_calendar().provisional(D("2026-12-07"), D("2027-02-09"))
    f = write(
        tmp_path,
        [
            {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
            {"date": "2027-02-20", "kind": "workday", "name": "春节调休上班"},
        ],
    )
    out, err = run("loadholidays", "2027", "--file", str(f))
    assert "新增 2" in out
    # An incomplete file is loaded, with a warning naming the statutory days it omits.
    assert "2027-02-05（春节）" in err and "2027-10-03（国庆节）" in err and "Warning" in err
    cal = load_calendar()
    assert 2027 in cal.published and loaded_years() == [2024, 2025, 2026, 2027]
    assert not cal.provisional(D("2026-12-07"), D("2027-02-09"))
    assert cal.is_working_day(D("2027-02-05"))  # the file's rows alone count now
    assert cal.is_working_day(D("2027-02-20"))
    assert not cal.is_working_day(D("2027-01-01"))
    assert run("loadholidays", "--list")[0] == "已载入 / loaded: 2024, 2025, 2026, 2027\n"


def test_a_complete_arrangement_loads_without_a_warning(tmp_path: Path) -> None:
    f = write(
        tmp_path,
        [
            {"date": s.date.isoformat(), "kind": "holiday", "name": s.name}
            for s in statutory.statutory_days(2027)
        ],
    )
    out, err = run("loadholidays", "--file", str(f))
    assert err == "" and "新增 13" in out


def test_shipped_years_reload_silently() -> None:
    out, err = run("loadholidays")
    assert err == "" and len(out.splitlines()) == 3


# --- the admin ----------------------------------------------------------------------------


def admin_request(user: Any) -> Any:
    request = RequestFactory().post("/")
    request.user = user
    request._messages = _Messages()
    return request


class _Messages:
    def __init__(self) -> None:
        self.seen: list[str] = []

    def add(self, level: int, message: str, extra_tags: str = "") -> None:
        self.seen.append(str(message))


def test_a_day_entered_by_hand_does_not_mark_its_year(admin_user: Any) -> None:
    days = CalendarDayAdmin(CalendarDay, AdminSite())
    years = PublishedYearAdmin(PublishedYear, AdminSite())
    request = admin_request(admin_user)
    day = CalendarDay(date=D("2027-01-01"), kind=DayKind.HOLIDAY, name="元旦", source="通知")
    days.save_model(request, day, None, change=False)
    cal = load_calendar()
    assert 2027 not in cal.published and cal.provisional(D("2026-12-07"), D("2027-02-09"))
    assert not cal.is_working_day(D("2027-02-05"))  # the derived days still count
    # Once every day is in, the administrator marks the year.
    days.mark_years_loaded(request, CalendarDay.objects.filter(date__year=2027))
    assert request._messages.seen == ["已标记为安排已载入：2027"]
    cal = load_calendar()
    assert 2027 in cal.published and cal.is_working_day(D("2027-02-05"))
    assert PublishedYear.objects.get(year=2027).source == "通知"
    # Unmarking it (the year's admin) makes it derived and provisional again.
    years.delete_model(request, PublishedYear.objects.get(year=2027))
    cal = load_calendar()
    assert 2027 not in cal.published and not cal.is_working_day(D("2027-02-05"))
    years.save_model(request, PublishedYear(year=2027, source="手工"), None, change=False)
    assert 2027 in load_calendar().published


def test_the_changelist_says_which_years_are_loaded(admin_user: Any) -> None:
    CalendarDay.objects.create(date=D("2027-01-01"), kind=DayKind.HOLIDAY)
    days = CalendarDayAdmin(CalendarDay, AdminSite())
    rows = {
        r.date: days.year_loaded(r)
        for r in days.get_queryset(admin_request(admin_user)).filter(
            date__in=[D("2026-01-01"), D("2027-01-01")]
        )
    }
    assert rows == {D("2026-01-01"): True, D("2027-01-01"): False}
