"""Django's SQLite backend with writers queued on an OS file lock.

SQLite has one writer at a time. A connection that finds the write lock taken sleeps in
SQLite's busy handler in growing steps (up to 100 ms) and retries, so under steady
concurrent writes an unlucky writer can lose the race again and again: a long tail of
waits while the lock is free most of the time. Here each write transaction (every atomic
block: they are ``BEGIN IMMEDIATE``) first takes an exclusive ``flock`` on a file beside the
database, which the kernel hands to the next waiter the moment it is released, across
all threads and worker processes on the host. The lock is released when the transaction
commits or rolls back, or when the connection closes.

WAL checkpoints run after the lock is released. SQLite's automatic checkpoint (every 1,000
pages of WAL) runs inside the commit that crosses the threshold, while the lock is held and
every queued writer waits. Here the commit that finds the last checkpoint
``CHECKPOINT_EVERY`` seconds old runs a passive one once the lock is free (it waits for no
one and no one waits for it); the automatic checkpoint stays, at ``FALLBACK_PAGES``, for
writes that never commit through here (autocommit statements).
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import time
from typing import Any

from django.db.backends.sqlite3 import base, creation

CHECKPOINT_EVERY = 0.25  # seconds
FALLBACK_PAGES = 10_000  # wal_autocheckpoint: 40 MB of WAL


class DatabaseCreation(creation.DatabaseCreation):
    """Removes a test database's companions with it: its WAL, shared-memory index and
    writer lock file, which Django's removal of the database file leaves behind."""

    def _destroy_test_db(self, test_database_name: str, verbosity: int) -> None:
        super()._destroy_test_db(test_database_name, verbosity)  # type: ignore[misc]  # not in the stubs
        if not self.is_in_memory_db(test_database_name):
            for suffix in ("-wal", "-shm", "-writer.lock"):
                with contextlib.suppress(FileNotFoundError):
                    os.remove(f"{test_database_name}{suffix}")


class DatabaseWrapper(base.DatabaseWrapper):
    creation_class = DatabaseCreation

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._writer_fd: int | None = None
        self._writer_held = False
        self._checkpointed = 0.0

    def get_new_connection(self, conn_params: Any) -> Any:
        conn = super().get_new_connection(conn_params)
        conn.execute(f"PRAGMA wal_autocheckpoint={FALLBACK_PAGES}")
        return conn

    def _writer_lock_path(self) -> str | None:
        name = str(self.settings_dict["NAME"])
        if not name or name == ":memory:" or name.startswith("file:"):
            return None
        return f"{name}-writer.lock"

    def _take_writer_lock(self) -> None:
        if self._writer_held:
            return
        if self._writer_fd is None:
            path = self._writer_lock_path()
            if path is None:
                return
            self._writer_fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        fcntl.flock(self._writer_fd, fcntl.LOCK_EX)  # the GIL is released while waiting
        self._writer_held = True

    def _drop_writer_lock(self) -> None:
        if self._writer_held and self._writer_fd is not None:
            fcntl.flock(self._writer_fd, fcntl.LOCK_UN)
        self._writer_held = False

    def _start_transaction_under_autocommit(self) -> None:
        self._take_writer_lock()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._drop_writer_lock()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._drop_writer_lock()
        now = time.monotonic()
        if now - self._checkpointed >= CHECKPOINT_EVERY and self._writer_fd is not None:
            self._checkpointed = now
            # a failure (a busy WAL) leaves it to the next commit or the fallback
            with contextlib.suppress(sqlite3.Error):
                self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._drop_writer_lock()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._drop_writer_lock()
            if self._writer_fd is not None:
                os.close(self._writer_fd)
                self._writer_fd = None
