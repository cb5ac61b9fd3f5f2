"""SQLite writers of one process queue in order in Python (xinfang.core.db.sqlite) instead
of sleeping in SQLite's busy handler. Runs on its own SQLite file whatever the suite's
database is."""

from __future__ import annotations

import threading
import time

import pytest
from django.db import connections, transaction
from django.db.utils import ConnectionHandler

from xinfang.core.db.sqlite import base

ALIAS = "writers"


@pytest.fixture
def handler(tmp_path, django_db_blocker):
    """A database of its own, under an alias of its own (``transaction.atomic(using=…)``
    looks aliases up in ``django.db.connections``)."""
    name = str(tmp_path / "w.sqlite3")
    cfg = {
        "ENGINE": "xinfang.core.db.sqlite",
        "NAME": name,
        "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 5},
    }
    connections.settings[ALIAS] = ConnectionHandler({"default": cfg}).settings["default"]
    with django_db_blocker.unblock():
        with connections[ALIAS].cursor() as cur:
            cur.execute("CREATE TABLE t (who TEXT, at REAL)")
        yield connections, name
        connections[ALIAS].close()
    del connections[ALIAS]
    del connections.settings[ALIAS]


def test_writers_queue_in_order_and_release_on_commit_rollback_and_close(handler) -> None:
    h, name = handler
    lock = base._lock(name)
    order: list[str] = []
    a_in = threading.Event()
    errors: list[BaseException] = []

    def a() -> None:
        try:
            c = h[ALIAS]  # each thread its own connection
            with transaction.atomic(using=ALIAS):
                c.cursor().execute("INSERT INTO t VALUES ('a', ?)", [time.monotonic()])
                a_in.set()
                time.sleep(0.3)
                order.append("a commits")
            c.close()
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    def b() -> None:
        try:
            a_in.wait(5)
            c = h[ALIAS]
            with transaction.atomic(using=ALIAS):
                order.append("b begins")
                c.cursor().execute("INSERT INTO t VALUES ('b', ?)", [time.monotonic()])
            c.close()
        except BaseException as e:  # pragma: no cover
            errors.append(e)

    ts = [threading.Thread(target=a), threading.Thread(target=b)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(10)
    assert not errors and order == ["a commits", "b begins"]
    assert not lock.locked()
    c = h[ALIAS]
    with pytest.raises(RuntimeError), transaction.atomic(using=ALIAS):
        c.cursor().execute("INSERT INTO t VALUES ('x', 0)")
        assert lock.locked()
        raise RuntimeError("rolled back")
    assert not lock.locked()  # released by the rollback
    rows = c.cursor().execute("SELECT who FROM t ORDER BY at").fetchall()
    assert [r[0] for r in rows] == ["a", "b"]
    transaction.set_autocommit(False, using=ALIAS)
    c.close()  # closing mid-transaction releases too
    assert not lock.locked()


def test_a_writer_that_waits_too_long_falls_back_to_sqlites_lock(handler, monkeypatch) -> None:
    h, name = handler
    monkeypatch.setattr(base, "WAIT", 0.1)
    lock = base._lock(name)
    lock.acquire()  # as if another thread of the process never finished
    try:
        t = time.monotonic()
        with transaction.atomic(using=ALIAS):
            h[ALIAS].cursor().execute("INSERT INTO t VALUES ('late', 0)")
        assert 0.1 <= time.monotonic() - t < 2
    finally:
        lock.release()
    h[ALIAS].close()
