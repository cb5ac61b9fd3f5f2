"""Reception days kept by staff: creating a day, marking who came (到场/未到), linking a
booking to the matter registered from it, and whose days a member of staff keeps."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from xinfang.core.errors import UserError
from xinfang.reception import services
from xinfang.reception.models import Arrival, Booking, ReceptionDay

from ..factories import World, register


def day(w: World, *, on: date | None = None, **kw) -> ReceptionDay:
    fields = {
        "leader": "李明",
        "title": "县长",
        "unit": w.county,
        "date": on or timezone.localdate(),
        "start": time(9),
        "end": time(11, 30),
        "place": "县信访接待中心",
        "capacity": 5,
        "published": True,
        **kw,
    }
    return ReceptionDay.objects.create(**fields)


def booked(d: ReceptionDay, phone: str = "13600000000") -> Booking:
    before = timezone.make_aware(datetime.combine(d.date - timedelta(days=1), time(9)))
    return services.book(
        reception=d, name="钱七", phone=phone, description="征地补偿标准偏低", now=before
    )


def test_whose_reception_days_staff_keep(world: World) -> None:
    w = world
    # the office runs the reception of the government it oversees
    assert services.staff_units(w.registrar) == {w.office.pk, w.county.pk}
    assert services.staff_units(w.supervisor) == {w.office.pk, w.county.pk}
    assert services.staff_units(w.county_leader) == {w.county.pk}
    assert services.staff_units(w.registrar_town) == {w.town.pk}
    for outsider in (w.handler, w.auditor, w.admin):
        assert services.staff_units(outsider) == set()


def test_arrival_is_marked_on_the_day(world: World) -> None:
    b = booked(day(world))
    b = services.mark_arrival(booking=b, arrival=Arrival.ARRIVED, by=world.registrar)
    assert (b.arrival, b.arrival_by) == (Arrival.ARRIVED, world.registrar) and b.arrival_at
    b = services.mark_arrival(booking=b, arrival=Arrival.ABSENT, by=world.registrar)
    b.refresh_from_db()
    assert b.arrival == Arrival.ABSENT


@pytest.mark.parametrize("case", ["tomorrow", "cancelled", "bad_value", "not_yours"])
def test_arrival_refusals_change_nothing(world: World, case: str) -> None:
    d = day(world, on=timezone.localdate() + timedelta(days=1) if case == "tomorrow" else None)
    b = booked(d)
    if case == "cancelled":
        services.cancel(booking=b)
    by = world.handler if case == "not_yours" else world.registrar
    value = "maybe" if case == "bad_value" else Arrival.ARRIVED
    with pytest.raises(UserError) as e:
        services.mark_arrival(booking=b, arrival=value, by=by)
    codes = {
        "tomorrow": "not_yet",
        "cancelled": "cancelled",
        "bad_value": "bad_arrival",
        "not_yours": "not_yours",
    }
    assert e.value.code == codes[case]
    b.refresh_from_db()
    assert b.arrival == "" and b.arrival_by is None


def test_a_booking_links_to_one_matter(world: World) -> None:
    b = booked(day(world))
    m = register(world)
    b = services.link_matter(booking=b, matter=m, by=world.registrar)
    assert Booking.objects.get(pk=b.pk).matter == m
    services.link_matter(booking=b, matter=m, by=world.registrar)  # the same again: no-op
    with pytest.raises(UserError) as e:
        services.link_matter(booking=b, matter=register(world), by=world.registrar)
    assert e.value.code == "linked" and Booking.objects.get(pk=b.pk).matter == m


def test_forgotten_bookings_stay_forgotten(world: World) -> None:
    d = day(world, on=timezone.localdate() - timedelta(days=services.keep_days() + 5))
    b = Booking.objects.create(
        reception=d, number="JF-OLD-1", name="钱七", phone="13600000000", description="x"
    )
    services.mark_arrival(booking=b, arrival=Arrival.ARRIVED, by=world.registrar)
    assert services.forget_old_bookings() == 1
    b.refresh_from_db()
    assert (b.name, b.phone, b.arrival) == ("", "", Arrival.ARRIVED) and b.forgotten_at
    with pytest.raises(UserError) as e:
        services.link_matter(booking=b, matter=register(world), by=world.registrar)
    assert e.value.code == "forgotten" and Booking.objects.get(pk=b.pk).matter is None


def new_day(w: World, **kw):
    args = {
        "by": w.registrar,
        "unit": w.county,
        "leader": "王强",
        "title": "副县长",
        "date": timezone.localdate() + timedelta(days=7),
        "start": time(9),
        "end": time(12),
        "place": "县信访接待中心",
        "topics": "劳动保障",
        "capacity": 8,
        **kw,
    }
    return services.create_day(**args)


def test_staff_create_a_day_unpublished(world: World) -> None:
    d = new_day(world)
    assert (d.leader, d.unit, d.capacity, d.published) == ("王强", world.county, 8, False)
    assert services.publish(days=ReceptionDay.objects.filter(pk=d.pk)) == 1


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"leader": " "}, "required"),
        ({"place": ""}, "required"),
        ({"end": time(8)}, "bad_time"),
        ({"date": timezone.localdate() - timedelta(days=1)}, "past"),
        ({"capacity": 0}, "bad_capacity"),
        ({"capacity": 1000}, "bad_capacity"),
        ({"leader": "王" * 51}, "too_long"),
        ({"by": "town_registrar"}, "not_yours"),
    ],
)
def test_bad_days_are_refused_and_nothing_is_written(world: World, kw: dict, code: str) -> None:
    if kw.get("by") == "town_registrar":
        kw = {"by": world.registrar_town}
    with pytest.raises(UserError) as e:
        new_day(world, **kw)
    assert e.value.code == code and e.value.zh
    assert not ReceptionDay.objects.exists()
