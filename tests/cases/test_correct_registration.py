"""A registration can be corrected by the registering organ until the matter is accepted,
with before and after in the timeline (issue: a wrong category, topic, area, name or phone
stayed wrong for ever). The petitioner's values never enter the event."""

from __future__ import annotations

import pytest

from xinfang.actions.workflow import allowed_actions, transition
from xinfang.cases.models import Category, Matter, Topic
from xinfang.core.errors import Forbidden, UserError
from xinfang.search.queries import search

from ..factories import World, login, register


def fix(w: World, m: Matter, **data: str) -> Matter:
    return transition(m, "correct_registration", actor=w.registrar, reason="登记有误", data=data)


def test_the_office_corrects_until_acceptance(world: World) -> None:
    w = world
    other, _ = Topic.objects.get_or_create(code="LD", defaults={"name": "劳动社保"})
    m = register(w, title="楼顶漏水", petitioners=[{"name": "张三", "phone": "13800001234"}])
    version = m.version
    m = fix(
        w,
        m,
        category=Category.SUGGESTION,
        topic=str(other.pk),
        area=str(w.town2.pk),
        title="拖欠工资",
        petitioner_name="张叁",
        petitioner_phone="13900005678",
    )
    assert (m.category, m.topic, m.area, m.title) == (
        Category.SUGGESTION,
        other,
        w.town2,
        "拖欠工资",
    )
    p = m.petitioners.get()
    assert (p.name, p.phone) == ("张叁", "13900005678") and m.version == version + 1
    ev = m.events.order_by("seq").last()
    assert ev is not None and ev.action == "correct_registration" and not ev.public
    assert ev.data["changes"]["title"] == {"from": "楼顶漏水", "to": "拖欠工资"}
    assert ev.data["changes"]["area"]["to"] == w.town2.name
    assert ev.data["petitioner_fields"] == ["name", "phone"]
    assert "13900005678" not in str(ev.data) and "张叁" not in str(ev.data)
    # the search index follows; the timeline shows before and after
    assert [h.matter.pk for h in search(w.registrar, "拖欠工资").hits] == [m.pk]
    html = login(w.registrar).get(f"/matters/{m.pk}/").content.decode()
    assert "楼顶漏水 → 拖欠工资" in html and "已更正：信访人姓名、联系电话" in html
    # still correctable once routed, no longer once accepted
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    assert "correct_registration" in allowed_actions(Matter.objects.get(pk=m.pk), w.registrar)
    fix(w, m, title="拖欠农民工工资")
    transition(m, "accept", actor=w.handler)
    with pytest.raises(UserError):
        fix(w, m, title="再改")


def test_only_the_registering_organs_registrar_and_only_a_change(world: World) -> None:
    w = world
    m = register(w)
    for user in (w.handler, w.leader, w.supervisor, w.county_registrar):
        with pytest.raises((Forbidden, UserError)):
            transition(m, "correct_registration", actor=user, reason="x", data={"title": "改"})
    with pytest.raises(UserError) as e:
        fix(w, m, title=m.title)
    assert e.value.code == "nothing_changed"
    with pytest.raises(UserError):
        fix(w, m, topic="99999")
    assert Matter.objects.get(pk=m.pk).version == m.version  # nothing written


def test_the_form_shows_what_is_registered_now(world: World) -> None:
    w = world
    m = register(w, title="楼顶漏水", petitioners=[{"name": "张三", "phone": "13800001234"}])
    html = login(w.registrar).get(f"/matters/{m.pk}/").content.decode()
    form = html[html.index('id="act-correct_registration"') :]
    form = form[: form.index("</details>")]
    assert 'value="楼顶漏水"' in form
    # the phone is shown masked until a logged reveal: the form does not fill it in
    assert "13800001234" not in html
    r = login(w.registrar).post(
        f"/matters/{m.pk}/act/correct_registration/",
        {"title": "楼顶漏水三年", "reason": "摘要不全", "expected_version": m.version},
        follow=True,
    )
    assert r.status_code == 200
    assert Matter.objects.get(pk=m.pk).title == "楼顶漏水三年"
