"""Trigram lexemes (PostgreSQL's title index): a phrase of n CJK bigrams and the phrase of its
n-1 trigrams match the same documents, so both databases keep returning the same sets."""

from __future__ import annotations

import random

import pytest

from tests.factories import World, register
from xinfang.search.backends import PostgresBackend, Term, _tsvector, backend, chain, trigrams
from xinfang.search.models import SearchDoc
from xinfang.search.services import _fields
from xinfang.search.text import tokens


def test_trigrams_of_overlapping_bigrams() -> None:
    assert trigrams(tokens("拖欠工资")) == [(0, "拖欠工"), (1, "欠工资")]
    assert chain(tokens("拖欠工资")) == ["拖欠工", "欠工资"]
    assert chain(tokens("拆迁补")) == ["拆迁补"]
    # two characters, a latin word, or a term of several runs: the tokens stay
    assert chain(tokens("拆迁")) is None
    assert chain(tokens("abc建材")) is None
    assert trigrams(tokens("abc建材")) == []
    assert chain(tokens("3号楼")) is None
    assert trigrams(tokens("3号楼")) == []


def test_trigrams_follow_the_phrase_across_runs() -> None:
    # FTS5 and the tsvector both read "工资，资金" as the phrase 工资 资金 (positions are per
    # token, punctuation takes none), so the trigram 工资金 stands for that same match.
    assert tokens("工资，资金") == ["工资", "资金"]
    assert trigrams(tokens("工资，资金")) == [(0, "工资金")]
    assert trigrams(tokens("工资，金额")) == []


def test_tsvector_places_a_trigram_at_its_first_bigram() -> None:
    vec = dict(
        (lex.strip("'"), pos)
        for lex, _, pos in (
            part.rpartition(":") for part in _tsvector(tokens("拖欠工资"), tri=True).split()
        )
    )
    assert vec == {"拖欠": "2", "欠工": "3", "工资": "4", "拖欠工": "2", "欠工资": "3"}
    # a second field starts after a gap: no trigram spans two fields
    two = _tsvector(tokens("工资"), tokens("资金"), tri=True)
    assert "工资金" not in two
    # the main text and the names keep their bigrams only
    assert "拖欠工" not in _tsvector(tokens("拖欠工资"))
    assert PostgresBackend.title_vector("拖欠工资") == _tsvector(tokens("拖欠工资"), tri=True)


def test_title_query_uses_trigrams_only_for_one_run() -> None:
    def q(text: str, **kw: bool) -> str:
        return PostgresBackend().query([Term(tuple(tokens(text)))], **kw)

    assert q("拖欠工资", tri=True) == "('拖欠工' <-> '欠工资')"
    assert q("补偿款", tri=True) == "('补偿款')"
    assert q("拆迁", tri=True) == "('拆迁')"
    assert q("拖欠工资") == "('拖欠' <-> '欠工' <-> '工资')"
    prefix = [Term(("3", "号"), prefix=True)]
    assert PostgresBackend().query(prefix, tri=True) == "('3' <-> '号':*)"


TEXTS = [
    ("工地拖欠工资", "某建筑公司拖欠农民工工资十二万元，请求追讨欠薪。"),
    ("拖欠工程款", "开发公司拖欠工程款，工资无着落，民工工资至今未付。"),
    ("物业乱收费", "物业公司擅自提高物业费，业主工资不高，难以承受。"),
    ("拆迁补偿款未到位", "拆迁补偿标准偏低，补偿款迟迟不到位，请求补偿。"),
    ("低保被取消", "低保突然被取消，家中无工资收入，请求恢复低保。"),
    ("噪音扰民", "夜间施工噪音扰民，施工单位拖欠整改，工资单位不管。"),
]


def _contains(seq: list[str], sub: list[str]) -> bool:
    n = len(sub)
    return any(seq[i : i + n] == sub for i in range(len(seq) - n + 1))


@pytest.mark.django_db
def test_phrases_match_as_their_bigrams_would(world: World) -> None:
    """Against a reference that looks for the token sequence in a field: every substring
    of the texts of 2–6 characters, and phrases glued from bigrams that occur apart."""
    ids = [register(world, title=t, content=c, facts="").pk for t, c in TEXTS]
    ms = {d.matter_id: _fields(d.source) for d in SearchDoc.objects.filter(matter_id__in=ids)}
    assert len(ms) == len(TEXTS)
    rng = random.Random(7)
    phrases = set()
    for t, c in TEXTS:
        for text in (t, c):
            for n in range(2, 7):
                for i in range(len(text) - n + 1):
                    if rng.random() < 0.35:
                        phrases.add(text[i : i + n])
    bigrams = sorted({b for t, c in TEXTS for b in tokens(t + c)})
    for _ in range(40):  # e.g. 工资 + 资金, 拖欠 + 欠工 + 工资: all there, rarely together
        a = rng.choice(bigrams)
        follow = [b for b in bigrams if b[0] == a[1]]
        if follow:
            b = rng.choice(follow)
            phrases.add(a + b[1])
            more = [x for x in bigrams if x[0] == b[1]]
            if more:
                phrases.add(a + b[1] + rng.choice(more)[1])
    be = backend()
    checked = 0
    for p in sorted(phrases):
        toks = tokens(p)
        if len("".join(toks)) < 2:  # e.g. "，请": one character, refused by the parser
            continue
        term = Term(tuple(toks))
        for scope, fields in (("title", (0,)), ("main", (0, 1, 2))):
            want = {
                pk
                for pk, texts in ms.items()
                if any(_contains(tokens(texts[f]), toks) for f in fields)
            }
            got = set(be.ids(scope, [term], limit=100))
            assert got == want, (p, scope)
            checked += 1
    assert checked > 150


@pytest.mark.django_db
def test_one_lexeme_is_decided_by_the_index(world: World) -> None:
    for t, c in TEXTS:
        register(world, title=t, content=c, facts="")
    be = PostgresBackend()
    three, four = [Term(tuple(tokens("补偿款")))], [Term(tuple(tokens("拖欠工资")))]
    # in titles a three-character term is one trigram; in the main text it is a phrase
    assert be._alone("title", three)
    assert "ts_match_vq" not in be._ranged("title", three)[0]
    assert not be._alone("main", three)
    assert "ts_match_vq" in be._ranged("main", three)[0]
    assert not be._alone("title", four)
    assert "ts_match_vq" in be._ranged("title", four)[0]
    assert be._alone("main", [Term(("拆迁",))])
