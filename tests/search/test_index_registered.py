"""Registration indexes from memory exactly what a re-index from the database writes."""

from __future__ import annotations

import pytest

from xinfang.cases.models import Category, Matter
from xinfang.core.errors import UserError
from xinfang.search.frequencies import DOCS
from xinfang.search.models import SearchDoc, SearchTerm
from xinfang.search.services import fold_pending, index_matters

from ..factories import World, register


def _entry(m: Matter) -> tuple[bytes, dict[str, int]]:
    src = bytes(SearchDoc.objects.get(matter=m).source)
    fold_pending()
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
    fold_pending()
    before = (SearchDoc.objects.count(), dict(SearchTerm.objects.values_list("term", "df")))
    with pytest.raises(UserError) as e:
        register(world, title="")
    assert e.value.code == "required"
    assert fold_pending() == 0
    after = (SearchDoc.objects.count(), dict(SearchTerm.objects.values_list("term", "df")))
    assert after == before


def test_registered_vectors_and_tokens_equal_reindex(world: World) -> None:
    """What the index matches (FTS5 rows, PostgreSQL's three vectors) is the re-index's
    too: the receipt number and the units' names, known only inside the transaction or
    read before it, included."""
    from django.db import connection

    from xinfang.search.queries import search

    m = register(world, area=world.town, title="小区物业乱收费", content="物业公司多收停车费")
    for q in (m.receipt_no, "城关镇", "物业"):
        assert [h.matter.pk for h in search(world.registrar, q, count=False).hits] == [m.pk], q
    if connection.vendor == "postgresql":
        sql = "SELECT tsv::text, ttsv::text, ntsv::text FROM search_searchdoc WHERE matter_id = %s"
        with connection.cursor() as cur:
            cur.execute(sql, [m.pk])
            written = cur.fetchone()
            index_matters([m.pk])
            cur.execute(sql, [m.pk])
            assert cur.fetchone() == written
