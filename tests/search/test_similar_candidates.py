"""Which bigrams fetch same-matter candidates: not those of units' names, which the main
index holds for every matter of the unit (its registering unit, area, accused unit)."""

from __future__ import annotations

from typing import Any

import pytest

from xinfang.org.models import Level, Unit, UnitKind
from xinfang.search import backends
from xinfang.search.similar import similar_matters, unit_name_tokens

from ..factories import World, register, unit

LAMP = "翠湖街道人民路东段的路灯损坏半年，夜间一片漆黑，请求尽快修复路灯。"


@pytest.fixture
def fetched(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The bigrams similar_matters fetches candidates through, on either backend."""
    seen: list[str] = []
    sqlite_ids = backends.SQLiteBackend.ids
    pg_newest = backends.PostgresBackend.newest

    def ids(self: Any, scope: str, terms: Any, **kw: Any) -> list[int]:
        seen.extend(t for term in terms for t in term.tokens)
        return sqlite_ids(self, scope, terms, **kw)

    def newest(self: Any, token: str, **kw: Any) -> list[int]:
        seen.append(token)
        return pg_newest(self, token, **kw)

    monkeypatch.setattr(backends.SQLiteBackend, "ids", ids)
    monkeypatch.setattr(backends.PostgresBackend, "newest", newest)
    return seen


def test_unit_name_bigrams_fetch_no_candidates(
    world: World, fetched: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    street = unit("青山县翠湖街道办事处", UnitKind.GOVERNMENT, Level.TOWNSHIP, world.county)
    same_text = register(world, title="翠湖街道路灯损坏", content=LAMP, area=street)
    # same place, another grievance: 翠湖 is in their index only through the area's name
    others = {
        register(
            world,
            title="小区停车收费过高",
            content=f"物业公司擅自上调停车费，第{i}次反映无人理会。",
            area=street,
        ).pk
        for i in range(6)
    }
    ask = dict(title="翠湖路灯损坏", text="翠湖那边路灯损坏了", area=street, topic=world.topic)

    # fetched through every rare bigram, 翠湖 brings the whole street's matters
    with monkeypatch.context() as m:
        m.setattr(unit_name_tokens, "get", frozenset)
        rows = similar_matters(user=world.registrar, **ask)
    assert "翠湖" in fetched and others <= {r.matter.pk for r in rows}

    fetched.clear()
    rows = similar_matters(user=world.registrar, **ask)
    assert fetched and "翠湖" not in fetched and not set(fetched) & unit_name_tokens.get()
    assert [r.matter.pk for r in rows] == [same_text.pk]


def test_unit_name_tokens_follow_the_units(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    assert {"青山", "信访"} <= unit_name_tokens.get()
    assert "金沙" not in unit_name_tokens.get()
    unit("金沙湾社区居民委员会", UnitKind.COMMITTEE, Level.VILLAGE, world.town)  # saved: forgotten
    assert {"金沙", "沙湾"} <= unit_name_tokens.get()
    Unit.objects.bulk_create(
        [Unit(name="银滩村民委员会", kind=UnitKind.COMMITTEE, level=Level.VILLAGE)]
    )
    Unit.objects.filter(name="城关镇桃园村民委员会").update(name="城关镇玉泉村民委员会")
    # no signal for either (as from another process) until the tokens expire
    assert not {"银滩", "玉泉"} & unit_name_tokens.get()
    monkeypatch.setattr(unit_name_tokens, "TTL", 0.0)
    assert {"银滩", "玉泉"} <= unit_name_tokens.get() and "桃园" not in unit_name_tokens.get()


def test_candidate_bags_are_the_folded_tokens_and_shared() -> None:
    from xinfang.search.similar import bag, fold
    from xinfang.search.text import tokens

    text = "开发商拖欠工资三个月，农民工多次反映至今未解决。"
    assert bag(text) == set(tokens(fold(text))) and "欠薪" in bag(text)
    assert bag(text) is bag(text[:-1] + "。")  # cached by text
    other = bag("欠薪问题")
    shared = next(t for t in other if t == "欠薪")
    assert shared is next(t for t in bag(text) if t == "欠薪")  # interned strings


def test_a_unit_renamed_while_the_names_are_read_is_not_missed(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    from xinfang.search import similar

    unit_name_tokens.forget()
    plain = similar.tokens
    renamed = []

    def tokens_while_a_unit_is_renamed(text: str) -> list[str]:
        if not renamed:  # the names are being read: another thread renames a unit
            world.village.name = "城关镇金沙湾村民委员会"
            world.village.save()
            renamed.append(text)
        return plain(text)

    with monkeypatch.context() as m:
        m.setattr(similar, "tokens", tokens_while_a_unit_is_renamed)
        unit_name_tokens.get()
    # the same number of units and the same largest key: only the save tells
    assert "金沙" in unit_name_tokens.get()
