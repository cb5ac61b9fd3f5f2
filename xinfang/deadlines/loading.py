"""Loading holiday arrangements (the State Council's annual notice) into the calendar."""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from django.db import transaction

from xinfang.core.errors import UserError

from . import calendar

DATA = Path(__file__).resolve().parent / "data"


@dataclass(frozen=True)
class DayIn:
    date: date
    kind: str
    name: str


def shipped_years() -> list[int]:
    return sorted(int(p.stem.split("-")[1]) for p in DATA.glob("holidays-*.json"))


def read_file(path: Path) -> tuple[list[DayIn], str]:
    """Parse a JSON file ({"source", "days": [{date, kind, name}]}) or a CSV file with
    columns date,kind,name. Raises UserError naming the bad line."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as e:
        raise UserError("no_file", f"无法读取文件：{path}", f"Cannot read {path}: {e}") from None
    rows: list[dict[str, Any]]
    source = ""
    if path.suffix.lower() == ".csv":
        rows = list(csv.DictReader(text.splitlines()))
    else:
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as e:
            raise UserError("bad_json", f"文件不是有效的JSON：{e}", f"Invalid JSON: {e}") from None
        rows = doc.get("days", []) if isinstance(doc, dict) else doc
        source = doc.get("source", "") if isinstance(doc, dict) else ""
    out = []
    for i, row in enumerate(rows, 1):
        try:
            d = date.fromisoformat(str(row["date"]).strip())
            kind = str(row["kind"]).strip()
        except (KeyError, ValueError, TypeError):
            raise UserError(
                "bad_row", f"第{i}条记录无效：{row}", f"Row {i} is invalid: {row}"
            ) from None
        if kind not in ("holiday", "workday"):
            raise UserError(
                "bad_kind",
                f"第{i}条记录的类型应为 holiday 或 workday",
                f"Row {i}: kind must be holiday or workday",
            )
        if kind == "workday" and d.weekday() < 5:
            raise UserError(
                "bad_workday",
                f"第{i}条：调休上班日{d}不是周末",
                f"Row {i}: make-up working day {d} is not a weekend day",
            )
        out.append(DayIn(d, kind, str(row.get("name", "")).strip()[:40]))
    if not out:
        raise UserError("empty", "文件中没有日期", "The file lists no dates")
    return out, source


def load_days(days: list[DayIn], source: str) -> tuple[int, int]:
    """Insert or update the given days; returns (created, updated). Idempotent."""
    from .models import CalendarDay

    created = updated = 0
    with transaction.atomic():
        for d in days:
            _, was_created = CalendarDay.objects.update_or_create(
                date=d.date, defaults={"kind": d.kind, "name": d.name, "source": source[:200]}
            )
            created += was_created
            updated += not was_created
    calendar.invalidate()
    return created, updated


def load_year(year: int) -> tuple[int, int]:
    path = DATA / f"holidays-{year}.json"
    if not path.exists():
        raise UserError(
            "no_year",
            f"没有随系统提供{year}年的节假日安排，请用 --file 指定文件",
            f"No shipped arrangement for {year}; pass --file",
        )
    days, source = read_file(path)
    return load_days(days, source)
