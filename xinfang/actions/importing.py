"""Bulk import of matters from an Excel sheet (e.g. letters logged elsewhere).

Each row is registered through ``register_matter`` in its own transaction, so an
interrupted import (even a killed process) leaves whole matters only, never part of one;
rerunning with ``--skip`` continues after the rows already done.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from django.utils import timezone
from openpyxl import load_workbook

from xinfang.cases.models import Category, Channel, Topic
from xinfang.core.errors import UserError
from xinfang.org.models import Unit, User

from .registration import register_matter

COLUMNS = [
    "收到时间",
    "渠道",
    "性质",
    "问题类别",
    "摘要",
    "诉求",
    "事实和理由",
    "姓名",
    "电话",
    "地址",
]
CHANNELS = {str(label): value for value, label in Channel.choices}
CATEGORIES = {str(label): value for value, label in Category.choices}


@dataclass
class ImportResult:
    imported: int = 0
    errors: list[str] = field(default_factory=list)


def rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    try:
        wb = load_workbook(path, read_only=True)
    except Exception as e:
        raise UserError(
            "bad_file", f"无法读取Excel文件：{e}", f"Cannot read the workbook: {e}"
        ) from None
    ws = wb.active
    assert ws is not None
    it = ws.iter_rows(values_only=True)
    header = [str(c or "").strip() for c in next(it, ())]
    missing = [c for c in COLUMNS[:6] if c not in header]
    if missing:
        raise UserError(
            "bad_header", f"缺少列：{'、'.join(missing)}", f"Missing columns: {missing}"
        )
    for n, values in enumerate(it, start=2):
        if not any(values):
            continue
        yield n, dict(zip(header, values, strict=False))


def import_matters(
    path: Path,
    *,
    unit: Unit,
    by: User,
    skip: int = 0,
    progress: Callable[[int], None] = lambda n: None,
) -> ImportResult:
    res = ImportResult()
    topics = {t.name: t for t in Topic.objects.all()}
    for n, row in rows(path):
        if n - 1 <= skip:
            continue
        try:
            received = row.get("收到时间")
            if isinstance(received, str):
                received = datetime.fromisoformat(received)
            if not isinstance(received, datetime):
                raise UserError("bad_date", "收到时间无效", "Invalid received time")
            if timezone.is_naive(received):
                received = timezone.make_aware(received)
            register_matter(
                by=by,
                unit=unit,
                channel=CHANNELS.get(str(row.get("渠道") or "").strip(), "invalid"),
                category=CATEGORIES.get(str(row.get("性质") or "").strip(), "invalid"),
                topic=topics.get(str(row.get("问题类别") or "").strip()),
                title=str(row.get("摘要") or ""),
                content=str(row.get("诉求") or ""),
                facts=str(row.get("事实和理由") or ""),
                received_at=received,
                # records carried over from an earlier system are registered late by nature
                backdate_reason=str(row.get("补录原因") or "").strip() or "批量导入",
                petitioners=[
                    {
                        "name": str(row.get("姓名") or ""),
                        "phone": str(row.get("电话") or ""),
                        "address": str(row.get("地址") or ""),
                    }
                ],
            )
            res.imported += 1
        except UserError as e:
            res.errors.append(f"第{n}行：{e.zh}")
        progress(n)
    return res
