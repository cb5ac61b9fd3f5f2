"""Gap-free serial numbers per key (receipt numbers per unit and year, notice numbers per
organ, year and kind): one counter row per key, bumped inside the caller's transaction."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connection, models, transaction


def _column(model: type[models.Model], name: str) -> str:
    field = model._meta.get_field(name)
    assert isinstance(field, models.Field) and field.column
    return field.column


def bump(model: type[models.Model], **key: Any) -> int:
    """The next serial of ``model``'s row for ``key`` (its ``last`` column plus one).

    One ``UPDATE … RETURNING`` (SQLite 3.35+ and PostgreSQL) locks the row until the
    caller's transaction ends, so two concurrent callers never get the same serial; the
    key's first serial creates the row (a concurrent creator makes the insert fail: then
    add to theirs)."""
    qn = connection.ops.quote_name
    cols = [_column(model, name) for name in key]
    where = " AND ".join(f"{qn(c)} = %s" for c in cols)
    sql = f"UPDATE {qn(model._meta.db_table)} SET last = last + 1 WHERE {where} RETURNING last"
    params = list(key.values())
    with connection.cursor() as cur:
        cur.execute(sql, params)
        row = cur.fetchone()
        if row is not None:
            return int(row[0])
    try:
        with transaction.atomic():
            model._default_manager.create(last=1, **key)
        return 1
    except IntegrityError:
        with connection.cursor() as cur:
            cur.execute(sql, params)
            return int(cur.fetchone()[0])
