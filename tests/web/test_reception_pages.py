"""The staff page of a reception day (领导接访日): the day's bookings with the citizens'
names and phones as the identity rule allows, 到场/未到, and 登记为信访事项 through the
normal registration page, prefilled and linked back to the booking; reception days created
and published from the page.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Channel, Matter
from xinfang.core.masks import HIDDEN
from xinfang.org.models import Role
from xinfang.reception import services
from xinfang.reception.models import Arrival, Booking, ReceptionDay

from ..factories import World, register, staff
from .helpers import login, text


def day(w: World, **kw) -> ReceptionDay:
    fields = {
        "leader": "李明",
        "title": "县长",
        "unit": w.county,
        "date": timezone.localdate(),
        "start": time(9),
        "end": time(11, 30),
        "place": "县信访接待中心",
        "capacity": 5,
        "published": True,
        **kw,
    }
    return ReceptionDay.objects.create(**fields)


def booked(d: ReceptionDay, phone: str = "13600000000", name: str = "钱七") -> Booking:
    before = timezone.make_aware(datetime.combine(d.date - timedelta(days=1), time(9)))
    return services.book(
        reception=d, name=name, phone=phone, description="征地补偿标准偏低", now=before
    )


def test_the_days_bookings_with_phones_masked(world: World) -> None:
    d = day(world)
    b = booked(d)
    later = booked(day(world, leader="明天的", date=timezone.localdate() + timedelta(days=1)))
    html = text(login(world.registrar).get("/reception/"))
    assert "李明" in html and "县信访接待中心" in html and b.number in html
    assert "钱七" in html and "136****0000" in html and "13600000000" not in html
    assert "征地补偿标准偏低" in html and later.number not in html
    # the list of names is a read of personal data
    assert AccessLog.objects.filter(user=world.registrar, what="booking").exists()


def test_another_day_is_picked_by_date(world: World) -> None:
    tomorrow = timezone.localdate() + timedelta(days=1)
    b = booked(day(world, leader="明天的", date=tomorrow))
    c = login(world.registrar)
    html = text(c.get("/reception/", {"date": tomorrow.isoformat()}))
    assert "明天的" in html and b.number in html
    r = c.get("/reception/", {"date": "2026-13-45"})  # read as today
    assert r.status_code == 200 and b.number not in text(r)


def test_arrived_and_absent(world: World) -> None:
    d = day(world)
    came, stayed = booked(d), booked(d, phone="13600000001", name="孙八")
    c = login(world.registrar)
    r = c.post(f"/reception/bookings/{came.pk}/arrival/", {"arrival": "arrived"})
    assert r.status_code == 302 and r["Location"].startswith("/reception/")
    c.post(f"/reception/bookings/{stayed.pk}/arrival/", {"arrival": "absent"})
    came.refresh_from_db()
    stayed.refresh_from_db()
    assert (came.arrival, stayed.arrival) == (Arrival.ARRIVED, Arrival.ABSENT)
    html = text(c.get("/reception/"))
    assert f"/matters/new/?booking={came.pk}" in html  # who came can be registered
    assert f"/matters/new/?booking={stayed.pk}" not in html
    r = c.post(f"/reception/bookings/{came.pk}/arrival/", {"arrival": "maybe"}, follow=True)
    assert "到场情况" in text(r)
    came.refresh_from_db()
    assert came.arrival == Arrival.ARRIVED


@pytest.mark.parametrize("who", ["registrar_town", "handler", "auditor", "other_leader"])
def test_others_neither_see_nor_mark(world: World, who: str) -> None:
    b = booked(day(world))
    c = login(getattr(world, who))
    r = c.get("/reception/")
    assert r.status_code == 404 or b.number not in text(r)
    assert c.post(f"/reception/bookings/{b.pk}/arrival/", {"arrival": "arrived"}).status_code == 404
    assert c.get(f"/matters/new/?booking={b.pk}").status_code == 404 or "钱七" not in text(
        c.get(f"/matters/new/?booking={b.pk}")
    )
    b.refresh_from_db()
    assert b.arrival == "" and b.matter is None


def test_anonymous_is_sent_to_login(world: World) -> None:
    b = booked(day(world))
    assert Client().get("/reception/")["Location"].startswith("/login/")
    r = Client().post(f"/reception/bookings/{b.pk}/arrival/", {"arrival": "arrived"})
    assert r.status_code == 302 and Booking.objects.get(pk=b.pk).arrival == ""


def test_register_the_visit_prefilled_and_linked(world: World) -> None:
    d = day(world)
    b = booked(d)
    c = login(world.registrar)
    c.post(f"/reception/bookings/{b.pk}/arrival/", {"arrival": "arrived"})
    url = f"/matters/new/?booking={b.pk}"
    html = text(c.get(url))
    assert '<option value="visit" selected>' in html
    assert 'name="p0_name" value="钱七"' in html and 'name="p0_phone" value="13600000000"' in html
    assert "征地补偿标准偏低</textarea>" in html and b.number in html
    assert AccessLog.objects.filter(what="booking", detail__contains=b.number).exists()
    form = {
        "unit": str(world.office.pk),
        "channel": "visit",
        "category": "claim",
        "title": "征地补偿标准偏低",
        "content": "征地补偿标准偏低",
        "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "p0_name": "钱七",
        "p0_phone": "13600000000",
    }
    r = c.post(url, form)
    assert r.status_code == 302
    m = Matter.objects.get()
    b.refresh_from_db()
    assert b.matter == m and m.channel == Channel.VISIT
    assert m.petitioners.get().name == "钱七"
    page = text(c.get("/reception/"))
    assert m.receipt_no in page and url not in page
    # a second registration from the same booking is not offered
    again = text(c.get(url))
    assert "已登记为信访事项" in again and 'value="钱七"' not in again


def test_only_registrars_register_and_identity_follows_the_rule(world: World) -> None:
    d = day(world)
    plain, secret = booked(d), booked(d, phone="13600000001", name="孙八")
    for b in (plain, secret):
        services.mark_arrival(booking=b, arrival=Arrival.ARRIVED, by=world.registrar)
    services.link_matter(
        booking=secret, matter=register(world, confidential=True), by=world.registrar
    )
    # the office's supervisor keeps the reception but may not register, and may not see
    # who is behind a confidential matter (only its registrars and leaders may)
    html = text(login(world.supervisor).get("/reception/"))
    assert plain.number in html and secret.number in html
    assert "钱七" in html and "孙八" not in html and HIDDEN in html
    assert "/matters/new/?booking=" not in html
    assert login(world.supervisor).get(f"/matters/new/?booking={plain.pk}").status_code == 404
    assert "孙八" in text(login(world.registrar).get("/reception/"))


def test_forgotten_bookings_show_nothing_and_cannot_be_registered(world: World) -> None:
    d = day(world, date=timezone.localdate() - timedelta(days=services.keep_days() + 3))
    b = Booking.objects.create(
        reception=d, number="JF-OLD-1", name="钱七", phone="13600000000", description="旧事"
    )
    services.mark_arrival(booking=b, arrival=Arrival.ARRIVED, by=world.registrar)
    services.forget_old_bookings()
    c = login(world.registrar)
    html = text(c.get("/reception/", {"date": d.date.isoformat()}))
    assert "JF-OLD-1" in html and "（已删除）" in html and "钱七" not in html
    assert f"/matters/new/?booking={b.pk}" not in html
    page = text(c.get(f"/matters/new/?booking={b.pk}"))
    assert "个人信息已删除" in page and 'name="p0_phone" value=""' in page


def test_staff_create_and_publish_a_day(world: World) -> None:
    leader = staff("office_leader", (world.office, Role.LEADER))
    c = login(leader)
    on = timezone.localdate() + timedelta(days=7)
    form = {
        "unit": str(world.county.pk),
        "leader": "王强",
        "title": "副县长",
        "date": on.isoformat(),
        "start": "09:00",
        "end": "12:00",
        "place": "县信访接待中心",
        "topics": "劳动保障",
        "capacity": "8",
    }
    r = c.post("/reception/days/new/", form)
    assert r.status_code == 302
    d = ReceptionDay.objects.get()
    assert (d.leader, d.date, d.published) == ("王强", on, False)
    html = text(c.get("/reception/"))
    assert "王强" in html and f"/reception/days/{d.pk}/publish/" in html
    c.post(f"/reception/days/{d.pk}/publish/", {"published": "1"})
    assert ReceptionDay.objects.get().published
    assert "王强" in text(Client().get("/portal/reception/"))
    c.post(f"/reception/days/{d.pk}/publish/", {"published": "0"})
    assert not ReceptionDay.objects.get().published
    # bad input: refused in words, nothing written
    r = c.post("/reception/days/new/", {**form, "end": "08:00"})
    assert r.status_code == 400 and "结束时间" in text(r) and ReceptionDay.objects.count() == 1
    r = c.post("/reception/days/new/", {**form, "date": "明天"})
    assert r.status_code == 400 and ReceptionDay.objects.count() == 1


@pytest.mark.parametrize("who", ["handler", "registrar_town", "auditor"])
def test_others_neither_create_nor_publish(world: World, who: str) -> None:
    d = day(world, published=False)
    c = login(getattr(world, who))
    form = {
        "unit": str(world.county.pk),
        "leader": "王强",
        "title": "副县长",
        "date": (timezone.localdate() + timedelta(days=7)).isoformat(),
        "start": "09:00",
        "end": "12:00",
        "place": "县信访接待中心",
        "capacity": "8",
    }
    r = c.post("/reception/days/new/", form)
    assert r.status_code in (400, 404) and ReceptionDay.objects.count() == 1
    assert c.post(f"/reception/days/{d.pk}/publish/", {"published": "1"}).status_code == 404
    assert not ReceptionDay.objects.get().published


def test_the_reception_menu_entry(world: World) -> None:
    for user in (world.registrar, world.supervisor, world.county_leader):
        assert 'href="/reception/"' in text(login(user).get("/")), user
    for user in (world.handler, world.auditor):
        assert 'href="/reception/"' not in text(login(user).get("/")), user
