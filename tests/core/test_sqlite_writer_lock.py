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

from xinfang.core.sqlite import base
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


def test_checkpoint_runs_after_the_lock_is_released(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A commit runs the WAL checkpoint once the writer lock is free (SQLite's automatic
    one ran inside the commit, with the lock held), at most every CHECKPOINT_EVERY
    seconds; the automatic one stays as a fallback at FALLBACK_PAGES."""
    db = tmp_path / "c.sqlite3"
    a = _wrapper(db, "a")
    with a.cursor() as c:
        c.execute("PRAGMA journal_mode=WAL")
        c.execute("CREATE TABLE t (x INTEGER)")
        c.execute("PRAGMA wal_autocheckpoint")
        assert c.fetchone()[0] == base.FALLBACK_PAGES
    seen: list[tuple[str, bool]] = []
    a.connection.set_trace_callback(
        lambda sql: seen.append((sql, _free(db))) if "wal_checkpoint" in sql else None
    )

    def write() -> None:
        a._start_transaction_under_autocommit()
        with a.cursor() as c:
            c.executemany("INSERT INTO t VALUES (?)", [(i,) for i in range(500)])
        a.commit()

    write()
    assert seen == [("PRAGMA wal_checkpoint(PASSIVE)", True)]
    monkeypatch.setattr(base, "CHECKPOINT_EVERY", 3600.0)
    write()  # the last checkpoint is recent: left to a later commit
    assert len(seen) == 1
    a._checkpointed -= 3600.0
    write()
    assert seen[1:] == [("PRAGMA wal_checkpoint(PASSIVE)", True)]
    a.close()


def test_destroying_a_test_database_removes_its_companions(tmp_path) -> None:
    """WAL, shared-memory index and writer lock go with the test database file, so test
    runs leave nothing in the data directory."""
    from django.db import connection

    from xinfang.core.sqlite.base import DatabaseCreation

    name = tmp_path / "test-1.sqlite3"
    for suffix in ("", "-wal", "-shm", "-writer.lock"):
        (tmp_path / f"{name.name}{suffix}").write_bytes(b"x")
    (tmp_path / "other.sqlite3-wal").write_bytes(b"x")
    DatabaseCreation(connection)._destroy_test_db(str(name), 0)
    assert [p.name for p in tmp_path.iterdir()] == ["other.sqlite3-wal"]
