"""Staff full-text search over the matters a user may see.

Results are always a subset of ``access.visible(user)``. Petitioners' names match only
matters whose identity the user may see (``access.restrict(qs, user, "identity")``; XFGZ
Art. 30: a reporter's identity is never revealed, neither by a hit, a snippet nor a count).
Matching ids come from the index newest first in chunks and are filtered for visibility per
chunk, so no query loads all matches and a page costs the same at any table size.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from xinfang.cases import access
from xinfang.cases.models import Matter, MatterUnit
from xinfang.core.errors import UserError
from xinfang.org.models import prefetch_memberships

from .backends import PostgresBackend, SQLiteBackend, Term, backend
from .text import is_cjk_run, normalise, receipt_token, run_tokens, runs

CAP = 1000  # counts above this show as "1000+"
SCAN_BUDGET = 20000  # index ids examined at most for one page or one count
MAX_TERMS = 8
MAX_QUERY = 100
ORDERS = ("relevance", "newest")
_RECEIPT = re.compile(r"^[0-9a-z]+(-[0-9a-z]*)*$")

Backend = SQLiteBackend | PostgresBackend


def parse(q: str) -> list[Term]:
    """Split on spaces (AND); refuse what cannot be searched, with the reason."""
    q = (q or "").strip()
    if not q:
        raise UserError("empty", "请输入检索词", "Enter a search term", field="q")
    if len(q) > MAX_QUERY:
        raise UserError(
            "too_long", "检索词最多100个字", "The query is limited to 100 characters", field="q"
        )
    words = q.split()
    if len(words) > MAX_TERMS:
        raise UserError("too_many_terms", "检索词最多8个", "At most 8 search terms", field="q")
    terms = []
    for w in words:
        rs = runs(w)
        if sum(len(r) for r in rs) < 2:
            raise UserError(
                "too_short",
                f"“{w}”太短：每个检索词至少2个字（单字检索结果过多且无意义）",
                f"'{w}' is too short: each term needs at least 2 characters",
                field="q",
            )
        toks: list[str] = []
        prefix = False
        for i, r in enumerate(rs):
            toks.extend(run_tokens(r))
            # "3号" finds 3号楼: a last one-character CJK run is a prefix of a bigram.
            prefix = is_cjk_run(r) and len(r) == 1 and i == len(rs) - 1 and i > 0
        norm = normalise(w)
        receipt = ""
        if _RECEIPT.match(norm) and any(c.isdigit() for c in norm) and len(norm) >= 4:
            receipt = receipt_token(norm)
        terms.append(Term(tuple(toks), prefix, receipt))
    return terms


def needles(q: str) -> list[str]:
    """Substrings to highlight: each run of each term."""
    return sorted({r for w in (q or "").split() for r in runs(w) if len(r) >= 2}, key=len)[::-1]


@dataclass
class Hit:
    matter: Matter
    title: SafeString
    snippet: SafeString


@dataclass
class Results:
    q: str
    order: str
    hits: list[Hit] = field(default_factory=list)
    count: int = 0
    count_more: bool = False  # at least ``count``
    after: str | None = None  # cursor of the next page, None on the last

    @property
    def count_label(self) -> str:
        return f"{self.count}+" if self.count_more else str(self.count)


NARROW = 20000  # users who can reach at most this many matters get them as a set


class Reach:
    """The units through which a user can see matters at all, read once per search: a
    pre-filter of index chunks by registering and handling unit. It only removes ids
    that cannot be visible; ``access.visible`` still decides for every id that remains, so
    it can never widen what a user sees.

    A user whose units registered or handle at most ``NARROW`` matters (a township's
    handler, a department) gets those ids as a set, read through two index scans, and
    chunks are filtered in memory; a broad user (a county or provincial supervisor) is
    filtered per chunk in SQL, where most ids of a chunk pass anyway."""

    def __init__(self, user: Any) -> None:
        # the scope ``access.visible`` reads, computed once for every chunk of the search, from
        # memberships read once (the identity rule reads them again for name matches)
        if getattr(user, "is_authenticated", False):
            prefetch_memberships(user)
        self.scope = access.staff_scope(user)
        self.units: set[int] = set() if self.scope.empty else self.scope.units()
        self.ids: set[int] | None = self._small_set() if self.units else set()
        self.ordered: list[int] | None = None  # ``ids`` sorted, when a backend needs them

    def _small_set(self) -> set[int] | None:
        from django.db import connection

        units = sorted(self.units)
        matter, handling = Matter._meta.db_table, MatterUnit._meta.db_table
        us = ",".join(["%s"] * len(units))
        out: set[int] = set()
        queries = (
            f"SELECT id FROM {matter} WHERE registered_unit_id IN ({us})",
            f"SELECT matter_id FROM {handling} WHERE unit_id IN ({us}) AND active",
        )
        with connection.cursor() as cur:
            for sql in queries:  # counted in the database first: cheap for a broad user
                cur.execute(f"SELECT count(*) FROM ({sql} LIMIT %s) AS t", [*units, NARROW + 1])
                if cur.fetchone()[0] > NARROW:
                    return None
            for sql in queries:
                cur.execute(sql, units)
                out.update(r[0] for r in cur.fetchall())
        return out if len(out) <= NARROW else None

    def narrow(self, chunk: list[int]) -> list[int]:
        """The ids of ``chunk`` registered or handled (actively) in one of the units.
        Raw SQL: building ORM lookups for thousands of ids costs more than running them."""
        from django.db import connection

        if not self.units or not chunk:
            return []
        if self.ids is not None:
            return [i for i in chunk if i in self.ids]
        units = sorted(self.units)
        matter, handling = Matter._meta.db_table, MatterUnit._meta.db_table
        with connection.cursor() as cur:
            if connection.vendor == "postgresql":
                cur.execute(
                    f"SELECT id FROM {matter} WHERE id = ANY(%s) AND registered_unit_id = ANY(%s) "
                    f"UNION SELECT matter_id FROM {handling} WHERE matter_id = ANY(%s) "
                    "AND unit_id = ANY(%s) AND active",
                    [chunk, units, chunk, units],
                )
            else:
                ids, us = ",".join(["%s"] * len(chunk)), ",".join(["%s"] * len(units))
                cur.execute(
                    f"SELECT id FROM {matter} WHERE id IN ({ids}) AND registered_unit_id IN ({us}) "
                    f"UNION SELECT matter_id FROM {handling} WHERE matter_id IN ({ids}) "
                    f"AND unit_id IN ({us}) AND active",
                    [*chunk, *units, *chunk, *units],
                )
            ok = {r[0] for r in cur.fetchall()}
        return [i for i in chunk if i in ok]


def _matches(
    be: Backend,
    scope: str,
    terms: list[Term],
    *,
    below: int | None,
    limit: int,
    reach: Reach | None,
) -> list[int]:
    """Matching ids newest first. On PostgreSQL a narrow user's matches are fetched among
    their reach's ids (``ids_within``): walking a common term's matches newest first to
    find a township's few read most of the term's documents."""
    if isinstance(be, PostgresBackend) and reach is not None and reach.ids is not None:
        if reach.ordered is None:
            reach.ordered = sorted(reach.ids)
        return be.ids_within(scope, terms, reach.ordered, below=below, limit=limit)
    return be.ids(scope, terms, below=below, limit=limit)


def _allowed(
    user: Any,
    be: Backend,
    terms: list[Term],
    chunk: list[int],
    *,
    names: bool = True,
    reach: Reach | None = None,
) -> list[int]:
    """The ids of ``chunk`` (matches of scope ``all``) the user may get, in order."""
    if reach is not None:
        chunk = reach.narrow(chunk)
    if not chunk:
        return []
    scoped = access.visible(user, reach.scope if reach is not None else None)
    vis = set(scoped.filter(pk__in=chunk).values_list("pk", flat=True))
    if vis and names:
        by_text = be.among("main", terms, sorted(vis))
        by_name = vis - by_text
        if by_name:
            ok = set(
                access.restrict(
                    Matter.objects.filter(pk__in=by_name), user, "identity"
                ).values_list("pk", flat=True)
            )
            vis -= by_name - ok
    return [i for i in chunk if i in vis]


def _scan(
    user: Any,
    be: Backend,
    terms: list[Term],
    *,
    scope: str,
    below: int | None,
    want: int,
    minus: str | None = None,
    reach: Reach | None = None,
) -> tuple[list[int], int | None, bool]:
    """Allowed ids of ``scope`` (not in ``minus``), newest first, below ``below``.
    Returns (ids, last id examined, exhausted)."""
    out: list[int] = []
    scanned = 0
    size = max(want * 2, 50)
    if reach is not None and reach.ids is None and not reach.scope.everything:
        # a broad user who still sees only part of the deployment (a county's supervisor:
        # a sixteenth of a province) keeps a few of every 50 matches: start wider than
        # three rounds of 50, 200 and 800 would reach
        size = max(want * 20, 400)
    last = below
    while len(out) < want:
        if scanned >= SCAN_BUDGET:
            return out, last, False
        chunk = _matches(be, scope, terms, below=last, limit=size, reach=reach)
        scanned += len(chunk)
        if chunk:
            last = chunk[-1]
        full = len(chunk) == size
        if minus and chunk:
            drop = be.among(minus, terms, chunk)
            chunk = [i for i in chunk if i not in drop]
        out += _allowed(user, be, terms, chunk, names=scope == "all", reach=reach)
        if not full:
            return out, last, True
        size = min(size * 4, 4000)
    return out, last, False


def _count(
    user: Any, be: Backend, terms: list[Term], reach: Reach | None = None
) -> tuple[int, bool]:
    n = 0
    scanned = 0
    last: int | None = None
    size = 1200
    while scanned < SCAN_BUDGET:
        chunk = _matches(be, "all", terms, below=last, limit=size, reach=reach)
        if not chunk:
            return n, False
        scanned += len(chunk)
        last = chunk[-1]
        n += len(_allowed(user, be, terms, chunk, reach=reach))
        if n >= CAP:
            return CAP, True
        if len(chunk) < size:
            return n, False
        size = min(size * 2, 5000)
    return n, True


def _mark(text: str, marks: list[str], *, width: int | None = None) -> SafeString:
    """Escaped ``text`` with ``marks`` wrapped in <mark>; with ``width``, a window of about
    that many characters around the first mark."""
    chars = list(text or "")
    norm_chars = [normalise(c) for c in chars]
    flat = "".join(norm_chars)
    owner = [i for i, n in enumerate(norm_chars) for _ in n]  # flat index → char index
    spans: list[tuple[int, int]] = []
    for m in marks:
        start = 0
        while (k := flat.find(m, start)) >= 0:
            spans.append((owner[k], owner[k + len(m) - 1] + 1))
            start = k + len(m)
    lo, hi = 0, len(chars)
    if width is not None:
        first = min((s for s, _ in spans), default=0)
        lo = max(first - width // 4, 0)
        hi = min(lo + width, len(chars))
    on = [False] * len(chars)
    for s, e in spans:
        for i in range(s, e):
            on[i] = True
    out = ["…" if lo > 0 else ""]
    i = lo
    while i < hi:
        j = i
        while j < hi and on[j] == on[i]:
            j += 1
        piece = html.escape("".join(chars[i:j]))
        out.append(f"<mark>{piece}</mark>" if on[i] else piece)
        i = j
    if hi < len(chars):
        out.append("…")
    return mark_safe("".join(out))  # every piece is escaped above


def _hits(ids: list[int], q: str) -> list[Hit]:
    marks = needles(q)
    by_id = Matter.objects.select_related("lead_unit", "registered_unit", "topic").in_bulk(ids)
    out = []
    for i in ids:
        m = by_id.get(i)
        if m is None:
            continue
        body = next(
            (t for t in (m.content, m.facts) if any(x in normalise(t) for x in marks)), m.content
        )
        out.append(Hit(m, _mark(m.title, marks), _mark(body, marks, width=90)))
    return out


def _cursor(value: str | None) -> tuple[int, int | None]:
    """ "<tier>:<id>" → (tier, id); refuses what it did not produce."""
    if not value:
        return 0, None
    tier, _, pk = value.partition(":")
    if tier not in ("0", "1") or not (pk.isdigit() or (tier == "1" and pk == "")):
        raise UserError("bad_cursor", "翻页参数无效", "Invalid page cursor", field="after")
    return int(tier), int(pk) if pk else None


def count(user: Any, q: str) -> tuple[int, bool]:
    """How many matters visible to ``user`` match ``q`` (capped at ``CAP``; True: at
    least that many). The search page asks for it after showing the first page."""
    return _count(user, backend(), parse(q), Reach(user))


def search(
    user: Any,
    q: str,
    *,
    order: str = "relevance",
    limit: int = 20,
    after: str | None = None,
    count: bool = True,
) -> Results:
    """Matters visible to ``user`` matching every term of ``q``.

    ``relevance``: matters whose title contains every term first, then the others, each
    newest first (the same order on every database); ``newest``: newest first. ``after``
    is the cursor of the previous page. The count is capped at ``CAP``.
    """
    if order not in ORDERS:
        raise UserError("bad_order", "排序方式无效", "Invalid order", field="order")
    limit = max(1, min(int(limit), 100))
    terms = parse(q)
    tier, below = _cursor(after)
    be = backend()
    reach = Reach(user)
    res = Results(q=q.strip(), order=order)
    ids: list[int] = []
    nxt: str | None = None
    if order == "newest":
        got, last, done = _scan(
            user, be, terms, scope="all", below=below, want=limit + 1, reach=reach
        )
        ids = got[:limit]
        if len(got) > limit:
            nxt = f"0:{ids[-1]}"
        elif not done and last is not None:
            nxt = f"0:{last}"
    else:
        if tier == 0:
            got, last, done = _scan(
                user, be, terms, scope="title", below=below, want=limit + 1, reach=reach
            )
            ids = got[:limit]
            if len(got) > limit:
                nxt = f"0:{ids[-1]}"
            elif not done and last is not None:
                nxt = f"0:{last}"
            else:
                tier, below = 1, None
        if tier == 1 and nxt is None:
            want = limit + 1 - len(ids)
            got, last, done = _scan(
                user, be, terms, scope="all", below=below, want=want, minus="title", reach=reach
            )
            if len(got) >= want:
                ids += got[: want - 1]
                nxt = f"1:{got[want - 2]}" if want > 1 else "1:"
            else:
                ids += got
                if not done and last is not None:
                    nxt = f"1:{last}"
    res.hits = _hits(ids, q)
    res.after = nxt
    if count:
        res.count, res.count_more = _count(user, be, terms, reach)
    return res
