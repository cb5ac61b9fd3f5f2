"""A report submitted on the portal carries whom it accuses (XFGZ Art. 30): it never reaches
that unit or one under it, and one that accuses the chosen organ goes to the organ above."""

from __future__ import annotations

import pytest
from django.test import Client

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Matter
from xinfang.core.errors import UserError

from ..factories import World
from .test_portal import form, secret_of, submit


def test_a_portal_report_names_its_accused_unit_and_routing_avoids_it(world: World) -> None:
    w = world
    r = submit(Client(), w, category="report", accused=w.town.pk, title="镇干部截留补贴")
    no, _ = secret_of(r.content.decode())
    m = Matter.objects.get(receipt_no=no)
    assert m.accused_unit_id == w.town.pk and m.confidential
    assert m.registered_unit_id == w.office.pk
    for unit in (w.town, w.village):
        with pytest.raises(UserError) as exc:
            transition(m, "forward", actor=w.registrar, data={"unit": unit.pk})
        assert exc.value.code == "accused_unit"
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    assert m.lead_unit_id == w.housing.pk


def test_the_accused_unit_is_ignored_for_other_categories(world: World) -> None:
    w = world
    r = submit(Client(), w, category="claim", accused=w.town.pk)
    no, _ = secret_of(r.content.decode())
    assert Matter.objects.get(receipt_no=no).accused_unit_id is None


def test_a_portal_report_about_the_chosen_organ_is_told_and_goes_above(world: World) -> None:
    w = world
    c = Client()
    preview = c.post(
        "/portal/submit/", {**form(w, category="report", accused=w.office.pk), "step": "preview"}
    )
    html = preview.content.decode()
    assert preview.status_code == 200
    assert f"本事项将由{w.county.name}登记办理" in html
    r = submit(c, w, category="report", accused=w.office.pk)
    no, _ = secret_of(r.content.decode())
    m = Matter.objects.get(receipt_no=no)
    assert m.registered_unit_id == w.county.pk and m.accused_unit_id == w.office.pk
    assert not access.visible(w.registrar).filter(pk=m.pk).exists()
