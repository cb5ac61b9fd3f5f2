"""Tokenising and ranking helpers: the fast paths give what the plain definitions give."""

from __future__ import annotations

import math
import random
import sys
import unicodedata

from xinfang.search.similar import Idf, fold
from xinfang.search.text import normalise, tokens


def test_normalise_is_nfkc_lower_over_all_of_unicode() -> None:
    # every code point, each beside full-width forms (whose images may compose with it)
    points = [chr(c) for c in range(0x20, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(points), 50):
        text = "Ａ，".join(points[i : i + 50]) + "\u3000１２"
        assert normalise(text) == unicodedata.normalize("NFKC", text).lower()
    assert normalise("拖欠工资３万元！") == "拖欠工资3万元!"
    assert normalise("") == ""


def test_tokens_of_chinese_latin_and_full_width_text() -> None:
    assert tokens("拖欠工资") == ["拖欠", "欠工", "工资"]
    assert tokens("我 abc 欠薪") == ["我", "abc", "欠薪"]
    assert tokens("ＡＢＣ公司，欠薪３人") == ["abc", "公司", "欠薪", "3", "人"]


def _plain(a: set[str], b: set[str], df: dict[str, int], n: int) -> float:
    """The similarity as written down: weight vectors, then cosine and overlap."""
    unknown = max(n // 20, 1)

    def weights(bag: set[str]) -> dict[str, float]:
        return {t: math.log((n + 1) / (df.get(t, unknown) + 1)) ** 2 + 0.01 for t in bag}

    wa, wb = weights(a), weights(b)
    common = wa.keys() & wb.keys()
    cosine = sum(wa[t] * wb[t] for t in common) / (
        math.sqrt(sum(x * x for x in wa.values())) * math.sqrt(sum(x * x for x in wb.values()))
    )
    overlap = sum(wa[t] for t in common) / min(sum(wa.values()), sum(wb.values()))
    return 0.5 * cosine + 0.5 * overlap


def test_similarity_from_term_weights_equals_the_plain_formula() -> None:
    rng = random.Random(5)
    words = list("拆迁补偿物业噪音扰民拖欠工资低保停车收费小区开发商漏水请求反映")
    texts = ["".join(rng.choices(words, k=rng.randint(3, 60))) for _ in range(60)]
    df: dict[str, int] = {}
    for t in texts[:40]:  # the rest hold bigrams the index never counted
        for tok in set(tokens(t)):
            df[tok] = df.get(tok, 0) + 1
    n = 40
    q = set(tokens(fold(texts[0])))
    bags = [set(tokens(fold(t))) for t in texts]
    idf = Idf(df, n)
    idf.add(q.union(*bags))
    for bag in bags:
        want = _plain(q, bag, df, n)
        assert abs(idf.similarity(q, idf.norms(q), bag) - want) < 1e-12
        assert abs(idf.similarity(q, idf.norms(q), bag, idf.norms(bag)) - want) < 1e-12
    assert idf.similarity(q, idf.norms(q), set()) == 0.0
    assert abs(idf.similarity(q, idf.norms(q), q) - 1.0) < 1e-12
