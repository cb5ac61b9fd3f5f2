"""Loading holiday arrangements (the State Council's annual notice) into the calendar.

The holiday table is data, never logic (procedure.md §5): the years current at release
are shipped in ``data/holidays-YYYY.json`` and loaded by migration ``0002``; each later
year is loaded by the administrator with ``xinfang loadholidays --file`` once the State
Council General Office publishes its notice (usually in November of the year before).

This module is the one write path for the table outside the admin: ``read_file`` parses
and validates without touching the database, ``load_days`` writes in one transaction,
marks the years it covers as loaded (``PublishedYear``: from then on their rows alone
count and their deadlines are no longer provisional) and clears the calendar cache.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from xinfang.core.errors import UserError

from . import calendar, statutory
from .models import CalendarDay, PublishedYear

DATA = Path(__file__).resolve().parent / "data"
KINDS = ("holiday", "workday")


@dataclass(frozen=True)
class DayIn:
    """One row of an arrangement: a rest day (``holiday``) or a make-up working day."""

    date: date
    kind: str
    name: str


@dataclass(frozen=True)
class LoadResult:
    """What ``load_days`` did, for the command's report."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    deleted: int = 0
    marked: tuple[int, ...] = ()  # years marked loaded by this load that were not before

    @property
    def changed(self) -> bool:
        """Whether the calendar differs now: only then can a stored deadline move."""
        return bool(self.created or self.updated or self.deleted or self.marked)

    def describe(self) -> str:
        return (
            f"新增 {self.created}，更新 {self.updated}，未变 {self.unchanged}，删除 {self.deleted}"
            f" / created {self.created}, updated {self.updated}, "
            f"unchanged {self.unchanged}, deleted {self.deleted}"
        )


def shipped_years() -> list[int]:
    """The years for which an arrangement ships with the code."""
    return sorted(int(p.stem.split("-")[1]) for p in DATA.glob("holidays-*.json"))


def loaded_years() -> list[int]:
    """The years whose arrangement is loaded (``PublishedYear``)."""

    return list(PublishedYear.objects.order_by("year").values_list("year", flat=True))


def mark_loaded(years: Iterable[int], source: str) -> list[int]:
    """Mark ``years`` as loaded (idempotent) and clear the calendar cache; the years that
    were not marked before, in order."""

    new = []
    for year in sorted(set(years)):
        _, created = PublishedYear.objects.update_or_create(
            year=year, defaults={"source": source[:200]}
        )
        if created:
            new.append(year)
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)
    return new


def missing_statutory(days: Iterable[DayIn]) -> list[statutory.StatutoryDay]:
    """The statutory days of the 办法 that an arrangement does not list as rest days, for
    each year it covers from ``statutory.EFFECTIVE_YEAR`` on. A notice lists them all; a
    file that does not is incomplete or mistyped (the command warns, and loads it)."""
    rest = {d.date for d in days if d.kind == "holiday"}
    years = sorted({d.date.year for d in days})
    return [
        s
        for y in years
        if y >= statutory.EFFECTIVE_YEAR
        for s in statutory.statutory_days(y)
        if s.date not in rest
    ]


def _rows(path: Path, text: str) -> tuple[list[Any], str]:
    """The raw rows and the source notice of a JSON or CSV file."""
    if path.suffix.lower() == ".csv":
        reader = csv.DictReader(text.splitlines())
        if not reader.fieldnames or not {"date", "kind"} <= set(reader.fieldnames):
            raise UserError(
                "bad_header",
                "CSV 文件第一行应为列名 date,kind,name",
                "The CSV header must be date,kind,name",
            )
        return list(reader), ""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as e:
        raise UserError("bad_json", f"文件不是有效的 JSON：{e}", f"Invalid JSON: {e}") from None
    if isinstance(doc, dict) and isinstance(doc.get("days"), list):
        return doc["days"], str(doc.get("source") or "")
    if isinstance(doc, list):
        return doc, ""
    raise UserError(
        "bad_shape",
        "JSON 文件应为日期列表，或含 days 列表的对象",
        'JSON must be a list of days or an object with a "days" list',
    )


def read_file(path: Path) -> tuple[list[DayIn], str]:
    """Parse and validate an arrangement file; nothing is written.

    Accepted shapes: JSON ``{"source": ..., "days": [{date, kind, name}, ...]}`` or a bare
    JSON list of such objects, or CSV with the header ``date,kind,name``. ``kind`` is
    ``holiday`` (a rest day) or ``workday`` (a make-up working day, which must fall on a
    weekend). Raises ``UserError`` naming the first bad row.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise UserError(
            "no_file", f"无法读取文件：{path}（{e}）", f"Cannot read {path}: {e}"
        ) from None
    rows, source = _rows(path, text)
    out: list[DayIn] = []
    seen: dict[date, int] = {}
    for i, row in enumerate(rows, 1):
        try:
            if not isinstance(row, dict):
                raise TypeError
            d = date.fromisoformat(str(row["date"]).strip())
            kind = str(row["kind"]).strip()
        except (KeyError, ValueError, TypeError):
            raise UserError(
                "bad_row",
                f"第{i}条记录无效（应含 YYYY-MM-DD 格式的 date 和 kind）：{row}",
                f"Row {i} is invalid (needs date as YYYY-MM-DD and kind): {row}",
            ) from None
        if kind not in KINDS:
            raise UserError(
                "bad_kind",
                f"第{i}条记录的类型“{kind}”应为 holiday（休息）或 workday（调休上班）",
                f"Row {i}: kind '{kind}' must be holiday or workday",
            )
        if kind == "workday" and d.weekday() < 5:
            raise UserError(
                "bad_workday",
                f"第{i}条：调休上班日 {d} 不是周六或周日",
                f"Row {i}: make-up working day {d} is not a Saturday or Sunday",
            )
        if d in seen:
            raise UserError(
                "duplicate",
                f"第{i}条：日期 {d} 与第{seen[d]}条重复",
                f"Row {i}: date {d} repeats row {seen[d]}",
            )
        seen[d] = i
        out.append(DayIn(d, kind, str(row.get("name") or "").strip()[:40]))
    if not out:
        raise UserError("empty", "文件中没有日期", "The file lists no dates")
    return out, source


@transaction.atomic
def load_days(days: Iterable[DayIn], source: str, *, replace: bool = False) -> LoadResult:
    """Insert or update the given days in one transaction, and mark the years they cover
    as loaded (``mark_loaded``). Idempotent.

    With ``replace``, rows of the years the file covers that the file no longer lists are
    deleted, so a corrected notice fully supersedes the earlier one. The calendar cache is
    cleared now and again after commit, so no process keeps a stale calendar.
    """

    days = list(days)
    source = source[:200]
    existing = {
        c.date: c
        for c in CalendarDay.objects.select_for_update().filter(date__in=[d.date for d in days])
    }
    created = updated = unchanged = deleted = 0
    for d in days:
        row = existing.get(d.date)
        if row is None:
            CalendarDay.objects.create(date=d.date, kind=d.kind, name=d.name, source=source)
            created += 1
        elif (row.kind, row.name, row.source) == (d.kind, d.name, source):
            unchanged += 1
        else:
            row.kind, row.name, row.source = d.kind, d.name, source
            row.save(update_fields=["kind", "name", "source"])
            updated += 1
    if replace:
        years = {d.date.year for d in days}
        stale = CalendarDay.objects.filter(date__year__in=years).exclude(
            date__in=[d.date for d in days]
        )
        deleted, _ = stale.delete()
    marked = mark_loaded({d.date.year for d in days}, source)
    return LoadResult(created, updated, unchanged, deleted, tuple(marked))


def shipped_path(year: int) -> Path:
    """The shipped file of ``year``; ``UserError`` if none ships."""
    path = DATA / f"holidays-{year}.json"
    if not path.exists():
        raise UserError(
            "no_year",
            f"系统未附带{year}年的节假日安排，请用 --file 指定国务院办公厅通知整理成的文件",
            f"No arrangement for {year} ships with the system; pass --file",
        )
    return path
