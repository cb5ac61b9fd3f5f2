"""Document frequencies of index terms: the counted ones (``SearchTerm``) plus those still
pending (``SearchTermDelta``), as every reader of the index sees them."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from .models import SearchTerm, SearchTermDelta

DOCS = ""  # the SearchTerm row whose df is the number of indexed documents


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    """Document frequencies of ``terms``, the pending ones included (raw SQL: ORM lookups
    over thousands of values cost more than the query)."""
    out: dict[str, int] = {}
    items = sorted(set(terms))
    qn = connection.ops.quote_name
    table = qn(SearchTerm._meta.db_table)
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # one array parameter: psycopg parsed the placeholders of a long IN list on
            # every call, and a suggestion makes several
            cur.execute(f"SELECT term, df FROM {table} WHERE term = ANY(%s)", [items])
            out.update(cur.fetchall())
        else:
            for i in range(0, len(items), 500):
                part = items[i : i + 500]
                cur.execute(
                    f"SELECT term, df FROM {table} WHERE term IN ({','.join(['%s'] * len(part))})",
                    part,
                )
                out.update(cur.fetchall())
        extra, pending = _PENDING.counts(cur, items)
    for t, n in extra.items():
        out[t] = out.get(t, 0) + n
    if pending and DOCS in items:
        out[DOCS] = out.get(DOCS, 0) + pending
    return out


class _Pending:
    """This process's copy of the pending rows' term counts. A pending row never changes
    (it is inserted, later deleted by a fold), so each read fetches only the keys of the
    rows now pending and the terms of those it has not seen, then drops those folded
    since: a reader costs the same with 250 pending rows as with 2."""

    def __init__(self) -> None:
        self._lock = threading.Lock()  # threaded workers share it
        self._rows: dict[tuple[int, int], list[str]] = {}  # (id, nonce) → terms
        self._counts: Counter[str] = Counter()

    def counts(self, cur: Any, terms: Sequence[str]) -> tuple[dict[str, int], int]:
        """(pending count of each of ``terms`` that has one, number of pending rows) as
        the caller's transaction sees them."""
        table = connection.ops.quote_name(SearchTermDelta._meta.db_table)
        with self._lock:
            cur.execute(f"SELECT id, nonce FROM {table}")
            keys = {(int(k), int(n)) for k, n in cur.fetchall()}
            for gone in [k for k in self._rows if k not in keys]:
                for t in self._rows.pop(gone):
                    self._counts[t] -= 1
                    if not self._counts[t]:
                        del self._counts[t]
            new = sorted(keys - self._rows.keys())
            for i in range(0, len(new), 500):
                part = dict(new[i : i + 500])
                cur.execute(
                    f"SELECT id, nonce, terms FROM {table} "
                    f"WHERE id IN ({','.join(['%s'] * len(part))})",
                    list(part),
                )
                for key, nonce, row in cur.fetchall():
                    if part.get(key) == nonce:
                        got = row.split()
                        self._rows[(int(key), int(nonce))] = got
                        self._counts.update(got)
            found = {t: self._counts[t] for t in terms if t in self._counts}
            return found, len(keys)


_PENDING = _Pending()
