"""SQLite: the FTS5 shadow tables keep no planner statistics (a stale row made every
segment merge read the whole index), other tables keep theirs."""

from __future__ import annotations

import pytest
from django.db import connection

from xinfang.search.services import analyze

from ..factories import World, register

pytestmark = pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite FTS5 only")


def _stat_tables() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {r[0] for r in cur.fetchall()}


def test_analyze_forgets_fts_statistics_only(world: World) -> None:
    register(world)
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # what the seeder does before the rebuild
    before = _stat_tables()
    assert {"search_fts_data", "search_fts_idx", "cases_matter"} <= before
    analyze()
    after = _stat_tables()
    assert {t for t in after if t.startswith("search_fts_")} == set()
    assert after == {t for t in before if not t.startswith("search_fts_")}


def test_analyze_without_statistics_table(world: World) -> None:
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS sqlite_stat1")
    analyze()  # must not fail when ANALYZE never ran
    assert {t for t in _stat_tables() if t.startswith("search_fts_")} == set()
