from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.loading import DATA
from xinfang.deadlines.models import CalendarDay, DayKind


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue().strip()


@pytest.mark.django_db
def test_shipped_data_is_loaded_by_migration() -> None:
    assert CalendarDay.objects.get(date="2026-02-14").kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date="2026-02-16").kind == DayKind.HOLIDAY
    counts = {y: CalendarDay.objects.filter(date__year=y).count() for y in (2024, 2025, 2026)}
    assert counts == {2024: 38, 2025: 33, 2026: 39}


def test_shipped_files_are_consistent() -> None:
    from datetime import date

    for path in DATA.glob("holidays-*.json"):
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert doc["source"].startswith("国务院办公厅")
        for d in doc["days"]:
            day = date.fromisoformat(d["date"])
            assert day.year == doc["year"]
            if d["kind"] == "workday":
                assert day.weekday() >= 5, d


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["2026-09-20", "15"], "2026-10-08"),
        (["2026-09-20", "15", "--no-rollover"], "2026-10-05"),
        (["2026-09-28", "5", "--working-days"], "2026-10-10"),
    ],
)
def test_deadline_command(args: list[str], expected: str) -> None:
    assert run("deadline", *args) == expected


@pytest.mark.django_db
@pytest.mark.parametrize("args", [["2026-13-01", "5"], ["2026-01-01", "x"], ["2026-01-01", "0"]])
def test_deadline_command_bad_input(args: list[str]) -> None:
    with pytest.raises(CommandError) as exc:
        run("deadline", *args)
    assert "/" in str(exc.value)  # Chinese / English


@pytest.mark.django_db
def test_loadholidays_is_idempotent() -> None:
    n = CalendarDay.objects.count()
    out = run("loadholidays", "2026")
    assert "新增 0" in out and "更新 39" in out
    assert CalendarDay.objects.count() == n


@pytest.mark.django_db
def test_loadholidays_from_file(tmp_path: Path) -> None:
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休\n")
    out = run("loadholidays", "--file", str(f))
    assert "新增 2" in out
    cal = load_calendar()
    assert not cal.is_working_day(CalendarDay.objects.get(date="2027-01-01").date)
    assert cal.is_working_day(CalendarDay.objects.get(date="2027-02-20").date)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "content",
    [
        "date,kind,name\n2027-01-04,workday,周一不是周末\n",
        "date,kind,name\n2027-01-01,rest,元旦\n",
        "date,kind,name\nnot-a-date,holiday,x\n",
        "date,kind,name\n",
    ],
)
def test_loadholidays_rejects_bad_file(tmp_path: Path, content: str) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(content)
    n = CalendarDay.objects.count()
    with pytest.raises(CommandError):
        run("loadholidays", "--file", str(f))
    assert CalendarDay.objects.count() == n
