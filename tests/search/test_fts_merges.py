"""SQLite: FTS5's automerge is off (search 0006) and every index write merges a step
itself, so the index stays a few segments per level without a burst inside one write."""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any

import pytest

from xinfang.search import backends
from xinfang.search.backends import SQLiteBackend
from xinfang.search.text import tokens

from ..sqlite_files import sqlite_file

TABLES = importlib.import_module("xinfang.search.migrations.0002_index_tables")


def _varint(b: bytes, i: int) -> tuple[int, int]:
    v = 0
    for k in range(9):
        c = b[i]
        i += 1
        if k == 8:
            return (v << 8) | c, i
        v = (v << 7) | (c & 0x7F)
        if not c & 0x80:
            return v, i
    raise AssertionError("unreachable")


def segments_per_level(cur: Any) -> list[int]:
    """The segment count of each level, from FTS5's structure record (row 10 of the data
    table: a cookie, an optional version tag, the level and segment counts, the write
    counter, then per level its merge state and segment count and per segment three
    numbers, five in version 2)."""
    cur.execute("SELECT block FROM search_fts_data WHERE id = 10")
    b = bytes(cur.fetchone()[0])
    v2 = b[4:8] == b"\xff\x00\x00\x01"
    i = 8 if v2 else 4
    nlevel, i = _varint(b, i)
    _segments, i = _varint(b, i)
    _writes, i = _varint(b, i)
    out = []
    for _ in range(nlevel):
        _merge, i = _varint(b, i)
        n, i = _varint(b, i)
        for _ in range(n * (5 if v2 else 3)):
            _, i = _varint(b, i)
        out.append(n)
    return out


def _index(path: Path, docs: int) -> list[int]:
    """Write ``docs`` documents to a new index at ``path``, one write transaction each
    (as registrations are); the segments per level then."""
    w = sqlite_file(path, path.stem)
    with w.cursor() as cur:
        for sql in TABLES.SQLITE_UP:
            cur.execute(sql)
        cur.execute("CREATE TABLE search_searchdoc (matter_id INTEGER PRIMARY KEY, source BLOB)")
        cur.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)")
    be = SQLiteBackend()
    for i in range(docs):
        w._start_transaction_under_autocommit()
        with w.cursor() as cur:
            doc = (tokens(f"第{i}号楼顶漏水"), tokens("请求维修楼顶防水层"), [], tokens("张三"))
            be.write(cur, [(i + 1, None, doc, b"")])
        w.commit()
    with w.cursor() as cur:
        levels = segments_per_level(cur)
        cur.execute("SELECT count(*) FROM search_fts WHERE search_fts MATCH '\"楼顶\"'")
        assert cur.fetchone()[0] == docs
    w.close()
    return levels


def test_each_write_merges_a_step(tmp_path: Path, own_database: None) -> None:
    levels = _index(tmp_path / "steps.sqlite3", 40)
    assert sum(levels) >= 1 and max(levels) <= 4, levels


def test_without_the_steps_only_crisis_merges(
    tmp_path: Path, own_database: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The control: with merge steps of no pages, FTS5 merges only in a crisis (16
    segments on a level), and 40 writes leave more than 4 on a level."""
    monkeypatch.setattr(backends, "MERGE_PAGES", 0)
    assert max(_index(tmp_path / "none.sqlite3", 40)) > 4
