"""The PostgreSQL backend turns index scans off around its ranged queries and always turns
them back on; a failed transaction's error is never masked by the reset."""

from __future__ import annotations

import pytest
from django.db import DatabaseError

from xinfang.search.backends import PostgresBackend


class Cursor:
    def __init__(self, fail_reset: bool = False) -> None:
        self.sql: list[str] = []
        self.fail_reset = fail_reset

    def execute(self, sql: str) -> None:
        self.sql.append(sql)
        if sql.startswith("RESET") and self.fail_reset:
            raise DatabaseError("current transaction is aborted")


def test_set_then_reset() -> None:
    cur = Cursor()
    with PostgresBackend._bitmaps(cur):
        assert cur.sql == ["SET enable_indexscan = off"]
    assert cur.sql == ["SET enable_indexscan = off", "RESET enable_indexscan"]


def test_the_query_error_is_the_one_raised() -> None:
    cur = Cursor(fail_reset=True)
    with pytest.raises(ValueError, match="the query failed"), PostgresBackend._bitmaps(cur):
        raise ValueError("the query failed")
    assert cur.sql[-1] == "RESET enable_indexscan"
