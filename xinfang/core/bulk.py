"""Plain-tuple inserts for the few bulk paths that write thousands of rows at once."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection


def insert_new(
    model: Any, fields: Sequence[str], rows: Sequence[Sequence[Any]], batch: int = 1000
) -> None:
    """``INSERT … ON CONFLICT DO NOTHING`` of ``rows`` (tuples in the order of ``fields``,
    values as the database takes them: see ``connection.ops.adapt_datefield_value`` and
    ``adapt_datetimefield_value``), for SQLite and PostgreSQL alike. What
    ``bulk_create(ignore_conflicts=True)`` does, without a model instance per row and a
    field-by-field preparation of each value: in a sweep that wrote many alerts and
    notifications those took most of its time, several times what SQLite itself spent."""
    qn = connection.ops.quote_name
    meta = model._meta
    cols = ", ".join(qn(meta.get_field(f).column) for f in fields)
    marks = ", ".join(["%s"] * len(fields))
    sql = f"INSERT INTO {qn(meta.db_table)} ({cols}) VALUES ({marks}) ON CONFLICT DO NOTHING"
    with connection.cursor() as cur:
        for i in range(0, len(rows), batch):
            cur.executemany(sql, rows[i : i + batch])
