"""The week's duty roster is kept on a staff page, not only in the Django admin (issue):
the unit's leaders and supervisors add and remove shifts; everyone in the unit reads and
prints the week."""

from __future__ import annotations

from datetime import timedelta

from django.utils import timezone

from xinfang.supervision.models import DutyShift

from ..factories import World, login


def shift(w: World, **kw) -> dict:
    monday = timezone.localdate() - timedelta(days=timezone.localdate().weekday())
    return {
        "unit": w.office.pk,
        "date": (monday + timedelta(days=2)).isoformat(),
        "start": "08:30",
        "end": "17:30",
        "leader": "王局长",
        "staff": "李明、赵红",
        "phone": "0791-86123456",
        **kw,
    }


def test_the_office_keeps_its_roster_on_the_page(world: World) -> None:
    w = world
    c = login(w.supervisor)
    page = c.get("/reports/duty/").content.decode()
    assert "排班" in page and "本周尚未排班" in page
    r = c.post("/reports/duty/add/", shift(w))
    assert r.status_code == 302
    s = DutyShift.objects.get()
    assert (s.unit, s.leader, s.phone) == (w.office, "王局长", "0791-86123456")
    page = c.get(r["Location"]).content.decode()
    assert "王局长" in page and "李明、赵红" in page
    # a wrong time is refused in words and nothing is written
    r = c.post("/reports/duty/add/", shift(w, start="18:00", end="09:00"))
    assert r.status_code == 400 and "结束时间应晚于开始时间" in r.content.decode()
    assert DutyShift.objects.count() == 1
    c.post(f"/reports/duty/{s.pk}/delete/")
    assert not DutyShift.objects.exists()


def test_only_leaders_and_supervisors_of_the_unit_edit_it(world: World) -> None:
    w = world
    login(w.supervisor).post("/reports/duty/add/", shift(w))
    s = DutyShift.objects.get()
    # a registrar of the office reads it; a town's leader may not add to the office's roster
    page = login(w.registrar).get("/reports/duty/").content.decode()
    assert "王局长" in page and "/reports/duty/add/" not in page
    assert login(w.registrar).post("/reports/duty/add/", shift(w)).status_code == 404
    r = login(w.leader).post("/reports/duty/add/", shift(w))
    assert r.status_code == 400 and DutyShift.objects.count() == 1
    assert login(w.leader).post(f"/reports/duty/{s.pk}/delete/").status_code == 404
    assert DutyShift.objects.count() == 1
