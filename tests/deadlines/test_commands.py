"""``xinfang loadholidays`` and ``xinfang deadline``."""

from __future__ import annotations

import json
from datetime import date
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from xinfang.deadlines import calendar
from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.models import CalendarDay, DayKind

D = date.fromisoformat


def run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def run_both(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def snapshot() -> list[tuple[object, ...]]:
    return list(CalendarDay.objects.order_by("date").values_list("date", "kind", "name", "source"))


# --- deadline ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["2026-09-20", "15"], "2026-10-08"),  # 10/5 in National Day → Thu 10/8
        (["2026-09-20", "15", "--no-rollover"], "2026-10-05"),
        (["2026-09-28", "5", "--working-days"], "2026-10-10"),  # ends on make-up Sat 10/10
        (["2025-01-24", "5", "--working-days"], "2025-02-07"),  # Sun 1/26 调休 counts
        (["2026-02-13", "15"], "2026-02-28"),  # make-up Sat 2/28: no roll
        (["2026-03-06", "1"], "2026-03-09"),  # Sat → Mon
        (["2026-03-02", "60"], "2026-05-06"),  # Labour Day
        (["2024-12-17", "15"], "2025-01-02"),  # New Year's Day
    ],
)
def test_deadline_command(args: list[str], expected: str) -> None:
    out, err = run_both("deadline", *args)
    assert out == expected + "\n"
    assert err == ""


@pytest.mark.django_db
def test_deadline_command_respects_the_roll_forward_setting(settings: object) -> None:
    settings.XINFANG = {**settings.XINFANG, "ROLL_FORWARD": False}  # type: ignore[attr-defined]
    assert run("deadline", "2026-09-20", "15") == "2026-10-05"


@pytest.mark.django_db
def test_deadline_command_warns_about_a_year_not_loaded() -> None:
    out, err = run_both("deadline", "2026-12-20", "15")
    assert out == "2027-01-04\n"  # a Monday; 2027's notice is not loaded
    assert "2027年的节假日安排尚未载入" in err and "2027" in err and "Warning" in err


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["2026-13-01", "5"], "起算日"),
        (["20260920", "5"], "YYYY-MM-DD"),
        (["yesterday", "5"], "start"),
        (["2026-01-01", "x"], "天数"),
        (["2026-01-01", "0"], "1 to 3660"),
        (["2026-01-01", "-3"], "1 至 3660"),
        (["2026-01-01", "99999"], "days"),
    ],
)
def test_deadline_command_bad_input(args: list[str], needle: str) -> None:
    with pytest.raises(CommandError) as exc:
        run("deadline", *args)
    message = str(exc.value)
    assert needle in message
    zh, _, en = message.partition(" / ")  # Chinese first, English after " / "
    assert any("\u4e00" <= ch <= "\u9fff" for ch in zh)
    assert en and en.isascii()


# --- loadholidays -----------------------------------------------------------------------


@pytest.mark.django_db
def test_loadholidays_is_idempotent() -> None:
    before = snapshot()
    out = run("loadholidays")
    assert out.splitlines() == [
        "2024: 新增 0，更新 0，未变 38，删除 0 / created 0, updated 0, unchanged 38, deleted 0",
        "2025: 新增 0，更新 0，未变 33，删除 0 / created 0, updated 0, unchanged 33, deleted 0",
        "2026: 新增 0，更新 0，未变 39，删除 0 / created 0, updated 0, unchanged 39, deleted 0",
    ]
    assert snapshot() == before


@pytest.mark.django_db
def test_loadholidays_restores_an_edited_year() -> None:
    CalendarDay.objects.filter(date="2026-02-14").update(kind=DayKind.HOLIDAY, name="错")
    CalendarDay.objects.filter(date="2026-02-16").delete()
    out = run("loadholidays", "2026")
    assert out == (
        "2026: 新增 1，更新 1，未变 37，删除 0 / created 1, updated 1, unchanged 37, deleted 0"
    )
    assert CalendarDay.objects.get(date="2026-02-14").kind == DayKind.WORKDAY
    assert CalendarDay.objects.get(date="2026-02-16").kind == DayKind.HOLIDAY
    assert run("loadholidays", "2026").startswith("2026: 新增 0，更新 0，未变 39")


@pytest.mark.django_db
def test_loadholidays_clears_the_calendar_cache() -> None:
    assert load_calendar().is_working_day(D("2026-02-14"))  # cached now
    CalendarDay.objects.filter(date="2026-02-14").update(kind=DayKind.HOLIDAY)
    assert load_calendar().is_working_day(D("2026-02-14"))  # still the cached calendar
    run("loadholidays", "2026")
    assert load_calendar().is_working_day(D("2026-02-14"))
    CalendarDay.objects.filter(date="2026-02-14").update(kind=DayKind.HOLIDAY)
    calendar.invalidate()
    assert not load_calendar().is_working_day(D("2026-02-14"))
    run("loadholidays", "2026")
    assert load_calendar().is_working_day(D("2026-02-14"))


@pytest.mark.django_db
def test_loadholidays_unknown_year() -> None:
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        run("loadholidays", "2031")
    assert "2031" in str(exc.value) and "--file" in str(exc.value)
    assert snapshot() == before


@pytest.mark.django_db
def test_loadholidays_from_csv(tmp_path: Path) -> None:
    f = tmp_path / "2027.csv"
    f.write_text(
        "date,kind,name\n2027-01-01,holiday,元旦\n2027-02-20,workday,春节调休\n", encoding="utf-8"
    )
    out = run("loadholidays", "2027", "--file", str(f))
    assert out == (
        "2027.csv（2027）: 新增 2，更新 0，未变 0，删除 0"
        " / created 2, updated 0, unchanged 0, deleted 0"
    )
    assert CalendarDay.objects.get(date="2027-02-20").source == "2027.csv"
    cal = load_calendar()
    assert not cal.is_working_day(D("2027-01-01"))  # a Friday
    assert cal.is_working_day(D("2027-02-20"))  # a Saturday
    assert run("loadholidays", "--file", str(f)).endswith("unchanged 2, deleted 0")
    assert run("loadholidays", "--list") == "已载入 / loaded: 2024, 2025, 2026, 2027"


@pytest.mark.django_db
def test_loadholidays_from_json_with_replace(tmp_path: Path) -> None:
    first = tmp_path / "a.json"
    first.write_text(
        json.dumps(
            {
                "source": "国务院办公厅关于2027年部分节假日安排的通知",
                "days": [
                    {"date": "2027-01-01", "kind": "holiday", "name": "元旦"},
                    {"date": "2027-02-06", "kind": "workday", "name": "春节调休上班"},
                ],
            },
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    run("loadholidays", "--file", str(first))
    assert CalendarDay.objects.get(date="2027-01-01").source.startswith("国务院办公厅")
    corrected = tmp_path / "b.json"  # a bare list: the 2/6 make-up day was withdrawn
    corrected.write_text(
        json.dumps([{"date": "2027-01-01", "kind": "holiday", "name": "元旦"}]), encoding="utf-8"
    )
    out = run("loadholidays", "--file", str(corrected), "--replace")
    assert out.endswith("created 0, updated 1, unchanged 0, deleted 1")  # source changed
    assert list(CalendarDay.objects.filter(date__year=2027).values_list("date", flat=True)) == [
        D("2027-01-01")
    ]
    assert CalendarDay.objects.filter(date__year=2026).count() == 39  # other years untouched


BAD_FILES = [
    ("bad.csv", "date,kind,name\n2027-01-04,workday,周一不是周末\n", "不是周六或周日"),
    ("bad.csv", "date,kind,name\n2027-01-01,rest,元旦\n", "应为 holiday"),
    ("bad.csv", "date,kind,name\nnot-a-date,holiday,x\n", "第1条记录无效"),
    ("bad.csv", "date,kind,name\n", "没有日期"),
    ("bad.csv", "day;type\n2027-01-01;holiday\n", "列名"),
    (
        "bad.csv",
        "date,kind,name\n2027-01-02,holiday,元旦\n2027-01-02,workday,x\n",
        "与第1条重复",
    ),
    ("bad.json", "{not json", "JSON"),
    ("bad.json", "42", "days"),
    ("bad.json", '{"days": "2027-01-01"}', "days"),
    ("bad.json", '["2027-01-01"]', "第1条记录无效"),
    ("bad.json", '[{"date": "2027-02-30", "kind": "holiday"}]', "第1条记录无效"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "content", "needle"), BAD_FILES)
def test_loadholidays_rejects_bad_file(
    tmp_path: Path, name: str, content: str, needle: str
) -> None:
    f = tmp_path / name
    f.write_text(content, encoding="utf-8")
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        run("loadholidays", "--file", str(f))
    message = str(exc.value)
    assert needle in message
    assert "（" in message and message.endswith("）")  # 中文（English）
    assert snapshot() == before


@pytest.mark.django_db
def test_loadholidays_a_bad_row_after_good_rows_writes_nothing(tmp_path: Path) -> None:
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-01-01,holiday,元旦\n2027-01-05,workday,周二\n")
    with pytest.raises(CommandError, match="第2条"):
        run("loadholidays", "--file", str(f))
    assert not CalendarDay.objects.filter(date__year=2027).exists()


@pytest.mark.django_db
def test_loadholidays_missing_file_and_year_mismatch(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="无法读取文件"):
        run("loadholidays", "--file", str(tmp_path / "nope.json"))
    f = tmp_path / "2027.csv"
    f.write_text("date,kind,name\n2027-01-01,holiday,元旦\n")
    with pytest.raises(CommandError, match="不符"):
        run("loadholidays", "2028", "--file", str(f))
    assert not CalendarDay.objects.filter(date__year=2027).exists()
