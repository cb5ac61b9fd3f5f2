"""XFGZ Art. 30: a report (检举控告) never reaches the unit it accuses, nor a unit under it,
and it goes nowhere before staff have recorded whom it accuses."""

from __future__ import annotations

import pytest

from xinfang.actions.workflow import allowed_actions, transition
from xinfang.cases.models import Category, Event, Matter, Status
from xinfang.core.errors import UserError

from ..factories import World, register


def _unchanged(m: Matter) -> tuple[object, ...]:
    m.refresh_from_db()
    return (m.status, m.version, m.event_count, m.lead_unit_id, m.accused_unit_id)


def test_a_report_is_not_routed_before_its_accused_unit_is_recorded(world: World) -> None:
    w = world
    m = register(w, category=Category.REPORT)
    before = _unchanged(m)
    for action, data in (
        ("forward", {"unit": w.housing.pk}),
        ("assign", {"unit": w.housing.pk, "due_on": "2099-01-01"}),
    ):
        with pytest.raises(UserError) as exc:
            transition(m, action, actor=w.registrar, data=data)
        assert exc.value.code == "accused_required"
        assert _unchanged(m) == before


def test_the_accused_unit_and_every_unit_under_it_are_refused(world: World) -> None:
    w = world
    m = register(w, category=Category.REPORT)
    assert "record_accused" in allowed_actions(m, w.registrar)
    m = transition(m, "record_accused", actor=w.registrar, data={"unit": w.town.pk})
    assert m.accused_unit_id == w.town.pk and m.confidential
    ev = Event.objects.get(matter=m, action="record_accused")
    assert ev.data == {"unit": w.town.pk, "unit_name": w.town.name} and not ev.public
    before = _unchanged(m)
    assert w.village.path.startswith(w.town.path)
    for unit in (w.town, w.village):
        with pytest.raises(UserError) as exc:
            transition(m, "forward", actor=w.registrar, data={"unit": unit.pk})
        assert exc.value.code == "accused_unit"
        with pytest.raises(UserError) as exc:
            transition(
                m,
                "forward",
                actor=w.registrar,
                data={"unit": w.housing.pk, "assisting": [unit.pk]},
            )
        assert exc.value.code == "accused_unit"
        assert _unchanged(m) == before
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    assert m.status == Status.DISPATCHED and m.lead_unit_id == w.housing.pk


def test_a_report_that_accuses_no_unit_of_the_deployment_may_be_routed(world: World) -> None:
    w = world
    m = register(w, category=Category.REPORT)
    m = transition(m, "record_accused", actor=w.registrar, data={"none": "1", "unit": ""})
    assert m.accused_unit_id is None
    assert Event.objects.get(matter=m, action="record_accused").data == {"none": True}
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    assert m.status == Status.DISPATCHED


def test_a_report_about_the_registering_organ_itself_goes_above(world: World) -> None:
    # Recording it would hide the matter from the organ that holds it (Art. 30): refused,
    # and the message says the organ above handles it.
    w = world
    m = register(w, category=Category.REPORT)
    before = _unchanged(m)
    for unit in (m.registered_unit,):
        with pytest.raises(UserError) as exc:
            transition(m, "record_accused", actor=w.registrar, data={"unit": unit.pk})
        assert exc.value.code == "accuses_registering_organ" and "上一级机关" in exc.value.zh
        assert _unchanged(m) == before


def test_only_reports_record_an_accused_unit(world: World) -> None:
    w = world
    m = register(w)  # a claim
    assert "record_accused" not in allowed_actions(m, w.registrar)
    with pytest.raises(UserError) as exc:
        transition(m, "record_accused", actor=w.registrar, data={"unit": w.town.pk})
    assert exc.value.code == "not_report"


def test_a_report_registered_with_its_accused_unit_routes_at_once(world: World) -> None:
    w = world
    m = register(w, category=Category.REPORT, accused_unit=w.town)
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    assert m.status == Status.DISPATCHED
