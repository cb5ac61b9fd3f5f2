"""XFGZ Art. 30: reports never reach the accused unit; the reporter's identity is masked."""

from __future__ import annotations

import pytest

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Category, Matter
from xinfang.core.errors import UserError
from xinfang.core.masks import mask_id, mask_phone

from ..factories import World, register


def report(w: World) -> Matter:
    return register(
        w,
        category=Category.REPORT,
        title="反映镇干部违规收费",
        content="城关镇工作人员办理宅基地审批时违规收取费用。",
        accused_unit=w.town,
    )


def test_report_is_confidential_and_cannot_go_to_the_accused_unit(world: World) -> None:
    m = report(world)
    assert m.confidential
    before = m.event_count
    for action, data in (
        ("forward", {"unit": world.town.pk}),
        ("assign", {"unit": world.town.pk, "due_on": "2099-01-01"}),
        ("forward", {"unit": world.housing.pk, "assisting": [world.town.pk]}),
    ):
        with pytest.raises(UserError) as exc:
            transition(m, action, actor=world.registrar, data=data)
        assert exc.value.code == "accused_unit"
    m.refresh_from_db()
    assert m.event_count == before and m.lead_unit is None


def test_accused_unit_never_sees_the_report(world: World) -> None:
    m = report(world)
    transition(m, "forward", actor=world.registrar, data={"unit": world.housing.pk})
    for name in ("handler", "leader", "registrar_town"):
        assert not access.visible(world.users[name]).filter(pk=m.pk).exists()
    assert access.visible(world.housing_handler).filter(pk=m.pk).exists()


def test_identity_visible_only_to_registrar_and_lead_handler(world: World) -> None:
    m = report(world)
    m = transition(m, "forward", actor=world.registrar, data={"unit": world.housing.pk})
    assert access.can_see_identity(world.registrar, m)
    assert access.can_see_identity(world.housing_handler, m)
    assert not access.can_see_identity(world.supervisor, m)
    assert not access.can_see_identity(world.handler, m)  # the accused town
    assert not access.can_see_identity(world.other_handler, m)
    assert not access.can_see_identity(None, m)


def test_masks() -> None:
    assert mask_phone("13800001234") == "138****1234"
    assert mask_id("110101199003071234") == "1101**********1234"
    assert mask_phone("123") == "***"


def test_petitioner_search_does_not_reveal_reporters(world: World) -> None:
    from ..factories import login

    m = report(world)
    transition(m, "forward", actor=world.registrar, data={"unit": world.housing.pk})
    url = "/petitioners/?q=13800001234"
    assert m.receipt_no in login(world.registrar).get(url).content.decode()
    assert m.receipt_no in login(world.housing_handler).get(url).content.decode()
    assert m.receipt_no not in login(world.supervisor).get(url).content.decode()
