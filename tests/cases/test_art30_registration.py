"""XFGZ Art. 30: a report that accuses the organ receiving it is registered by the organ
above the accused, decided before anything is written, with a notice to the reporter."""

from __future__ import annotations

import pytest
from django.utils import timezone

from xinfang.actions.registration import register_matter
from xinfang.cases import access
from xinfang.cases.models import Category, Channel, Matter
from xinfang.core.errors import UserError
from xinfang.notices.models import NoticeKind

from ..factories import World, register


def test_a_report_about_the_receiving_office_is_registered_by_the_organ_above(
    world: World,
) -> None:
    w = world
    m = register(w, category=Category.REPORT, accused_unit=w.office)
    assert m.registered_unit_id == w.county.pk  # the office's government
    assert m.receipt_no and m.accused_unit_id == w.office.pk
    assert not access.visible(w.registrar).filter(pk=m.pk).exists()
    n = m.notices.get()
    assert n.kind == NoticeKind.RECEIPT and n.organ_id == w.office.pk
    text = "\n".join(n.context["paragraphs"])
    assert f"转送{w.county.name}办理" in text
    ev = m.events.get()
    assert ev.data["referred_from"] == w.office.pk


def test_a_report_about_a_government_above_the_office_stays_with_the_office(
    world: World,
) -> None:
    # The office is not the accused: the county government's own staff never see the
    # report (need-to-know excludes the accused), and the office keeps sight of it.
    w = world
    m = register(w, category=Category.REPORT, accused_unit=w.county)
    assert m.registered_unit_id == w.office.pk
    assert access.visible(w.registrar).filter(pk=m.pk).exists()


def test_no_organ_above_the_accused_refuses_before_writing(world: World) -> None:
    w = world
    assert w.city.organ_one_level_up() is None
    before = Matter.objects.count()
    with pytest.raises(UserError) as exc:
        register_matter(  # a citizen's online report to the city about the city
            by=None,
            by_citizen=True,
            unit=w.city,
            channel=Channel.ONLINE,
            category=Category.REPORT,
            title="市政府违规收费",
            content="请查处",
            received_at=timezone.now(),
            petitioners=[{"name": "王五", "phone": "13900001111"}],
            accused_unit=w.city,
        )
    assert exc.value.code == "no_organ_above" and "纪检监察机关" in exc.value.zh
    assert Matter.objects.count() == before


def test_a_report_about_another_unit_stays_where_it_was_received(world: World) -> None:
    w = world
    m = register(w, category=Category.REPORT, accused_unit=w.town)
    assert m.registered_unit_id == w.office.pk
    assert not m.notices.exists()
