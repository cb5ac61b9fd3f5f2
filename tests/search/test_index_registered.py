"""Registration indexes from memory exactly what a re-index from the database writes."""

from __future__ import annotations

import pytest

from xinfang.cases.models import Category, Matter
from xinfang.core.errors import UserError
from xinfang.search.models import SearchDoc, SearchTerm
from xinfang.search.services import DOCS, index_matters

from ..factories import World, register


def _entry(m: Matter) -> tuple[bytes, dict[str, int]]:
    src = bytes(SearchDoc.objects.get(matter=m).source)
    return src, dict(SearchTerm.objects.values_list("term", "df"))


def test_registered_entry_equals_reindex(world: World) -> None:
    m = register(
        world,
        category=Category.REPORT,
        accused_unit=world.housing,
        title="反映某局拖欠工程款",
        content="请求督促支付拖欠的工程款三十万元",
        facts="多次催要未果",
        petitioners=[
            {"name": "李四", "phone": "13900001111"},
            {"name": "宏达建筑公司", "is_organisation": True},
        ],
    )
    before = _entry(m)
    assert before[1][DOCS] == 1
    assert index_matters([m.pk]) == 1
    assert _entry(m) == before


def test_refused_registration_leaves_index_unchanged(world: World) -> None:
    register(world)
    before = (SearchDoc.objects.count(), dict(SearchTerm.objects.values_list("term", "df")))
    with pytest.raises(UserError) as e:
        register(world, title="")
    assert e.value.code == "required"
    after = (SearchDoc.objects.count(), dict(SearchTerm.objects.values_list("term", "df")))
    assert after == before
