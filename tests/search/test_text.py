"""Tokenising and ranking helpers: the fast paths give what the plain definitions give."""

from __future__ import annotations

import random
import sys
import unicodedata

from xinfang.search.similar import _Idf, _weights, fold, norms, text_similarity
from xinfang.search.text import normalise, run_tokens, runs, tokens


def test_normalise_is_nfkc_lower_over_all_of_unicode() -> None:
    # every code point, each beside full-width forms (whose images may compose with it)
    points = [chr(c) for c in range(0x20, sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for i in range(0, len(points), 50):
        text = "Ａ，".join(points[i : i + 50]) + "\u3000１２"
        assert normalise(text) == unicodedata.normalize("NFKC", text).lower()
    assert normalise("拖欠工资３万元！") == "拖欠工资3万元!"
    assert normalise("") == ""


def test_tokens_are_the_run_tokens_of_each_run() -> None:
    text = "２０２６年拖欠工资ＡＢＣ公司，欠薪 x 3 人。" + "a" * 100
    want = [tok for r in runs(text) for tok in run_tokens(r)]
    assert tokens(text) == want
    assert tokens("拖欠工资") == ["拖欠", "欠工", "工资"]
    assert tokens("我 abc 欠薪") == ["我", "abc", "欠薪"]


def test_similarity_without_vectors_equals_text_similarity() -> None:
    rng = random.Random(5)
    words = list("拆迁补偿物业噪音扰民拖欠工资低保停车收费小区开发商漏水请求反映")
    texts = ["".join(rng.choices(words, k=rng.randint(3, 60))) for _ in range(60)]
    df = {}
    for t in texts:
        for tok in set(tokens(t)):
            df[tok] = df.get(tok, 0) + 1
    n = len(texts)
    q = set(tokens(fold(texts[0])))
    idf = _Idf(df, n)
    bags = [set(tokens(fold(t))) for t in texts]
    idf.add(q.union(*bags))
    qw = _weights(q, df, n)
    for bag in bags:
        want = text_similarity(qw, _weights(bag, df, n), norms(qw))
        assert abs(idf.similarity(q, idf.norms(q), bag) - want) < 1e-12
    assert idf.similarity(q, idf.norms(q), set()) == 0.0
