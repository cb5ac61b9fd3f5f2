"""SQLite files of a test's own, opened through Xinfang's SQLite backend, whatever
database the suite uses (with the ``own_database`` fixture)."""

from __future__ import annotations

from pathlib import Path

from xinfang.core.sqlite.base import DatabaseWrapper


def sqlite_file(path: Path, alias: str) -> DatabaseWrapper:
    return DatabaseWrapper(
        {
            "ENGINE": "xinfang.core.sqlite",
            "NAME": str(path),
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
            "TIME_ZONE": None,
            "CONN_MAX_AGE": 0,
            "CONN_HEALTH_CHECKS": False,
            "AUTOCOMMIT": True,
            "ATOMIC_REQUESTS": False,
            "USER": "",
            "PASSWORD": "",
            "HOST": "",
            "PORT": "",
            "TEST": {},
        },
        alias,
    )
