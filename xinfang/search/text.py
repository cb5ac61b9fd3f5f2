"""Text → index tokens, the same on every database.

A document is indexed as overlapping character bigrams of each run of CJK characters
(a one-character run stays one token) and each run of latin letters/digits as one
lower-cased word; everything else separates runs. A query term of n CJK characters is
the phrase of its n-1 bigrams, so "拆迁" is one token and "拆迁补偿" the phrase
拆迁 迁补 补偿. Full-width forms are folded first (NFKC).
"""

from __future__ import annotations

import re
import unicodedata

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{_CJK}]+|[0-9a-z]+")
MAX_WORD = 60  # longer latin runs are cut (PostgreSQL lexemes and the df table's key)
MAX_FIELD = 4000  # characters of one field that are indexed (PostgreSQL position limits)


# Full-width ASCII forms and the ideographic space, as NFKC maps them. Chinese text is
# full of full-width punctuation (，。！), and NFKC of a text holding any is much slower
# than of a text already in NFKC (which CPython's quick check returns as it is);
# replacing those characters by their images first gives the same result (NFKC of a
# character's compatibility decomposition is NFKC of the character) in much less time.
# tests/search/test_text.py compares the two over the whole of Unicode.
_FULLWIDTH = {chr(c): unicodedata.normalize("NFKC", chr(c)) for c in range(0xFF01, 0xFF5F)}
_FULLWIDTH["\u3000"] = " "
_FULLWIDTH_RE = re.compile("[\uff01-\uff5e\u3000]")


def _fullwidth(m: re.Match[str]) -> str:
    return _FULLWIDTH[m.group()]


def normalise(text: str) -> str:
    """NFKC, lower-cased."""
    return unicodedata.normalize("NFKC", _FULLWIDTH_RE.sub(_fullwidth, text or "")).lower()


def runs(text: str) -> list[str]:
    return _RUN.findall(normalise(text))


def is_cjk_run(run: str) -> bool:
    return not run[0].isascii()


def run_tokens(run: str) -> list[str]:
    if not is_cjk_run(run):
        return [run[:MAX_WORD]]
    if len(run) == 1:
        return [run]
    return [run[i : i + 2] for i in range(len(run) - 1)]


def tokens(text: str) -> list[str]:
    """Index tokens of ``text`` in order (positions matter for phrases)."""
    out: list[str] = []
    for r in runs((text or "")[:MAX_FIELD]):
        out.extend(run_tokens(r))
    return out


def receipt_token(receipt_no: str) -> str:
    """Receipt numbers are indexed as one word ``rn<digits>`` so a prefix query finds them
    and no ordinary word or number can."""
    return "rn" + "".join(ch for ch in normalise(receipt_no) if ch.isascii() and ch.isalnum())
