"""Planner statistics of the search index after ``analyze()``.

SQLite: the FTS5 shadow tables keep no statistics (a stale row made every segment merge
read the whole index), other tables keep theirs. PostgreSQL: the index tables are analysed
(without lexeme statistics the planner walked the whole key for a rare term)."""

from __future__ import annotations

from django.db import connection

from xinfang.search.services import analyze

from ..factories import World, register


def _stat_tables() -> set[str]:
    with connection.cursor() as cur:
        cur.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {r[0] for r in cur.fetchall()}


def test_analyze_keeps_useful_statistics_only(world: World) -> None:
    register(world)
    if connection.vendor == "postgresql":
        analyze()
        with connection.cursor() as cur:
            cur.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'search_searchdoc'")
            assert cur.fetchone()[0] > 0  # the planner has column statistics
        return
    with connection.cursor() as cur:
        cur.execute("ANALYZE")  # what the seeder does before the rebuild
    before_tables = _stat_tables()
    assert {"search_fts_data", "search_fts_idx", "cases_matter"} <= before_tables
    analyze()
    after = _stat_tables()
    assert {t for t in after if t.startswith("search_fts_")} == set()
    assert after == {t for t in before_tables if not t.startswith("search_fts_")}


def test_analyze_without_statistics_table(world: World) -> None:
    if connection.vendor == "postgresql":
        analyze()  # a fresh database: must not fail either
        return
    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS sqlite_stat1")
    analyze()  # must not fail when ANALYZE never ran
    assert {t for t in _stat_tables() if t.startswith("search_fts_")} == set()
