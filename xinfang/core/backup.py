"""Backup and restore of the whole database.

SQLite: the online backup API (consistent while the server keeps running).
PostgreSQL: ``pg_dump --format=custom`` and ``pg_restore --clean``.
Uploaded files live under ``XINFANG_DATA_DIR/media``: back that folder up alongside.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path
from typing import Any

from django.db import connection

from .errors import UserError


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or "postgres"),
        "-d",
        str(db["NAME"]),
    ]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(
            "no_tool",
            f"未找到 {name}，请安装 PostgreSQL 客户端",
            f"{name} not found: install the PostgreSQL client",
        )
    return path


def backup(target: Path) -> Path:
    db = connection.settings_dict
    target.parent.mkdir(parents=True, exist_ok=True)
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        src = connection.connection
        with sqlite3.connect(target) as dst:
            src.backup(dst)
        return target
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        subprocess.run(
            [_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(target), *args],
            check=True,
            env=env,
            capture_output=True,
        )
        return target
    raise UserError("vendor", f"不支持的数据库：{connection.vendor}", "Unsupported database")


def restore(source: Path) -> None:
    """Replace the database's contents with the backup's. Stop the web workers first."""
    if not source.is_file():
        raise UserError("no_file", f"备份文件不存在：{source}", f"No backup file at {source}")
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        with sqlite3.connect(source) as src:
            if src.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise UserError("corrupt", "备份文件已损坏", "The backup file is corrupt")
            connection.ensure_connection()
            src.backup(connection.connection)
        return
    if connection.vendor == "postgresql":
        args, env = _pg_env(db)
        connection.close()
        subprocess.run(
            [
                _tool("pg_restore"),
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                *args,
                str(source),
            ],
            check=True,
            env=env,
            capture_output=True,
        )
        return
    raise UserError("vendor", f"不支持的数据库：{connection.vendor}", "Unsupported database")
