"""Full-text search: the same sets on SQLite and PostgreSQL, visibility, confidentiality."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import concluded, register, staff
from xinfang.actions.registration import add_material
from xinfang.actions.retention import anonymise
from xinfang.audit.models import AccessLog
from xinfang.cases import access
from xinfang.cases.models import Category
from xinfang.core.errors import UserError
from xinfang.org.models import Role
from xinfang.search.queries import parse, search
from xinfang.search.services import index_matters, rebuild

TEXTS = {
    "leak": ("小区楼顶漏水三年未修", "请求住建部门督促开发商维修楼顶防水层。", "张三"),
    "demolish": ("城关镇拆迁补偿款未到位", "2024年拆迁时承诺的补偿款至今未发放。", "李四"),
    "wages": ("工地欠薪", "某建筑公司拖欠农民工工资十二万元，请求追讨欠薪。", "王五"),
    "property": ("物业乱收费", "物业公司擅自提高物业费，3号楼业主不同意。", "赵六"),
    "dibao": ("低保被取消", "家中困难，低保突然被取消，请求恢复低保待遇。", "孙七"),
    "noise": ("夜间施工噪音扰民", "ABC建材公司夜间施工，噪音严重影响休息。", "周八"),
}


@pytest.fixture
def docs(world):
    out = {}
    for key, (title, content, name) in TEXTS.items():
        out[key] = register(
            world,
            title=title,
            content=content,
            facts="",
            petitioners=[{"name": name, "phone": "1390000" + str(len(out)).zfill(4)}],
        )
    return out


def keys(res, docs):
    by_pk = {m.pk: k for k, m in docs.items()}
    return {by_pk[h.matter.pk] for h in res.hits}


# Each query with the exact set it must return to the registrar, on every database.
CASES = [
    ("拆迁", {"demolish"}),
    ("欠薪", {"wages"}),
    ("物业", {"property"}),
    ("低保", {"dibao"}),
    ("漏水", {"leak"}),
    ("补偿款", {"demolish"}),
    ("拆迁补偿", {"demolish"}),
    ("拖欠农民工工资", {"wages"}),
    ("请求", {"leak", "wages", "dibao"}),
    ("请求 低保", {"dibao"}),
    ("请求　欠薪", {"wages"}),  # a full-width space separates terms too
    ("拆迁 欠薪", set()),
    ("补偿拆迁", set()),  # order matters inside a term
    ("abc", {"noise"}),
    ("ＡＢＣ建材", {"noise"}),  # full-width letters fold
    ("3号", {"property"}),
    ("3号楼", {"property"}),
    ("2024", {"demolish"}),
    ("青山县信访局", set(TEXTS)),  # the registering organ's name
    ("城关镇", set(TEXTS)),  # the area's name (and one title)
    ("张三", {"leak"}),  # a petitioner's name, identity visible to the registrar
    ("张三 漏水", {"leak"}),
    ("张三 拆迁", set()),
    ("不存在的词", set()),
]


@pytest.mark.parametrize(("q", "expected"), CASES)
@pytest.mark.parametrize("order", ["relevance", "newest"])
def test_exact_sets(world, docs, q, expected, order):
    res = search(world.registrar, q, order=order, limit=100)
    assert keys(res, docs) == expected
    assert res.count == len(expected)
    assert res.count_more is False
    assert res.after is None


def test_receipt_prefix_and_exact(world, docs):
    m = docs["wages"]
    assert [h.matter.pk for h in search(world.registrar, m.receipt_no).hits] == [m.pk]
    prefix = m.receipt_no.rsplit("-", 1)[0]  # unit and year: every matter registered here
    assert {h.matter.pk for h in search(world.registrar, prefix, limit=100).hits} == {
        d.pk for d in docs.values()
    }


@pytest.mark.parametrize("q", ["拆", "a", "，", "楼 漏水", "", "   "])
def test_too_short_is_refused(world, docs, q):
    with pytest.raises(UserError) as e:
        search(world.registrar, q)
    assert e.value.code in {"too_short", "empty"}
    assert "2" in e.value.zh or "检索词" in e.value.zh


def test_bad_order_and_cursor_refused(world, docs):
    with pytest.raises(UserError):
        search(world.registrar, "物业", order="random")
    with pytest.raises(UserError):
        search(world.registrar, "物业", after="x:1")


def test_relevance_puts_title_hits_first(world):
    body = register(world, title="楼道灯坏了", content="物业不修楼道灯。")
    title = register(world, title="物业不作为", content="楼道灯坏了无人维修。")
    body2 = register(world, title="垃圾无人清运", content="物业公司不清运垃圾。")
    res = search(world.registrar, "物业", order="relevance")
    assert [h.matter.pk for h in res.hits] == [title.pk, body2.pk, body.pk]
    res = search(world.registrar, "物业", order="newest")
    assert [h.matter.pk for h in res.hits] == [body2.pk, title.pk, body.pk]


@pytest.mark.parametrize("order", ["relevance", "newest"])
def test_keyset_pages_cover_every_match_once(world, order):
    made = [
        register(world, title=f"物业问题{i}" if i % 3 else "小区问题", content=f"物业纠纷第{i}件")
        for i in range(13)
    ]
    seen: list[int] = []
    after = None
    for _ in range(10):
        res = search(world.registrar, "物业", order=order, limit=5, after=after)
        seen += [h.matter.pk for h in res.hits]
        after = res.after
        if after is None:
            break
    assert sorted(seen) == sorted(m.pk for m in made)
    assert len(seen) == len(set(seen))


def test_visibility_other_unit_sees_nothing(world, docs):
    assert search(world.other_handler, "物业").hits == []
    assert search(world.other_handler, "物业").count == 0
    assert search(world.auditor, "物业").hits == []  # auditors read logs, not matters
    # the supervising office sees the county's matters
    assert keys(search(world.supervisor, "物业"), docs) == {"property"}


def test_confidential_reporter_name_never_matches(world):
    """XFGZ Art. 30: a reporter's name finds a report only for those who may see it."""
    report = register(
        world,
        category=Category.REPORT,
        title="反映村干部侵占集体资金",
        content="村委会主任侵占集体土地补偿资金。",
        petitioners=[{"name": "钱九", "phone": "13900009999"}],
    )
    assert [h.matter.pk for h in search(world.registrar, "钱九").hits] == [report.pk]
    # the supervisor sees the matter, but not who reported it
    assert [h.matter.pk for h in search(world.supervisor, "侵占").hits] == [report.pk]
    res = search(world.supervisor, "钱九")
    assert res.hits == [] and res.count == 0
    assert search(world.supervisor, "钱九 侵占").hits == []
    assert "钱九" not in str(search(world.supervisor, "侵占").hits[0].snippet)


def test_snippet_is_escaped_and_marked(world):
    register(world, title="<b>物业</b>", content='物业<script>alert("x")</script>乱收费')
    h = search(world.registrar, "物业").hits[0]
    assert str(h.title) == "&lt;b&gt;<mark>物业</mark>&lt;/b&gt;"
    assert "<script>" not in str(h.snippet)
    assert str(h.snippet).startswith("<mark>物业</mark>&lt;script&gt;")


def test_material_note_is_indexed_and_anonymising_removes_text(world):
    m = register(world, title="楼顶漏水", content="顶楼渗水严重。", petitioners=[{"name": "吴十"}])
    assert search(world.registrar, "鉴定报告").hits == []
    add_material(m, by=world.registrar, note="补充房屋安全鉴定报告")
    assert [h.matter.pk for h in search(world.registrar, "鉴定报告").hits] == [m.pk]
    anonymise(concluded(world, m))  # retention reaches closed matters only
    for q in ("渗水", "鉴定报告", "吴十"):
        assert search(world.registrar, q).hits == [], q
    assert [h.matter.pk for h in search(world.registrar, "漏水").hits] == [m.pk]  # title stays


def test_rebuild_gives_the_same_sets(world, docs):
    before = {q: keys(search(world.registrar, q, limit=100), docs) for q, _ in CASES}
    assert rebuild(batch=2) == len(docs)
    after = {q: keys(search(world.registrar, q, limit=100), docs) for q, _ in CASES}
    assert after == before
    index_matters([d.pk for d in docs.values()])  # re-indexing twice changes nothing
    assert {q: keys(search(world.registrar, q, limit=100), docs) for q, _ in CASES} == before


def test_count_is_capped(world, monkeypatch):
    import xinfang.search.queries as queries

    monkeypatch.setattr(queries, "CAP", 3)
    for i in range(5):
        register(world, title=f"物业{i}", content="物业")
    res = search(world.registrar, "物业")
    assert (res.count, res.count_more, res.count_label) == (3, True, "3+")


def test_parse_tokens():
    t = parse("拆迁补偿 3号 abc")
    assert [x.tokens for x in t] == [("拆迁", "迁补", "补偿"), ("3", "号"), ("abc",)]
    assert [x.prefix for x in t] == [False, True, False]


# --- the page ---------------------------------------------------------------------------


def test_page_permissions(world, docs, client):
    from tests.factories import login

    r = client.get("/search/?q=物业")
    assert r.status_code == 302 and "/login/" in r["Location"]
    r = login(world.other_handler).get("/search/?q=物业")
    assert r.status_code == 200 and docs["property"].receipt_no not in r.content.decode()
    before = AccessLog.objects.count()
    r = login(world.registrar).get("/search/?q=物业")
    body = r.content.decode()
    assert r.status_code == 200 and docs["property"].receipt_no in body
    assert "<mark>物业</mark>" in body
    assert AccessLog.objects.filter(what="search").count() == 1
    assert AccessLog.objects.count() == before + 1


def test_page_refuses_one_character_clearly(world, docs):
    from tests.factories import login

    r = login(world.registrar).get("/search/?q=拆")
    assert r.status_code == 400
    assert "至少2个字" in r.content.decode()
    assert AccessLog.objects.filter(what="search").count() == 0


def test_page_query_count_is_flat(world):
    from tests.factories import login

    c = login(world.registrar)
    for i in range(22):
        register(world, title=f"物业{i}", content="物业")
    c.get("/search/?q=物业")
    with CaptureQueriesContext(connection) as few:
        c.get("/search/?q=物业")
    for i in range(40):
        register(world, title=f"物业{i}", content="物业")
    c.get("/search/?q=物业")  # the reader's copy of the pending term counts takes in the 40
    with CaptureQueriesContext(connection) as many:
        c.get("/search/?q=物业")
    assert len(many) == len(few)


def test_same_unit_without_matter_role(world, docs):
    admin_only = staff("admin2", (world.office, Role.ADMIN))
    assert search(admin_only, "物业").hits == []


@pytest.mark.parametrize("narrow", [0, 20000])  # 0: every user filtered per chunk in SQL
def test_prefilter_agrees_with_visible_to(world, docs, monkeypatch, narrow):
    from xinfang.actions.workflow import transition
    from xinfang.search import queries

    monkeypatch.setattr(queries, "NARROW", narrow)
    transition(docs["property"], "forward", actor=world.registrar, data={"unit": world.town.pk})
    users = [world.registrar, world.supervisor, world.handler, world.other_handler, world.leader]
    for user in users:
        expected = set(
            access.visible(user)
            .filter(pk__in=[m.pk for m in docs.values()])
            .values_list("pk", flat=True)
        )
        res = search(user, "青山县信访局", order="newest", limit=100)
        assert {h.matter.pk for h in res.hits} == expected, user
        assert res.count == len(expected)
    assert {h.matter.pk for h in search(world.handler, "物业", limit=100).hits} == {
        docs["property"].pk
    }
