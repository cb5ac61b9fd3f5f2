"""ID numbers get a blind index of their own: exact-match lookups without decrypting, as a
same-person signal at intake, and filled in for rows recorded before it existed."""

from __future__ import annotations

import importlib
import io
from types import SimpleNamespace

from django.apps import apps
from django.db import connection

from xinfang.cases.models import Petitioner
from xinfang.core import crypto
from xinfang.search.similar import similar_matters

from ..factories import World, concluded, login, register

ID = "11010519900106123X"
LEAK = "锦绣花园三号楼顶层自去年起每逢下雨渗水，多次找物业维修无果，请求督促物业修复防水层。"


def test_normalised_in_any_width_case_and_spacing() -> None:
    key = crypto.id_index(ID)
    assert key and len(key) == 64
    assert crypto.id_index("110105 19900106 123x") == key
    assert crypto.id_index("１１０１０５１９９００１０６１２３ｘ") == key  # full-width
    assert crypto.id_index("110105-19900106-123X") == key
    assert crypto.id_index("11010519900106123Y") != key
    # never equal to a phone's index for the same digits, never made from short or CJK text
    assert crypto.id_index("13800001234") != crypto.blind_index("13800001234")
    assert crypto.id_index("12345") == "" and crypto.id_index("北京某某科技有限公司") == ""


def test_written_on_save_bulk_create_and_cleared_on_anonymise(world: World) -> None:
    m = register(world, petitioners=[{"name": "张三", "id_number": ID.lower()}])
    p = m.petitioners.get()
    with connection.cursor() as cur:
        cur.execute("SELECT id_index, id_number FROM cases_petitioner WHERE id = %s", [p.pk])
        index, stored = cur.fetchone()
    assert index == crypto.id_index(ID) and ID not in stored and ID.lower() not in stored
    assert list(Petitioner.objects.with_id_number(f" {ID} ")) == [p]
    assert not Petitioner.objects.with_id_number("").exists()
    from xinfang.actions.retention import anonymise

    anonymise(concluded(world, m))  # retention reaches closed matters only
    assert not Petitioner.objects.with_id_number(ID).exists()


def test_same_id_number_is_the_strongest_same_person_signal(world: World) -> None:
    earlier = register(
        world, title="锦绣花园漏水", content=LEAK, petitioners=[{"name": "张三", "id_number": ID}]
    )
    register(world, title="锦绣花园漏水", content=LEAK, petitioners=[{"name": "王五"}])
    rows = similar_matters(
        user=world.registrar,
        title="锦绣花园漏水",
        text=LEAK,
        petitioners=[{"name": "张三丰", "id_number": "110105 19900106 123x"}],
        area=None,
        topic=None,
    )
    by_id = {r.matter.pk: r for r in rows}
    assert by_id[earlier.pk].reasons[0] == "同一信访人（证件号码相同）/ same petitioner (ID number)"
    others = [r for r in rows if r.matter.pk != earlier.pk]
    assert others and all(r.score < by_id[earlier.pk].score for r in others)
    # a user who may not see the matter gets no signal from it (XFGZ Art. 30)
    rows = similar_matters(
        user=world.other_handler,
        title="锦绣花园漏水",
        text=LEAK,
        petitioners=[{"name": "张三丰", "id_number": ID}],
        area=None,
        topic=None,
    )
    assert earlier.pk not in {r.matter.pk for r in rows}


def test_registration_panel_and_earlier_matters_by_id_number(world: World) -> None:
    earlier = register(world, petitioners=[{"name": "张三", "id_number": ID}])
    c = login(world.registrar)
    body = c.post(
        "/search/similar/",
        {"title": earlier.title, "content": earlier.content, "p0_name": "张", "p0_id": ID},
    ).content.decode()
    assert "同一信访人（证件号码相同）" in body and earlier.receipt_no in body
    html = c.get("/petitioners/", {"q": ID.lower()}).content.decode()
    assert earlier.receipt_no in html
    assert earlier.receipt_no not in c.get("/petitioners/", {"q": ID[:-1]}).content.decode()


def test_migration_fills_rows_recorded_before_the_index(world: World) -> None:
    m = register(world, petitioners=[{"name": "张三", "id_number": ID}, {"name": "李四"}])
    Petitioner.objects.filter(matter=m).update(id_index="")
    fill = importlib.import_module("xinfang.cases.migrations.0014_petitioner_id_index").fill
    fill(apps, SimpleNamespace(connection=connection))  # it only uses the editor's connection
    got = dict(Petitioner.objects.filter(matter=m).values_list("name", "id_index"))
    assert got == {"张三": crypto.id_index(ID), "李四": ""}


def test_rebuild_blind_indexes_after_the_index_key_changes(world: World, monkeypatch) -> None:
    from django.core.management import call_command

    m = register(world, petitioners=[{"name": "张三", "phone": "13800001234", "id_number": ID}])
    p = m.petitioners.get()
    monkeypatch.setenv("XINFANG_INDEX_KEY", "a-new-index-key")
    # lookups use the new key: nothing is found until the indexes are rebuilt
    assert not Petitioner.objects.with_phone("13800001234").exists()
    assert not Petitioner.objects.with_id_number(ID).exists()
    out = io.StringIO()
    call_command("rebuild_blind_indexes", stdout=out)
    assert "rebuilt" in out.getvalue()
    assert list(Petitioner.objects.with_phone("138 0000 1234")) == [p]
    assert list(Petitioner.objects.with_id_number(ID.lower())) == [p]


def test_same_person_signal_only_where_the_identity_may_be_seen(world: World) -> None:
    """XFGZ Art. 30: the supervisor sees a report but not who made it, so the reporter's
    ID number, phone and name give that user no signal; the registrar gets all three."""
    from xinfang.cases.models import Category

    person = {"name": "钱九", "id_number": ID, "phone": "13900009999"}
    report = register(
        world, category=Category.REPORT, title="锦绣花园漏水", content=LEAK, petitioners=[person]
    )
    kw = {"title": "另一件事", "text": "村口路灯不亮。", "petitioners": [person]}
    kw |= {"area": report.area_id, "topic": None}
    assert [r.matter.pk for r in similar_matters(user=world.registrar, **kw)] == [report.pk]
    assert similar_matters(user=world.supervisor, **kw) == []
    # with the same text the supervisor finds it, by text alone
    rows = similar_matters(user=world.supervisor, title="锦绣花园漏水", text=LEAK, area=None)
    assert [r.matter.pk for r in rows] == [report.pk]
    assert not any("同一信访人" in why for why in rows[0].reasons)


def test_same_name_in_the_same_area_and_not_a_longer_name(world: World) -> None:
    """The name signal is the same name, as stored, in the area the registrar chose."""
    here = register(world, title="路灯不亮", content=LEAK, petitioners=[{"name": "张三"}])
    longer = register(world, title="路灯不亮", content=LEAK, petitioners=[{"name": "张三丰"}])
    from xinfang.cases.models import Matter

    area = world.town.pk
    Matter.objects.filter(pk__in=[here.pk, longer.pk]).update(area_id=area)
    kw = {"title": "另一件事", "text": "村口水渠堵塞。", "area": area, "topic": None}
    rows = similar_matters(user=world.registrar, petitioners=[{"name": " 张三 "}], **kw)
    assert [r.matter.pk for r in rows] == [here.pk]
    assert rows[0].reasons[0] == "同一信访人（姓名、属地相同）/ same petitioner (name, area)"
    # elsewhere, the same name is no signal
    assert (
        similar_matters(
            user=world.registrar, petitioners=[{"name": "张三"}], **kw | {"area": world.town2.pk}
        )
        == []
    )
