"""The registration form shows the deadlines a registration would start before it is saved
(a slip in the received time is seen as a date in the past while it can be corrected), and
the preview agrees with the clock of the matter actually registered."""

from __future__ import annotations

import re
from datetime import timedelta

from django.utils import timezone

from xinfang.cases.clock import clock_for
from xinfang.cases.models import Event, Matter

from ..factories import World, register
from .helpers import login, text

URL = "/matters/new/deadlines/"


def stamp(days_ago: int) -> str:
    return (timezone.localtime() - timedelta(days=days_ago)).strftime("%Y-%m-%d %H:%M")


def preview(w: World, user=None, **post: str) -> str:  # type: ignore[no-untyped-def]
    c = login(user or w.registrar)
    r = c.post(URL, {"unit": str(w.office.pk), "category": "claim", **post})
    assert r.status_code == 200
    return text(r)


def dates(html: str) -> list[str]:
    return re.findall(r"\d{4}-\d{2}-\d{2}", html)


def test_the_form_opens_with_the_deadlines_of_a_matter_received_now(world: World) -> None:
    r = login(world.registrar).get("/matters/new/")
    html = text(r)
    assert 'id="deadline-preview"' in html
    box = html.split('id="deadline-preview"', 1)[1].split("</section>", 1)[0]
    assert "转送交办期限" in box and "第二十二条" in box and "书面告知期限" in box


def test_preview_agrees_with_the_registered_matters_clock(world: World) -> None:
    w = world
    received = timezone.localtime() - timedelta(days=3)
    html = preview(w, received_at=received.strftime("%Y-%m-%d %H:%M"), contact="1")
    m = register(w, received_at=received)
    clock = clock_for(m)
    expected = sorted(
        d.due.isoformat()
        for d in clock.deadlines
        if d.obligation and d.due is not None and d.kind in ("routing", "receipt")
    )
    assert expected and sorted(dates(html)) == expected


def test_a_slip_in_the_year_is_refused_in_the_preview_and_nothing_is_written(
    world: World,
) -> None:
    before = (Matter.objects.count(), Event.objects.count())
    html = preview(world, received_at="1900-01-01 09:00")
    assert "收到时间不能早于" in html and not dates(html)
    html = preview(world, received_at=stamp(45))
    assert "补录原因" in html and not dates(html)
    assert (Matter.objects.count(), Event.objects.count()) == before


def test_a_backdated_matter_with_its_reason_shows_its_overdue_deadline(world: World) -> None:
    html = preview(world, received_at=stamp(45), backdate_reason="信件积压后补录")
    assert "超期" in html and dates(html)


def test_no_receipt_deadline_when_no_notice_can_be_served(world: World) -> None:
    html = preview(world, received_at=stamp(0), contact="0")
    assert "转送交办期限" in html and "书面告知期限" not in html
    html = preview(world, received_at=stamp(0), contact="1", anonymous="1")
    assert "书面告知期限" not in html


def test_an_organ_that_is_not_an_office_has_its_intake_deadline(world: World) -> None:
    c = login(world.registrar_town)
    r = c.post(URL, {"unit": str(world.town.pk), "received_at": stamp(0), "contact": "1"})
    html = text(r)
    assert "受理期限" in html and "第二十三条" in html and "转送交办期限" not in html


def test_only_registrars_get_a_preview(world: World) -> None:
    assert login(world.handler).post(URL, {"received_at": stamp(0)}).status_code == 404
    assert login(world.registrar).get(URL).status_code == 405


def test_a_bad_time_reads_as_a_message_not_an_error(world: World) -> None:
    html = preview(world, received_at="明天上午")
    assert "收到时间格式不正确" in html
