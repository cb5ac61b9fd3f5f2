"""The PostgreSQL backend turns index scans off around its ranged queries and always turns
them back on; a failed transaction's error is never masked by the reset; inside
``bitmaps`` (a suggestion's several token windows) it is set once."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection

from xinfang.search.backends import PostgresBackend, backend
from xinfang.search.similar import similar_matters

from ..factories import World, register


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
    with PostgresBackend()._bitmaps(cur):
        assert cur.sql == ["SET enable_indexscan = off"]
    assert cur.sql == ["SET enable_indexscan = off", "RESET enable_indexscan"]


def test_the_query_error_is_the_one_raised() -> None:
    cur = Cursor(fail_reset=True)
    with pytest.raises(ValueError, match="the query failed"), PostgresBackend()._bitmaps(cur):
        raise ValueError("the query failed")
    assert cur.sql[-1] == "RESET enable_indexscan"


def test_inside_bitmaps_nothing_is_set_again() -> None:
    be, cur = PostgresBackend(), Cursor()
    be._bitmapped = True
    with be._bitmaps(cur):
        pass
    assert cur.sql == []


def test_a_suggestions_windows_share_one_set(world: World) -> None:
    """PostgreSQL: one SET/RESET pair for all of a suggestion's token windows, the same
    matches as window by window, index scans on again after. SQLite sets nothing."""
    for i in range(3):
        register(world, title=f"锦绣花园漏水第{i}次", content="锦绣花园三栋楼顶漏水，物业不修。")
    statements: list[str] = []

    def seen(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(seen):
        similar_matters(user=world.registrar, title="锦绣花园漏水", text="锦绣花园三栋楼顶漏水")
    toggles = [s for s in statements if "enable_indexscan" in s]
    if connection.vendor != "postgresql":
        assert toggles == [] and len([s for s in statements if "MATCH" in s]) >= 2
        return
    assert len([s for s in statements if "tsv @@" in s]) >= 2
    assert toggles == ["SET enable_indexscan = off", "RESET enable_indexscan"]
    # max() of the key was read before the SET, from the key's index
    top = statements.index("SELECT max(matter_id) FROM search_searchdoc")
    assert top < statements.index("SET enable_indexscan = off")
    with connection.cursor() as cur:
        cur.execute("SHOW enable_indexscan")
        assert cur.fetchone()[0] == "on"
    apart, be = backend(), backend()
    assert isinstance(apart, PostgresBackend) and isinstance(be, PostgresBackend)
    one_by_one = [apart.newest(t, limit=5, share=0.5) for t in ("锦绣", "漏水")]
    with be.bitmaps():
        together = [be.newest(t, limit=5, share=0.5) for t in ("锦绣", "漏水")]
    assert together == one_by_one and len(together[0]) == 3
