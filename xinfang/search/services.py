"""Writes to the search index. Called by the services that create or change indexed text
(registration, follow-ups, material, anonymisation) inside their transaction, and by the
``reindex`` command. No signals: an index entry changes exactly when a service says so."""

from __future__ import annotations

import json
import os
import secrets
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from xinfang.cases.models import Event, Matter, Petitioner
from xinfang.org.models import Unit

from .backends import Doc, PostgresBackend, backend
from .frequencies import DOCS
from .models import SearchDoc, SearchTerm, SearchTermDelta
from .text import MAX_FIELD, receipt_token, tokens

BATCH = 2000
FOLD = 256  # registrations whose terms wait in SearchTermDelta before they are counted


def _source(fields: Sequence[str]) -> bytes:
    return zlib.compress(json.dumps(list(fields), ensure_ascii=False).encode(), 1)


def _fields(source: bytes) -> list[str]:
    return list(json.loads(zlib.decompress(bytes(source)).decode()))


def _doc(fields: Sequence[str]) -> Doc:
    title, body, other, names = fields
    return tokens(title), tokens(body), tokens(other), tokens(names)


def df_terms(doc: Doc) -> set[str]:
    """Tokens counted in document frequencies: those of the title and body."""
    return set(doc[0]) | set(doc[1])


def _texts(
    rows: list[dict[str, Any]], units: dict[int, str], *, notes_too: bool = True
) -> dict[int, list[str]]:
    """The four indexed field texts per matter id (``notes_too=False``: the matters have no
    material notes yet, so the log is not read)."""
    ids = [r["id"] for r in rows]
    live = [r["id"] for r in rows if r["anonymised_at"] is None]
    names: dict[int, list[str]] = {i: [] for i in ids}
    for mid, name in (
        Petitioner.objects.filter(matter_id__in=live)
        .order_by("matter_id", "order", "id")
        .values_list("matter_id", "name")
    ):
        names[mid].append(name)
    notes: dict[int, list[str]] = {i: [] for i in ids}
    # Material notes are searchable until the matter is anonymised (the log keeps them).
    for mid, data in (
        Event.objects.filter(matter_id__in=live if notes_too else [], action="add_material")
        .order_by("matter_id", "seq")
        .values_list("matter_id", "data")
    ):
        note = (data or {}).get("note") or ""
        if note:
            notes[mid].append(str(note))
    return {r["id"]: _row_texts(r, units, names[r["id"]], notes[r["id"]]) for r in rows}


def _row_texts(
    r: dict[str, Any], units: dict[int, str], names: Sequence[str], notes: Sequence[str]
) -> list[str]:
    body = [r["content"] or "", r["facts"] or "", *notes]
    return [
        r["title"] or "",
        "\n".join(b[:MAX_FIELD] for b in body if b)[: 2 * MAX_FIELD],
        _other(r["receipt_no"], _unit_names_of(r, units)),
        "\n".join(names)[:MAX_FIELD],
    ]


def _unit_names_of(r: dict[str, Any], units: dict[int, str]) -> str:
    return " ".join(n for n in (units.get(r[k] or 0, "") for k in _UNIT_COLUMNS) if n)


def _other(receipt_no: str | None, unit_names: str) -> str:
    """The ``other`` field: the receipt number's token, then the units' names."""
    return " ".join([receipt_token(receipt_no or ""), *([unit_names] if unit_names else [])])


_COLUMNS = (
    "id",
    "title",
    "content",
    "facts",
    "receipt_no",
    "registered_unit_id",
    "area_id",
    "accused_unit_id",
    "anonymised_at",
)


_UNIT_COLUMNS = ("registered_unit_id", "area_id", "accused_unit_id")


def _unit_names(rows: list[dict[str, Any]] | None = None) -> dict[int, str]:
    """Names of the units the rows mention (all units when ``rows`` is None)."""
    qs = Unit.objects.all()
    if rows is not None:
        qs = qs.filter(pk__in=sorted({r[k] for r in rows for k in _UNIT_COLUMNS if r[k]}))
    return dict(qs.values_list("id", "name"))


def _bump(df: Counter[str]) -> None:
    rows = sorted((t[:64], n) for t, n in df.items() if n)  # sorted: one lock order
    if not rows:
        return
    with connection.cursor() as cur:
        if connection.vendor == "postgresql":
            # one statement for all the terms of a matter (one per term was a large share
            # of a registration), the terms and counts sent as two space-separated texts
            # (no token holds a space): adapting them as two arrays was slower in Python
            cur.execute(
                "INSERT INTO search_searchterm(term, df) SELECT t, n FROM "
                "unnest(string_to_array(%s, ' '), string_to_array(%s, ' ')::int[]) AS u(t, n) "
                "ORDER BY t "
                "ON CONFLICT(term) DO UPDATE SET df = search_searchterm.df + excluded.df",
                [" ".join(t for t, _ in rows), " ".join(str(n) for _, n in rows)],
            )
            return
        cur.executemany(
            "INSERT INTO search_searchterm(term, df) VALUES (%s, %s) "
            "ON CONFLICT(term) DO UPDATE SET df = search_searchterm.df + excluded.df",
            rows,
        )


def index_matters(ids: Iterable[int], *, batch: int = BATCH, fresh: bool = False) -> int:
    """(Re-)index the given matters in the caller's transaction: replace each one's
    entries with its current text, remove entries of matters that no longer exist, and
    keep document frequencies exact. Returns the number of matters indexed.

    ``fresh``: the matters were created in this transaction (registration), so they have
    no entry and no material note yet and neither is read."""
    todo = sorted(set(ids))
    done = 0
    with transaction.atomic():
        for i in range(0, len(todo), batch):
            chunk = todo[i : i + batch]
            rows = list(Matter.objects.filter(pk__in=chunk).values(*_COLUMNS))
            texts = _texts(rows, _unit_names(rows), notes_too=not fresh)
            old: dict[int, bytes] = (
                {}
                if fresh
                else dict(
                    SearchDoc.objects.filter(matter_id__in=chunk).values_list("matter_id", "source")
                )
            )
            _apply(chunk, texts, old)
            done += len(rows)
    return done


@dataclass(frozen=True)
class Registered:
    """What ``index_registered`` writes for a matter being registered, prepared before
    its transaction: the field texts and tokens that depend neither on its key nor on
    its receipt number."""

    title: str
    body: str
    units: str  # the unit names of the ``other`` field, after the receipt number
    names: str
    doc: tuple[list[str], list[str], list[str]]  # tokens of title, body, names
    terms: frozenset[str]  # ``df_terms``


def prepare_registered(m: Matter, names: Sequence[str]) -> Registered:
    """The entry ``index_matters`` would write for ``m`` (not saved yet) from the objects
    the caller holds, without reading the matter, its units and petitioners back.
    ``names``: the petitioners' names in order."""
    row = {k: getattr(m, k) for k in _COLUMNS}
    units = {u.pk: u.name for u in (m.registered_unit, m.area, m.accused_unit) if u is not None}
    title, body, _other_now, joined = _row_texts(row, units, names, [])
    doc = _doc([title, body, "", joined])
    return Registered(
        title,
        body,
        _unit_names_of(row, units),
        joined,
        (doc[0], doc[1], doc[3]),
        frozenset(df_terms(doc)),
    )


def index_registered(m: Matter, entry: Registered) -> None:
    """Write ``entry`` for ``m``, created in the caller's transaction (registration), now
    that it has its key and receipt number: what ``index_matters`` would write."""
    other = _other(m.receipt_no, entry.units)
    title, body, names = entry.doc
    doc: Doc = (title, body, tokens(other), names)
    # Part of the registration's transaction: a failure here fails the registration, so
    # no savepoint of its own (two statements fewer per matter).
    with connection.cursor() as cur:
        backend().write(
            cur, [(m.pk, None, doc, _source([entry.title, entry.body, other, entry.names]))]
        )


def pend_registered(entry: Registered) -> None:
    """Count the document of ``entry`` (a matter registered in the caller's transaction;
    its terms do not depend on the receipt number) through ``SearchTermDelta``; every
    ``FOLD``-th row folds the pending ones into ``SearchTerm``."""
    table = connection.ops.quote_name(SearchTermDelta._meta.db_table)
    with connection.cursor() as cur:
        cur.execute(
            f"INSERT INTO {table} (terms, nonce) VALUES (%s, %s) RETURNING id",
            [" ".join(entry.terms), secrets.randbits(62)],
        )
        key = int(cur.fetchone()[0])
    if key % FOLD == 0:
        fold_pending(key)


def fold_pending(upto: int | None = None) -> int:
    """Add the pending rows (up to key ``upto``) to ``SearchTerm`` and remove them, in the
    caller's transaction; returns how many. Each row is removed by exactly one folder:
    a concurrent one waits for the row and then finds it gone."""
    table = connection.ops.quote_name(SearchTermDelta._meta.db_table)
    with connection.cursor() as cur:
        if upto is None:
            cur.execute(f"DELETE FROM {table} RETURNING terms")
        else:
            cur.execute(f"DELETE FROM {table} WHERE id <= %s RETURNING terms", [upto])
        rows = [r[0] for r in cur.fetchall()]
    df: Counter[str] = Counter()
    for terms in rows:
        df.update(terms.split())
    df[DOCS] += len(rows)
    _bump(df)
    return len(rows)


def _apply(chunk: list[int], texts: dict[int, list[str]], old: dict[int, bytes]) -> None:
    """Replace the entries of ``chunk`` (``old``: their current sources) with ``texts``
    (none: the matter is gone) and keep document frequencies exact."""
    df: Counter[str] = Counter()
    writes: list[tuple[int, Doc | None, Doc | None, bytes]] = []
    for pk in chunk:
        old_doc = _doc(_fields(old[pk])) if pk in old else None
        new_fields = texts.get(pk)
        new_doc = _doc(new_fields) if new_fields is not None else None
        if old_doc is None and new_doc is None:
            continue
        if old_doc is not None:
            df.subtract(df_terms(old_doc) | {DOCS})
        if new_doc is not None:
            df.update(df_terms(new_doc) | {DOCS})
        writes.append(
            (pk, old_doc, new_doc, _source(new_fields) if new_fields is not None else b"")
        )
    with connection.cursor() as cur:
        backend().write(cur, writes)
    _bump(df)


def rebuild(*, batch: int = BATCH, progress: Callable[[int], None] | None = None) -> int:
    """Drop and rebuild the whole index (``xinfang reindex``): one transaction per batch,
    document frequencies counted in memory and written at the end."""

    with _big_cache():
        return _rebuild(batch, progress)


def _cache_mb() -> int:
    """``XINFANG_REINDEX_CACHE_MB``, else a quarter of the machine's memory up to 3 GB."""
    if os.environ.get("XINFANG_REINDEX_CACHE_MB"):
        return max(int(os.environ["XINFANG_REINDEX_CACHE_MB"]), 16)
    try:
        ram = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
    except (ValueError, OSError):
        return 256
    return max(min(ram // 4, 3072), 256)


@contextmanager
def _big_cache() -> Iterator[None]:
    """A big page cache on SQLite while the index is rebuilt (``_cache_mb``; used only as
    far as the index needs). With a cache smaller than the index, a rebuild re-reads the
    growing index through the kernel once it has outgrown the cache and slows down sharply;
    with one that holds the index it keeps its pace to the end."""
    if connection.vendor != "sqlite":
        yield
        return
    mb = _cache_mb()
    with connection.cursor() as cur:
        cur.execute("PRAGMA cache_size")
        before = cur.fetchone()[0]
        cur.execute(f"PRAGMA cache_size=-{mb * 1024}")
    try:
        yield
    finally:
        with connection.cursor() as cur:
            cur.execute(f"PRAGMA cache_size={int(before)}")


def _rebuild(batch: int, progress: Callable[[int], None] | None) -> int:
    be = backend()
    with transaction.atomic(), connection.cursor() as cur:
        be.clear(cur)
        SearchTerm.objects.all().delete()
        SearchTermDelta.objects.all().delete()  # the recount includes what was pending
    units = _unit_names()
    df: Counter[str] = Counter()
    last = 0
    total = 0
    while True:
        rows = list(Matter.objects.filter(pk__gt=last).order_by("pk").values(*_COLUMNS)[:batch])
        if not rows:
            break
        last = rows[-1]["id"]
        texts = _texts(rows, units)
        writes: list[tuple[int, Doc | None, Doc | None, bytes]] = []
        for pk, fields in texts.items():
            doc = _doc(fields)
            df.update(df_terms(doc))
            writes.append((pk, None, doc, _source(fields)))
        with transaction.atomic(), connection.cursor() as cur:
            be.write(cur, writes)
        total += len(rows)
        if progress:
            progress(len(rows))
    df[DOCS] = total
    with transaction.atomic():
        items = list(df.items())
        for i in range(0, len(items), 20000):
            SearchTerm.objects.bulk_create(
                [SearchTerm(term=t[:64], df=n) for t, n in items[i : i + 20000]],
                ignore_conflicts=True,
            )
    with connection.cursor() as cur:
        be.analyze(cur)
    return total


def rewrite_title_vectors(
    cur: Any, *, batch: int = BATCH, progress: Callable[[int], None] | None = None
) -> int:
    """PostgreSQL: compute every document's title vector (``ttsv``) again from its stored
    source, after what it holds changed (search 0004 added the trigrams); the other
    vectors, the tokens and their frequencies stay as they were. Its GIN index is dropped
    first and built again at the end, faster than updating it row by row. Returns the
    number of documents."""

    cur.execute("DROP INDEX IF EXISTS search_doc_ttsv")
    last, total = -1, 0
    while True:
        cur.execute(
            "SELECT matter_id, source FROM search_searchdoc WHERE matter_id > %s "
            "ORDER BY matter_id LIMIT %s",
            [last, batch],
        )
        rows = cur.fetchall()
        if not rows:
            break
        last = rows[-1][0]
        ids = [pk for pk, _src in rows]
        titles = [PostgresBackend.title_vector(_fields(src)[0]) for _pk, src in rows]
        cur.execute(
            "UPDATE search_searchdoc AS d SET ttsv = u.ttsv::tsvector "
            "FROM unnest(%s::int[], %s::text[]) AS u(id, ttsv) WHERE d.matter_id = u.id",
            [ids, titles],
        )
        total += len(rows)
        if progress:
            progress(len(rows))
    cur.execute("CREATE INDEX search_doc_ttsv ON search_searchdoc USING gin (ttsv)")
    cur.execute("ANALYZE search_searchdoc")
    return total


def analyze() -> None:
    """Refresh the planner's statistics of the index (after bulk indexing)."""
    with connection.cursor() as cur:
        backend().analyze(cur)
