"""Inbox, return-visit and follow-up pages."""

from __future__ import annotations

from datetime import date

from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import matter_in
from xinfang.notices.models import Notification
from xinfang.supervision.followups import schedule
from xinfang.supervision.models import FollowupCheck, ReturnVisit
from xinfang.supervision.services import sweep
from xinfang.supervision.visits import create_due_visits

from ..factories import World, answered, login


def test_inbox_shows_own_notifications_only(world: World) -> None:
    w = world
    m = answered(w)
    Notification.objects.create(
        user=w.handler,
        matter=m,
        level="warning",
        key="k",
        text="即将到期的提醒",
        created_at=timezone.now(),
    )
    html = login(w.handler).get("/supervision/inbox/").content.decode()
    assert "即将到期的提醒" in html
    assert "即将到期的提醒" not in login(w.leader).get("/supervision/inbox/").content.decode()
    login(w.handler).post("/supervision/inbox/read/")
    assert not Notification.objects.filter(user=w.handler, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=w.leader, read_at__isnull=True).exists()


def test_record_a_return_visit_through_the_page(world: World) -> None:
    w = world
    m = answered(w)
    create_due_visits(timezone.localdate(), timezone.now())
    v = ReturnVisit.objects.get(matter=m)
    c = login(w.registrar)
    assert m.receipt_no in c.get("/supervision/visits/").content.decode()
    assert login(w.other_handler).get("/supervision/visits/").status_code == 404
    r = c.post(
        f"/supervision/visits/{v.pk}/",
        {
            "method": "phone",
            "reached": "1",
            "contacted": "1",
            "solved": "0",
            "rating": "basic",
            "note": "仍在维修",
        },
    )
    assert r.status_code == 302
    v.refresh_from_db()
    assert (v.reached, v.contacted, v.solved, v.rating) == (True, True, False, "basic")
    m.refresh_from_db()
    assert m.rating == "basic"
    assert f"/supervision/visits/{v.pk}/" not in c.get("/supervision/visits/").content.decode()


def test_record_a_followup_through_the_page(world: World) -> None:
    w = world
    m = transition(answered(w), "conclude", actor=w.handler)
    schedule(timezone.localdate())
    FollowupCheck.objects.filter(matter=m).update(due_on=date.today())
    check = FollowupCheck.objects.filter(matter=m).first()
    c = login(w.registrar)
    assert m.receipt_no in c.get("/supervision/followups/").content.decode()
    r = c.post(
        f"/supervision/followups/{check.pk}/", {"held": "0", "note": "再次漏水"}, follow=True
    )
    assert "重新登记为" in r.content.decode()


def test_sweep_then_inbox_badge(world: World) -> None:
    from datetime import timedelta

    w = world
    from ..factories import handled

    handled(w, at=timezone.now() - timedelta(days=90))
    sweep(timezone.localdate())
    html = login(w.handler).get("/").content.decode()
    assert "/supervision/inbox/" in html and 'class="badge overdue">1<' in html


def test_rows_of_visible_matters_by_key_equal_the_in_form(world: World) -> None:
    """``matter_in`` (an EXISTS on the matter's key) keeps exactly the rows that
    ``matter__in=visible_to(user)`` keeps, for a user who sees the matter and one who does
    not."""
    w = world
    m = answered(w)
    create_due_visits(timezone.localdate(), timezone.now())
    assert ReturnVisit.objects.filter(matter=m).exists()
    for user, sees in ((w.handler, True), (w.registrar, True), (w.other_handler, False)):
        visible = access.visible(user)
        by_key = set(ReturnVisit.objects.filter(matter_in(visible)).values_list("pk", flat=True))
        by_in = set(ReturnVisit.objects.filter(matter__in=visible).values_list("pk", flat=True))
        assert by_key == by_in
        assert (
            m.pk
            in set(ReturnVisit.objects.filter(pk__in=by_key).values_list("matter_id", flat=True))
        ) is sees
