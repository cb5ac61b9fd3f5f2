"""The SQLite backend's writer lock: a second writer waits for the first to commit or roll
back, across connections, and gets the lock as soon as it is free. Runs on its own SQLite
file whatever database the suite uses."""

from __future__ import annotations

import fcntl
import os
import threading
import time
from pathlib import Path
from typing import Any

import pytest

from xinfang.core.sqlite.base import DatabaseWrapper


@pytest.fixture(autouse=True)
def _own_database(django_db_blocker: Any) -> Any:
    """These connections are to a file of the test's own, not the suite's database."""
    with django_db_blocker.unblock():
        yield


def _wrapper(path: Path, alias: str) -> DatabaseWrapper:
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


def _free(path: Path) -> bool:
    """Whether a third party could take the writer lock right now."""
    fd = os.open(f"{path}-writer.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return True
    finally:
        os.close(fd)


def test_second_writer_waits_for_the_first_to_commit(tmp_path: Path) -> None:
    db = tmp_path / "w.sqlite3"
    a = _wrapper(db, "a")
    with a.cursor() as c:
        c.execute("CREATE TABLE t (who TEXT, at REAL)")
    a._start_transaction_under_autocommit()
    assert not _free(db)
    with a.cursor() as c:
        c.execute("INSERT INTO t VALUES ('a', ?)", [time.monotonic()])
    got: dict[str, Any] = {}

    def second() -> None:
        b = _wrapper(db, "b")  # a connection of its own thread
        b.ensure_connection()
        b._start_transaction_under_autocommit()  # blocks until a commits
        got["at"] = time.monotonic()
        with b.cursor() as c:
            c.execute("INSERT INTO t VALUES ('b', ?)", [got["at"]])
            c.execute("SELECT who FROM t ORDER BY rowid")
            got["seen"] = [r[0] for r in c.fetchall()]
        b.commit()
        b.close()

    th = threading.Thread(target=second)
    th.start()
    time.sleep(0.3)
    assert "at" not in got  # still waiting
    committed = time.monotonic()
    a.commit()
    th.join(5)
    assert not th.is_alive()
    assert got["at"] >= committed and got["seen"] == ["a", "b"]
    assert _free(db)
    a.close()


def test_rollback_and_close_release_the_lock(tmp_path: Path) -> None:
    db = tmp_path / "r.sqlite3"
    a = _wrapper(db, "a")
    a.ensure_connection()
    a._start_transaction_under_autocommit()
    assert not _free(db)
    a.rollback()
    assert _free(db)
    a._start_transaction_under_autocommit()
    assert not _free(db)
    a.close()
    assert _free(db)
