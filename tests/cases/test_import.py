"""Bulk import: good rows land whole, bad rows are reported, and a SIGKILL mid-import
leaves no partial matter (a real subprocess against a real database file)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from openpyxl import Workbook

from xinfang.actions.importing import COLUMNS
from xinfang.cases.models import Event, Matter, Petitioner

from ..factories import World, build_world


def sheet(path: Path, n: int, *, bad_row: int | None = None) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.append(COLUMNS)
    for i in range(n):
        ws.append(
            [
                datetime(2026, 11, 1, 9, 0),
                "来信",
                "申诉求决" if i != bad_row else "乱写",
                "住房城建",
                f"第{i}封来信反映楼顶漏水",
                "请求维修楼顶",
                "多次反映无果",
                f"来信人{i}",
                "13800000000",
                "城关镇",
            ]
        )
    wb.save(path)
    return path


def test_import_reports_bad_rows(world: World, tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "import_matters",
        str(sheet(tmp_path / "a.xlsx", 5, bad_row=2)),
        "--unit",
        str(world.office.pk),
        "--user",
        "registrar",
        "--verbosity",
        "0",
        stdout=out,
    )
    assert "导入 4 件" in out.getvalue() and "第4行" in out.getvalue()
    assert Matter.objects.count() == 4
    assert all(m.petitioners.count() == 1 for m in Matter.objects.all())


def database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{db['NAME']}"
    return (
        f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{db['NAME']}"
    )


@pytest.mark.django_db(transaction=True)
def test_sigkill_mid_import_leaves_no_partial_matter(tmp_path: Path) -> None:
    w = build_world()
    path = sheet(tmp_path / "big.xlsx", 3000)
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_SETTINGS_MODULE": "xinfang.settings",
    }
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xinfang.cli",
            "import_matters",
            str(path),
            "--unit",
            str(w.office.pk),
            "--user",
            "registrar",
            "--verbosity",
            "0",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while Matter.objects.count() < 40 and time.monotonic() < deadline:
        time.sleep(0.2)
    proc.send_signal(signal.SIGKILL)
    proc.wait(30)
    n = Matter.objects.count()
    assert 40 <= n < 3000
    # every matter is whole: its petitioner, its register event, its hash head
    assert Petitioner.objects.count() == n
    assert Event.objects.filter(action="register").count() == n
    assert not Matter.objects.filter(event_count=0).exists()
    assert not Matter.objects.filter(last_hash="").exists()
    from xinfang.cases.audit import verify_events

    assert list(verify_events()) == []
