"""Model instances from one hand-written SELECT, for the few reads every API request makes.

Each API registration reads its token with the user, the user's memberships with their
units, and the units and topic it names. Through querysets those reads cost mostly Python
time (building and compiling the query, not running it), a large share of the request's CPU.
``Columns`` writes a model's column list once and turns a result row back into an instance
exactly as the ORM does: the database's and the field's own converters, then
``Model.from_db``. The SQL is the caller's; the instances are ordinary ones (saved, compared
and displayed as any other).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import connection, models

Converter = Callable[[Any, Any, Any], Any]
M = TypeVar("M", bound=models.Model)


class Columns(Generic[M]):
    """The concrete columns of ``model`` under the table alias ``alias``."""

    def __init__(self, model: type[M], alias: str) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        pk = model._meta.pk
        assert pk is not None
        self._pk = self.names.index(pk.attname)
        self.alias = alias
        self._conv: dict[str, list[tuple[int, list[Converter], Any]]] = {}

    def __len__(self) -> int:
        return len(self.fields)

    @cached_property
    def sql(self) -> str:
        """``alias."column", …`` in field order."""
        qn = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{qn(f.column)}" for f in self.fields)

    def _converters(self) -> list[tuple[int, list[Converter], Any]]:
        """(position, converters, expression) of every field that has converters on this
        connection's database (what ``SQLCompiler.get_converters`` collects)."""
        vendor = connection.vendor
        got = self._conv.get(vendor)
        if got is None:
            got = []
            for i, f in enumerate(self.fields):
                col = f.get_col(self.model._meta.db_table)
                fs = connection.ops.get_db_converters(col) + col.get_db_converters(connection)
                if fs:
                    got.append((i, fs, col))
            self._conv[vendor] = got
        return got

    def build(self, row: Sequence[Any], start: int = 0) -> M | None:
        """The instance in ``row[start:start + len(self)]``; None where its primary key is
        NULL (the absent side of a LEFT JOIN)."""
        values = list(row[start : start + len(self.fields)])
        if values[self._pk] is None:
            return None
        for i, fs, col in self._converters():
            v = values[i]
            for conv in fs:
                v = conv(v, col, connection)
            values[i] = v
        return self.model.from_db(connection.alias, self.names, values)


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return cur.fetchall()


class Insert(Generic[M]):
    """``INSERT`` of new ``model`` rows with their column values prepared beforehand.

    What ``obj.save(force_insert=True)`` and ``bulk_create`` write (each field's
    ``pre_save`` and ``get_db_prep_save``: encryption, JSON, time zones), split in two:
    ``prepare`` before the write transaction, ``run`` inside it. On SQLite, with one
    writer at a time, every millisecond spent holding the write lock is a millisecond no
    other registration can write (with several API clients writing at once the lock is
    never free), so the lock is kept for sending rows. Values not known until the
    transaction (a receipt number, the matter's key) are ``late``: given to ``run``.
    ``keyed``: the rows carry their keys (from ``next_key``) instead of getting them from
    the insert."""

    def __init__(self, model: type[M], *, keyed: bool = False) -> None:
        meta = model._meta
        self.model = model
        self.keyed = keyed
        self.fields = [f for f in meta.local_concrete_fields if keyed or f is not meta.auto_field]
        self.names = [f.attname for f in self.fields]
        self._at = {f.attname: i for i, f in enumerate(self.fields)}

    def prepare(self, obj: M, late: Sequence[str] = ()) -> list[Any]:
        """The column values of ``obj``; those of ``late`` fields are filled by ``run``."""
        return [
            None if f.attname in late else f.get_db_prep_save(f.pre_save(obj, True), connection)
            for f in self.fields
        ]

    def run(self, objs: Sequence[M], rows: Sequence[list[Any]], **late: Any) -> None:
        """Insert ``objs`` (their ``prepare``d ``rows``) in one statement, ``late`` values
        set on every object first; each object gets its key and is saved, as after
        ``save()``."""
        if not objs:
            return
        for obj, row in zip(objs, rows, strict=True):
            for name, value in late.items():
                setattr(obj, name, value)
                i = self._at[name]
                f = self.fields[i]
                row[i] = f.get_db_prep_save(f.pre_save(obj, True), connection)
        qn = connection.ops.quote_name
        meta = self.model._meta
        cols = ", ".join(qn(f.column) for f in self.fields)
        marks = "(" + ", ".join(["%s"] * len(self.fields)) + ")"
        auto = None if self.keyed else meta.auto_field
        sql = f"INSERT INTO {qn(meta.db_table)} ({cols}) VALUES " + ", ".join([marks] * len(rows))
        if auto is not None:
            sql += f" RETURNING {qn(auto.column)}"
        with connection.cursor() as cur:
            cur.execute(sql, [v for row in rows for v in row])
            keys = [r[0] for r in cur.fetchall()] if auto is not None else []
        for i, obj in enumerate(objs):
            if auto is not None:
                setattr(obj, auto.attname, keys[i])
            obj._state.adding = False
            obj._state.db = connection.alias


_SEQUENCES: dict[str, str] = {}  # PostgreSQL: table → the sequence of its key


def next_key(model: type[models.Model]) -> int:
    """Take the key the next row of ``model`` (an auto-increment key) would get, so that
    rows pointing at it can be written before it (the foreign keys are checked at commit).
    PostgreSQL: ``nextval`` of the key's sequence (never handed out twice, even if the
    caller rolls back). SQLite: one past its ``sqlite_sequence`` entry, what
    ``AUTOINCREMENT`` would give; only inside a write transaction, whose lock keeps every
    other writer out until the row is in."""
    meta = model._meta
    assert meta.pk is not None
    table, column = meta.db_table, meta.pk.column
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            seq = _SEQUENCES.get(table)
            if seq is None:  # the function parses an identifier: quoted
                qn = connection.ops.quote_name(table)
                cur.execute("SELECT pg_get_serial_sequence(%s, %s)", [qn, column])
                seq = _SEQUENCES[table] = cur.fetchone()[0]
            cur.execute("SELECT nextval(%s)", [seq])
            return int(cur.fetchone()[0])
        assert connection.in_atomic_block, "next_key on SQLite needs the write transaction"
        cur.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cur.fetchone()
        return (int(row[0]) if row else 0) + 1
