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


pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL only")


@pg
def test_one_set_for_several_windows_and_reset_after(world: World) -> None:
    for i in range(3):
        register(world, title=f"锦绣花园漏水第{i}次", content="锦绣花园三栋楼顶漏水，物业不修。")
    be = backend()
    assert isinstance(be, PostgresBackend)
    apart = [be.newest(t, limit=5, share=0.5) for t in ("锦绣", "漏水")]
    statements: list[str] = []

    def seen(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        statements.append(sql)
        return execute(sql, params, many, context)

    be2 = backend()
    assert isinstance(be2, PostgresBackend)
    with connection.execute_wrapper(seen), be2.bitmaps():
        together = [be2.newest(t, limit=5, share=0.5) for t in ("锦绣", "漏水")]
    assert together == apart and len(apart[0]) == 3
    assert [s for s in statements if "enable_indexscan" in s] == [
        "SET enable_indexscan = off",
        "RESET enable_indexscan",
    ]
    # max() of the key was read before the SET, from the index
    assert statements.index("SELECT max(matter_id) FROM search_searchdoc") == 0
    with connection.cursor() as cur:
        cur.execute("SHOW enable_indexscan")
        assert cur.fetchone()[0] == "on"
    # a suggestion fetches its tokens' windows under one SET
    statements.clear()
    with connection.execute_wrapper(seen):
        similar_matters(user=world.registrar, title="锦绣花园漏水", text="锦绣花园三栋楼顶漏水")
    fetched = [s for s in statements if "tsv @@" in s]
    assert len(fetched) >= 2
    assert [s for s in statements if "enable_indexscan" in s] == [
        "SET enable_indexscan = off",
        "RESET enable_indexscan",
    ]
