"""The index per database vendor: writing documents and matching terms.

Both backends store the same tokens (``text.tokens``) and evaluate the same query
(every term as a phrase of its tokens, terms joined by AND), so SQLite and PostgreSQL
return identical sets; only storage and syntax differ. Scopes: ``title``; ``main`` (title,
content, facts, material notes, receipt number, unit names); ``all`` (main plus
petitioners' names, which callers may use only for matters whose identity the user may
see, XFGZ Art. 30).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from typing import Any

from django.db import DatabaseError, connection

from .frequencies import DOCS, document_frequencies
from .text import tokens

FIELDS = ("title", "body", "other", "names")
MAX_POS = 16383  # PostgreSQL's largest tsvector position


@dataclass(frozen=True)
class Term:
    """One query term: a phrase of tokens (only the last may be a prefix), and for
    receipt-number-like terms also the prefix of the receipt token."""

    tokens: tuple[str, ...]
    prefix: bool = False
    receipt: str = ""


Doc = tuple[list[str], list[str], list[str], list[str]]  # tokens of FIELDS


def trigrams(toks: Sequence[str]) -> list[tuple[int, str]]:
    """(i, trigram) for each pair of consecutive CJK bigrams ``toks[i]``, ``toks[i + 1]``
    that overlap by a character: the pair as one lexeme, placed where ``toks[i]`` is.

    A phrase of n bigrams matches exactly where the phrase of its n-1 trigrams does, so
    PostgreSQL can answer "拖欠工资" in titles through the postings of 拖欠工 and 欠工资,
    which hold about the phrase's own matches, instead of rechecking every title that holds
    拖欠 and 工资 (a GIN index keeps no positions). The bigrams stay: the same tokens, the
    same sets as FTS5. Titles only: there a phrase of common bigrams that no title holds
    rechecked every title holding its bigrams, where its trigrams find at once that none
    matches; in the main text trigrams made the GIN index and its vectors much larger for
    no gain (a common phrase's matches are rechecked either way)."""
    out = []
    for i in range(len(toks) - 1):
        a, b = toks[i], toks[i + 1]
        if len(a) == 2 == len(b) and a[1] == b[0] and not a.isascii() and not b.isascii():
            out.append((i, a + b[1]))
    return out


def chain(toks: Sequence[str]) -> list[str] | None:
    """The trigrams of a phrase that is one run of overlapping CJK bigrams (every query
    term of three or more Chinese characters), else None."""
    tri = trigrams(toks)
    return [t for _i, t in tri] if tri and len(tri) == len(toks) - 1 else None


def _tsvector(*fields: list[str], tri: bool = False) -> str:
    """A tsvector literal (no parser involved): every token, and with ``tri`` the trigram
    of every two overlapping CJK bigrams (``trigrams``). Each field starts after a
    one-position gap so that no phrase spans two fields, as FTS5 columns never do."""
    pos: dict[str, list[int]] = defaultdict(list)
    p = 0
    for toks in fields:
        p += 1
        start = p + 1
        for t in toks:
            p += 1
            pos[t].append(min(p, MAX_POS))
        for i, t in trigrams(toks) if tri else ():
            pos[t].append(min(start + i, MAX_POS))
    return " ".join(f"'{t}':{','.join(map(str, ps))}" for t, ps in pos.items())


def forget_fts_statistics(cur: Any) -> None:
    """Drop planner statistics of the FTS5 shadow tables (``search_fts_data``, ``_idx``, …).

    A whole-database ``ANALYZE`` taken while the index was small (the seeder runs one
    before the rebuild) leaves e.g. ``search_fts_data`` counted as nearly empty; FTS5's
    own statements are then planned for a tiny table and every segment merge reads the
    whole index, inside the commit of the registration that triggers it. Without
    statistics SQLite plans them as for a fresh index. FTS5 reaches its tables by key, so
    nothing is lost."""
    cur.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if cur.fetchone() is None:
        return
    cur.execute("DELETE FROM sqlite_stat1 WHERE tbl LIKE 'search\\_fts\\_%' ESCAPE '\\'")
    cur.execute("ANALYZE sqlite_master")  # this connection reloads the statistics


class SQLiteBackend:
    vendor = "sqlite"
    _cols = {
        "title": "{title} : ",
        "main": "{title body other} : ",
        "names": "{names} : ",
        "all": "",
    }

    def write(self, cur: Any, rows: Sequence[tuple[int, Doc | None, Doc | None, bytes]]) -> None:
        deletes = [(pk, *(" ".join(f) for f in old)) for pk, old, _new, _s in rows if old]
        if deletes:
            cur.executemany(
                "INSERT INTO search_fts(search_fts, rowid, title, body, other, names) "
                "VALUES ('delete', %s, %s, %s, %s, %s)",
                deletes,
            )
        inserts = [(pk, *(" ".join(f) for f in new)) for pk, _old, new, _s in rows if new]
        if inserts:
            cur.executemany(
                "INSERT INTO search_fts(rowid, title, body, other, names) "
                "VALUES (%s, %s, %s, %s, %s)",
                inserts,
            )
        gone = [(pk,) for pk, _old, new, _s in rows if new is None]
        if gone:
            cur.executemany("DELETE FROM search_searchdoc WHERE matter_id = %s", gone)
        docs = [(pk, s) for pk, _old, new, s in rows if new is not None]
        if docs:
            cur.executemany(
                "INSERT INTO search_searchdoc(matter_id, source) VALUES (%s, %s) "
                "ON CONFLICT(matter_id) DO UPDATE SET source = excluded.source",
                docs,
            )

    def clear(self, cur: Any) -> None:
        cur.execute("INSERT INTO search_fts(search_fts) VALUES ('delete-all')")
        cur.execute("DELETE FROM search_searchdoc")

    def analyze(self, cur: Any) -> None:
        cur.execute("ANALYZE search_searchdoc")
        cur.execute("ANALYZE search_searchterm")
        forget_fts_statistics(cur)

    @staticmethod
    def _term(t: Term) -> str:
        phrase = '"' + " ".join(t.tokens) + '"' + ("*" if t.prefix else "")
        if t.receipt:
            return f'({phrase} OR "{t.receipt}"*)'
        return phrase

    def expr(self, scope: str, terms: Sequence[Term]) -> str:
        return self._cols[scope] + "(" + " AND ".join(self._term(t) for t in terms) + ")"

    def ids(
        self, scope: str, terms: Sequence[Term], *, below: int | None = None, limit: int
    ) -> list[int]:
        sql = "SELECT rowid FROM search_fts WHERE search_fts MATCH %s"
        args: list[Any] = [self.expr(scope, terms)]
        if below is not None:
            sql += " AND rowid < %s"
            args.append(below)
        sql += " ORDER BY rowid DESC LIMIT %s"
        args.append(limit)
        with connection.cursor() as cur:
            cur.execute(sql, args)
            return [r[0] for r in cur.fetchall()]

    def ids_between(self, scope: str, terms: Sequence[Term], lo: int, hi: int) -> set[int]:
        with connection.cursor() as cur:
            cur.execute(
                "SELECT rowid FROM search_fts WHERE search_fts MATCH %s "
                "AND rowid >= %s AND rowid <= %s",
                [self.expr(scope, terms), lo, hi],
            )
            return {r[0] for r in cur.fetchall()}

    def among(self, scope: str, terms: Sequence[Term], ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` match (FTS5 reads the rowid range between them)."""
        if not ids:
            return set()
        return self.ids_between(scope, terms, min(ids), max(ids)) & set(ids)


class PostgresBackend:
    vendor = "postgresql"

    def write(self, cur: Any, rows: Sequence[tuple[int, Doc | None, Doc | None, bytes]]) -> None:
        gone = [(pk,) for pk, _old, new, _s in rows if new is None]
        if gone:
            cur.executemany("DELETE FROM search_searchdoc WHERE matter_id = %s", gone)
        docs = [
            (pk, source, *self.vectors(new)) for pk, _old, new, source in rows if new is not None
        ]
        if docs:
            cur.executemany(
                "INSERT INTO search_searchdoc(matter_id, source, tsv, ttsv, ntsv) "
                "VALUES (%s, %s, %s::tsvector, %s::tsvector, %s::tsvector) "
                "ON CONFLICT (matter_id) DO UPDATE SET source = excluded.source, "
                "tsv = excluded.tsv, ttsv = excluded.ttsv, ntsv = excluded.ntsv",
                docs,
            )

    @staticmethod
    def vectors(doc: Doc) -> tuple[str, str, str]:
        """The literals of ``tsv`` (title, body, other), ``ttsv`` (title, with trigrams)
        and ``ntsv``."""
        title, body, other, names = doc
        return _tsvector(title, body, other), _tsvector(title, tri=True), _tsvector(names)

    @staticmethod
    def title_vector(title: str) -> str:
        """The ``ttsv`` literal of a title text."""
        return _tsvector(tokens(title), tri=True)

    def clear(self, cur: Any) -> None:
        cur.execute("DELETE FROM search_searchdoc")

    def analyze(self, cur: Any) -> None:
        """Lexeme statistics, without which the planner guesses a constant share of rows
        for every term and may walk the whole primary key for a rare one."""
        cur.execute("ANALYZE search_searchdoc")
        cur.execute("ANALYZE search_searchterm")

    @staticmethod
    def _lexemes(t: Term, tri: bool) -> list[str]:
        """The lexemes whose phrase is ``t``: with ``tri`` (titles) its trigrams where it
        is one run of CJK bigrams (one lexeme for three characters: no recheck at all),
        else its tokens."""
        return (None if t.prefix or not tri else chain(t.tokens)) or list(t.tokens)

    @classmethod
    def _term(cls, t: Term, tri: bool = False) -> str:
        parts = [f"'{tok}'" for tok in cls._lexemes(t, tri)]
        if t.prefix:
            parts[-1] += ":*"
        phrase = " <-> ".join(parts)
        if t.receipt:
            return f"(({phrase}) | '{t.receipt}':*)"
        return f"({phrase})"

    def query(self, terms: Sequence[Term], *, tri: bool = False) -> str:
        """The tsquery of ``terms``; ``tri``: for the title vector, which holds trigrams."""
        return " & ".join(self._term(t, tri) for t in terms)

    def _where(self, scope: str, terms: Sequence[Term]) -> tuple[str, list[Any]]:
        if scope == "title":
            return "ttsv @@ %s::tsquery", [self.query(terms, tri=True)]
        q = self.query(terms)
        if scope == "main":
            return "tsv @@ %s::tsquery", [q]
        if scope == "names":
            return "ntsv @@ %s::tsquery", [q]
        anyq = " | ".join(self._term(t) for t in terms)
        return (
            "(tsv @@ %s::tsquery OR (ntsv @@ %s::tsquery AND (tsv || ntsv) @@ %s::tsquery))",
            [q, anyq, q],
        )

    # One instance remembers the newest matches per scope and terms and serves later
    # chunks and ranges from them. A fetch is sized for what is wanted: every match a
    # window returns is read from the heap (and a phrase's rechecked), so fetching more
    # costs in proportion (see ``_cached``).
    FIRST = 400  # the first fetch, at least
    FETCH = 5000  # larger fetches are not remembered

    def __init__(self) -> None:
        self._memo: dict[tuple[str, tuple[Term, ...]], tuple[list[int], bool]] = {}
        self._share: dict[tuple[bool, tuple[Term, ...]], tuple[str, float] | None] = {}
        self._top: int | None = None  # the newest document's key (``_top_key``)
        self._bitmapped = False  # inside ``bitmaps``

    def _rarest(self, scope: str, terms: Sequence[Term]) -> tuple[str, float] | None:
        """The lexeme of ``terms`` likely in the fewest documents and the share of
        documents that hold it at most; None when the terms are not a plain AND of
        phrases, or for the names, of which these frequencies say nothing (a given name's
        bigram: in no body, in thousands of names; entering the names index through it
        is far slower than through the name's phrase).

        Frequencies are kept for tokens (title and body), not trigrams: in titles a trigram
        is in at most as many documents as the rarer of its two bigrams, so the trigram
        holding the rarest token is taken, and that token's share bounds the trigram's."""
        if scope == "names":
            return None
        key = (scope == "title", tuple(terms))
        if key not in self._share:
            toks = {tok for t in terms for tok in t.tokens}
            found = None
            if toks and not any(t.prefix or t.receipt for t in terms):
                df = document_frequencies([*toks, DOCS])
                if df.get(DOCS):
                    # (lexeme, the dfs of the tokens it stands for), e.g. (拖欠工, [拖欠, 欠工])
                    cands = []
                    for t in terms:
                        tri = chain(t.tokens) if scope == "title" else None
                        if tri:
                            cands += [
                                (x, sorted(df.get(y, 0) for y in t.tokens[i : i + 2]))
                                for i, x in enumerate(tri)
                            ]
                        else:
                            cands += [(y, [df.get(y, 0)]) for y in t.tokens]
                    lex, dfs = min(sorted(cands), key=lambda c: (c[1][0], -len(c[1]), c[1]))
                    found = (lex, dfs[0] / df[DOCS])
            self._share[key] = found
        return self._share[key]

    def _alone(self, scope: str, terms: Sequence[Term]) -> bool:
        """Whether the query is the one lexeme ``_rarest`` enters the index through, so the
        index decides every match and no document is read to recheck it."""
        rare = self._rarest(scope, terms)
        return rare is not None and self.query(terms, tri=scope == "title") == f"('{rare[0]}')"

    def _ranged(self, scope: str, terms: Sequence[Term]) -> tuple[str, list[Any]]:
        """``_where`` for a range of ids. The planner estimates a phrase as if its lexemes
        were independent (it expects a handful of documents to hold a common phrase such
        as 拖欠工资) and then rechecks every match instead of the few in the range. Matching
        the rarest lexeme through the index, which it estimates right, and the whole query
        as a plain function call lets it intersect the lexeme's bitmap with the range's. A
        query that is that one lexeme (a term of two or three characters) is decided by the
        index alone."""
        rare = self._rarest(scope, terms)
        if rare is None:
            return self._where(scope, terms)
        tok = f"'{rare[0]}'"
        q = self.query(terms, tri=scope == "title")
        col = {"title": "ttsv", "main": "tsv", "names": "ntsv"}.get(scope)
        alone = self._alone(scope, terms)
        if col is not None:
            if alone:
                return f"{col} @@ %s::tsquery", [tok]
            return f"({col} @@ %s::tsquery AND ts_match_vq({col}, %s::tsquery))", [tok, q]
        if alone:
            return "(tsv @@ %s::tsquery OR ntsv @@ %s::tsquery)", [tok, tok]
        anyq = " | ".join(self._term(t) for t in terms)
        return (
            "((tsv @@ %s::tsquery AND ts_match_vq(tsv, %s::tsquery)) OR (ntsv @@ %s::tsquery"
            " AND ts_match_vq(tsv || ntsv, %s::tsquery)))",
            [tok, q, anyq, q],
        )

    @contextmanager
    def _bitmaps(self, cur: Any) -> Iterator[None]:
        """Bitmap plans only, for the ranged queries: an index scan of the key range would
        read and test every document in it. Inside ``bitmaps`` the setting is already made."""
        if self._bitmapped:
            yield
            return
        cur.execute("SET enable_indexscan = off")
        try:
            yield
        finally:
            # if the transaction failed, its rollback undoes the SET as well
            with suppress(DatabaseError):
                cur.execute("RESET enable_indexscan")

    @contextmanager
    def bitmaps(self) -> Iterator[None]:
        """One ``SET``/``RESET`` for several ranged queries in a row (a suggestion's token
        windows, where a pair around each would add two statements a window)."""
        if self._bitmapped:
            yield
            return
        self._top_key()  # before: max() is read from the key's index (a scan without it)
        with connection.cursor() as cur, self._bitmaps(cur):
            self._bitmapped = True
            try:
                yield
            finally:
                self._bitmapped = False

    def _fetch(self, scope: str, terms: Sequence[Term], below: int | None, limit: int) -> list[int]:
        """The newest ``limit`` matches below ``below``, in windows of matter ids.

        Ordered by the key alone, a rare term made the planner walk the primary key
        backwards testing every row (all of them for a term in no document); a bitmap of
        all matches then a sort rechecks every match, however common the phrase. A window
        sized from the rarest token's document frequency rechecks only the matches inside
        it (``_ranged``); one that holds too few grows until the oldest matter is passed.
        Where every match in a window is rechecked (a phrase), the first window is sized
        for fewer matches (``RECHECKED_SPAN``)."""
        if below is None:
            below = self._top_key() + 1
        rare = self._rarest(scope, terms)
        where, args = self._ranged(scope, terms)
        span = self.SPAN if self._alone(scope, terms) else self.RECHECKED_SPAN
        return self._windows(where, args, below, limit, rare[1] if rare else 0.0, span)

    def _top_key(self) -> int:
        """The newest document's key (0 for none), read once per instance."""
        if self._top is None:
            with connection.cursor() as cur:
                cur.execute("SELECT max(matter_id) FROM search_searchdoc")
                self._top = cur.fetchone()[0] or 0
        return self._top

    # The first window holds this many times ``limit`` matches at the global share. A
    # window reads every match in it and rechecks a phrase in each (a main vector read
    # from TOAST), so a phrase's window costs in proportion to its matches. An extra
    # window costs a bitmap of the term's postings, so windows decided by the index alone
    # start wider.
    SPAN = 1.5
    RECHECKED_SPAN = 0.4

    def _windows(
        self, where: str, args: list[Any], below: int, limit: int, share: float, span: float
    ) -> list[int]:
        """The newest ``limit`` ids below ``below`` matching ``where``, in windows of ids:
        the first sized for ``limit`` matches at ``share`` of the documents, each next one
        for the matches still wanted at the density the last one found (recent matters
        cluster by topic, so the global share misjudges the newest ids), at most four
        times as wide, until enough are found or the oldest matter is passed."""
        width = max(int(limit / share * span), 2000) if share > 0 else below
        out: list[int] = []
        hi = below
        with connection.cursor() as cur, self._bitmaps(cur):
            while hi > 0 and len(out) < limit:
                lo = max(hi - width, 0)
                # no lower bound for the oldest window: a bitmap of the key from 0 is the
                # whole table's, read in full for a name in no title or body
                cond = ("AND matter_id >= %s " if lo else "") + "AND matter_id < %s"
                cur.execute(
                    f"SELECT matter_id FROM search_searchdoc WHERE {where} {cond} "
                    "ORDER BY matter_id + 0 DESC LIMIT %s",
                    [*args, *([lo] if lo else []), hi, limit - len(out)],
                )
                got = [r[0] for r in cur.fetchall()]
                out += got
                grown = width * 4
                if got and len(out) < limit:
                    grown = min(int((limit - len(out)) * (hi - lo) / len(got) * 1.5) + 1, grown)
                hi, width = lo, max(grown, 2000)
        return out

    def ids_within(
        self,
        scope: str,
        terms: Sequence[Term],
        within: Sequence[int],
        *,
        below: int | None = None,
        limit: int,
    ) -> list[int]:
        """The newest ``limit`` matches among the ids ``within`` (a narrow user's reach):
        the term's bitmap ANDed with the bitmap of those keys, so only matches the user
        could see are rechecked, however common the term is elsewhere. All of them are
        read once per scope and terms (at most ``len(within)``), then served from memory."""
        if not within:
            return []
        key = (f"within:{scope}", tuple(terms))
        got = self._memo.get(key)
        if got is None:
            where, args = self._ranged(scope, terms)
            with connection.cursor() as cur, self._bitmaps(cur):
                cur.execute(
                    f"SELECT matter_id FROM search_searchdoc WHERE {where} "
                    "AND matter_id = ANY(%s) ORDER BY matter_id + 0 DESC",
                    [*args, list(within)],
                )
                got = ([r[0] for r in cur.fetchall()], True)
            self._memo[key] = got
        return [i for i in got[0] if below is None or i < below][:limit]

    def _cached(
        self, scope: str, terms: Sequence[Term], below: int | None, want: int = 0
    ) -> tuple[list[int], bool]:
        """Matches newest first from the start or from ``below``, and whether that is all."""
        key = (scope, tuple(terms))
        got = self._memo.get(key)
        if got is not None:
            ids, complete = got
            covers = below is None or complete or (ids and ids[-1] < below)
            if covers and (complete or len([i for i in ids if below is None or i < below]) >= want):
                return ids, complete
        # what is wanted, not more: every match a window returns is read from the heap, and
        # a phrase's is rechecked too, so a larger fetch costs in proportion
        size = max(want, self.FIRST)
        ids = self._fetch(scope, terms, below, size)
        complete = len(ids) < size
        if below is None:
            self._memo[key] = (ids, complete)
        return ids, complete

    def ids(
        self, scope: str, terms: Sequence[Term], *, below: int | None = None, limit: int
    ) -> list[int]:
        if limit > self.FETCH:
            return self._fetch(scope, terms, below, limit)
        ids, complete = self._cached(scope, terms, below, limit)
        out = [i for i in ids if below is None or i < below][:limit]
        if len(out) < limit and not complete:
            more = self._fetch(scope, terms, out[-1] if out else below, limit - len(out))
            out += more
        return out

    def newest(self, token: str, *, limit: int, share: float) -> list[int]:
        """The newest ``limit`` matters whose text (scope ``main``) holds ``token``;
        ``share``: the share of documents that hold it. A single lexeme is decided by the
        index alone, so only the matches inside each window are read from the heap, and no
        document is decompressed. (Counting all tokens per row in one query over the newest
        matches of any of them decompressed every candidate.)"""
        return self._windows(
            "tsv @@ %s::tsquery", [f"'{token}'"], self._top_key() + 1, limit, share, self.SPAN
        )

    def among(self, scope: str, terms: Sequence[Term], ids: Sequence[int]) -> set[int]:
        """Which of ``ids`` match: the term's bitmap ANDed with theirs. The range between
        them would recheck every match of a common term in it (a township's matches span
        the years, and a term such as 物业 has matches all through them)."""
        if not ids:
            return set()
        got = self._memo.get((scope, tuple(terms)))
        if got is not None and (got[1] or (got[0] and got[0][-1] <= min(ids))):
            return set(got[0]) & set(ids)
        where, args = self._ranged(scope, terms)
        with connection.cursor() as cur, self._bitmaps(cur):
            cur.execute(
                f"SELECT matter_id FROM search_searchdoc WHERE {where} AND matter_id = ANY(%s)",
                [*args, list(ids)],
            )
            return {r[0] for r in cur.fetchall()}

    def ids_between(self, scope: str, terms: Sequence[Term], lo: int, hi: int) -> set[int]:
        key = (scope, tuple(terms))
        got = self._memo.get(key)
        if got is None and scope != "all":
            got = self._cached(scope, terms, None)
        if got is not None:
            ids, complete = got
            if complete or (ids and ids[-1] <= lo):
                return {i for i in ids if lo <= i <= hi}
        where, args = self._ranged(scope, terms)
        with connection.cursor() as cur, self._bitmaps(cur):
            cur.execute(
                f"SELECT matter_id FROM search_searchdoc WHERE {where} "
                "AND matter_id >= %s AND matter_id <= %s",
                [*args, lo, hi],
            )
            return {r[0] for r in cur.fetchall()}


def backend() -> SQLiteBackend | PostgresBackend:
    if connection.vendor == "postgresql":
        return PostgresBackend()
    if connection.vendor == "sqlite":
        return SQLiteBackend()
    raise RuntimeError(f"search: unsupported database {connection.vendor}")
