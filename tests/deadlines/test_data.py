"""The shipped holiday data, the data migration that loads it, and the admin."""

from __future__ import annotations

import importlib
import json
from datetime import date
from typing import Any

import pytest
from django.apps import apps
from django.contrib.admin.sites import AdminSite
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory
from django.utils import timezone

from xinfang.deadlines.admin import CalendarDayAdmin, YearFilter
from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.loading import DATA, read_file, shipped_years
from xinfang.deadlines.models import CalendarDay, DayKind

from ..factories import TOTP_SECRET

D = date.fromisoformat
migration = importlib.import_module("xinfang.deadlines.migrations.0002_ship_holidays")

SOURCES = {
    2024: "国办发明电〔2023〕7号",
    2025: "国办发明电〔2024〕12号",
    2026: "国办发明电〔2025〕7号",
}
# Every weekday rest day and every make-up working day, typed from the notices.
REST_WEEKDAYS = {
    2024: "01-01 02-12 02-13 02-14 02-15 02-16 04-04 04-05 05-01 05-02 05-03 06-10 "
    "09-16 09-17 10-01 10-02 10-03 10-04 10-07",
    2025: "01-01 01-28 01-29 01-30 01-31 02-03 02-04 04-04 05-01 05-02 05-05 06-02 "
    "10-01 10-02 10-03 10-06 10-07 10-08",
    2026: "01-01 01-02 02-16 02-17 02-18 02-19 02-20 02-23 04-06 05-01 05-04 05-05 06-19 "
    "09-25 10-01 10-02 10-05 10-06 10-07",
}
MAKE_UP = {
    2024: "02-04 02-18 04-07 04-28 05-11 09-14 09-29 10-12",
    2025: "01-26 02-08 04-27 09-28 10-11",
    2026: "01-04 02-14 02-28 05-09 09-20 10-10",
}


def days_of(year: int, spec: str) -> set[date]:
    return {D(f"{year}-{md}") for md in spec.split()}


def test_shipped_years() -> None:
    assert shipped_years() == [2024, 2025, 2026]


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_shipped_file_names_its_notice(year: int) -> None:
    doc = json.loads((DATA / f"holidays-{year}.json").read_text(encoding="utf-8"))
    assert doc["year"] == year
    assert doc["source"] == f"国务院办公厅关于{year}年部分节假日安排的通知（{SOURCES[year]}）"
    days, source = read_file(DATA / f"holidays-{year}.json")  # the loader accepts it
    assert source == doc["source"] and {d.date.year for d in days} == {year}


def test_2025_file_notes_the_amended_holiday_rules() -> None:
    doc = json.loads((DATA / "holidays-2025.json").read_text(encoding="utf-8"))
    assert "全国年节及纪念日放假办法" in doc["note"]


@pytest.mark.django_db
@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_every_weekday_rest_day_and_make_up_day_is_listed(year: int) -> None:
    rows = CalendarDay.objects.filter(date__year=year)
    weekday_rest = {r.date for r in rows if r.kind == DayKind.HOLIDAY and r.date.weekday() < 5}
    make_up = {r.date for r in rows if r.kind == DayKind.WORKDAY}
    assert weekday_rest == days_of(year, REST_WEEKDAYS[year])
    assert make_up == days_of(year, MAKE_UP[year])


@pytest.mark.django_db
def test_migration_content() -> None:
    assert CalendarDay.objects.get(date="2026-02-14").kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date="2026-02-16").kind == DayKind.HOLIDAY
    assert CalendarDay.objects.get(date="2025-01-28").name == "春节"
    counts = {y: CalendarDay.objects.filter(date__year=y).count() for y in (2024, 2025, 2026)}
    assert counts == {2024: 38, 2025: 33, 2026: 39}
    kinds = {
        y: CalendarDay.objects.filter(date__year=y, kind=DayKind.WORKDAY).count()
        for y in (2024, 2025, 2026)
    }
    assert kinds == {2024: 8, 2025: 5, 2026: 6}
    assert all(s.endswith("号）") for s in CalendarDay.objects.values_list("source", flat=True))


@pytest.mark.django_db
def test_every_make_up_day_is_a_weekend_day() -> None:
    workdays = CalendarDay.objects.filter(kind=DayKind.WORKDAY)
    assert workdays.count() == 19
    assert [w.date for w in workdays if w.date.weekday() < 5] == []
    cal = load_calendar()
    assert all(cal.is_working_day(w.date) for w in workdays)


@pytest.mark.django_db
def test_no_holiday_is_a_working_day() -> None:
    cal = load_calendar()
    holidays = list(CalendarDay.objects.filter(kind=DayKind.HOLIDAY))
    assert len(holidays) == 38 + 33 + 39 - 19
    assert [h.date for h in holidays if cal.is_working_day(h.date)] == []
    weekday_holidays = [h for h in holidays if h.date.weekday() < 5]
    assert len(weekday_holidays) == 19 + 18 + 19


@pytest.mark.django_db
def test_holiday_blocks_are_contiguous() -> None:
    # Each festival is one unbroken block of rest days (weekends inside it included).
    by_name: dict[tuple[int, str], list[date]] = {}
    for r in CalendarDay.objects.filter(kind=DayKind.HOLIDAY):
        by_name.setdefault((r.date.year, r.name), []).append(r.date)
    for key, days in by_name.items():
        days.sort()
        assert (days[-1] - days[0]).days == len(days) - 1, key


@pytest.mark.django_db
def test_migration_is_reversible() -> None:
    migration.unload(apps, None)
    assert not CalendarDay.objects.filter(date__year__in=(2024, 2025, 2026)).exists()
    migration.load(apps, None)
    counts = {y: CalendarDay.objects.filter(date__year=y).count() for y in (2024, 2025, 2026)}
    assert counts == {2024: 38, 2025: 33, 2026: 39}
    migration.load(apps, None)  # running it again changes nothing
    assert CalendarDay.objects.count() == 110


def test_migration_loads_a_fixed_list_of_years() -> None:
    assert migration.YEARS == (2024, 2025, 2026)


# --- admin --------------------------------------------------------------------------------


@pytest.fixture
def model_admin() -> CalendarDayAdmin:
    return CalendarDayAdmin(CalendarDay, AdminSite())


@pytest.mark.django_db
def test_admin_save_and_delete_clear_the_cache(
    model_admin: CalendarDayAdmin, admin_user: Any
) -> None:
    request = RequestFactory().post("/")
    request.user = admin_user
    day = D("2026-12-31")  # an ordinary Thursday
    assert load_calendar().is_working_day(day)  # cached now
    obj = CalendarDay(date=day, kind=DayKind.HOLIDAY, name="测试")
    model_admin.save_model(request, obj, None, change=False)
    assert not load_calendar().is_working_day(day)
    model_admin.delete_model(request, obj)
    assert load_calendar().is_working_day(day)
    model_admin.save_model(request, CalendarDay(date=day, kind=DayKind.HOLIDAY), None, False)
    assert not load_calendar().is_working_day(day)
    model_admin.delete_queryset(request, CalendarDay.objects.filter(date=day))
    assert load_calendar().is_working_day(day)


@pytest.mark.django_db
def test_admin_year_filter(model_admin: CalendarDayAdmin) -> None:
    request = RequestFactory().get("/", {"year": "2025"})
    f = YearFilter(request, {"year": ["2025"]}, CalendarDay, model_admin)
    assert [y for y, _ in f.lookups(request, model_admin)] == ["2026", "2025", "2024"]
    qs = f.queryset(request, CalendarDay.objects.all())
    assert qs is not None and qs.count() == 33
    assert model_admin.list_filter == [YearFilter, "kind"]
    assert "name" in model_admin.search_fields


@pytest.mark.django_db
def test_admin_changelist(client: Client, admin_user: Any) -> None:
    # Administrators have enrolled in two-factor sign-in (org.twofactor).
    type(admin_user).objects.filter(pk=admin_user.pk).update(
        totp_secret=TOTP_SECRET, totp_confirmed_at=timezone.now()
    )
    client.force_login(admin_user)
    resp = client.get(
        "/admin/deadlines/calendarday/", {"year": "2026", "kind": "workday", "q": "春节"}
    )
    assert resp.status_code == 200
    shown = [o.date for o in resp.context["cl"].result_list]
    assert shown == [D("2026-02-14"), D("2026-02-28")]


@pytest.mark.django_db
def test_model_rejects_a_weekday_make_up_day() -> None:
    with pytest.raises(ValidationError):
        CalendarDay(date=D("2027-01-05"), kind=DayKind.WORKDAY).full_clean()
    CalendarDay(date=D("2027-01-09"), kind=DayKind.WORKDAY).full_clean()  # a Saturday
