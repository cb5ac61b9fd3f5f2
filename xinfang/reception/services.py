"""Writes for reception days: booking, cancelling, forgetting old bookings (XFGZ Art. 18);
and the staff's side: creating a day, marking who came, linking a booking to the matter
registered from it, and whose days a member of staff keeps."""

from __future__ import annotations

import secrets
from datetime import date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinfang.cases import access
from xinfang.core.crypto import blind_index, normalise_phone
from xinfang.core.errors import UserError, check_text
from xinfang.org.models import memberships_with_units

from .models import Arrival, Booking, BookingStatus, ReceptionDay

MAX_DESCRIPTION = 500


def places_left(day: ReceptionDay) -> int:
    """Capacity minus the bookings that still stand (cancelled ones free their place)."""
    taken = day.bookings.filter(status=BookingStatus.BOOKED).count()
    return max(day.capacity - taken, 0)


def upcoming(now: datetime | None = None) -> QuerySet[ReceptionDay]:
    """Published reception days that have not started yet, soonest first."""
    now = timezone.localtime(now or timezone.now())
    today = now.date()
    return (
        ReceptionDay.objects.filter(published=True, date__gte=today)
        .exclude(date=today, start__lte=now.time())
        .select_related("unit")
        .order_by("date", "start")
    )


def _valid_phone(phone: str) -> bool:
    digits = normalise_phone(phone).lstrip("+")
    return 7 <= len(digits) <= 15 and digits.isdigit()


def book(
    *,
    reception: ReceptionDay,
    name: str,
    phone: str,
    description: str,
    now: datetime | None = None,
) -> Booking:
    """Book one place at a published reception day that has not started yet.

    Refuses (``UserError``) when the day is unpublished, has started or is past, is full, or
    the same phone already holds a place that day. The row lock on the day makes the
    capacity check and the insert one step, so two last-minute bookings cannot both win.
    """
    now = now or timezone.now()
    name, phone, description = name.strip(), phone.strip(), description.strip()
    if not name or not phone or not description:
        raise UserError(
            "required",
            "请填写姓名、电话和反映事项",
            "Name, phone and a short description are required",
        )
    if not _valid_phone(phone):
        raise UserError(
            "bad_phone", "请填写正确的联系电话", "Please enter a valid phone number", field="phone"
        )
    if len(description) > MAX_DESCRIPTION:
        raise UserError(
            "too_long",
            f"反映事项请控制在{MAX_DESCRIPTION}字以内",
            f"Please keep the description under {MAX_DESCRIPTION} characters",
            field="description",
        )
    with transaction.atomic():
        day = ReceptionDay.objects.select_for_update().get(pk=reception.pk)
        if not day.published or day.starts_at <= now:
            raise UserError(
                "closed",
                "该接访日已开始、已结束或未公布，不能预约",
                "This reception day has started, is over or is not published",
            )
        if places_left(day) <= 0:
            raise UserError(
                "full", "该接访日已约满，请选择其他日期", "This reception day is fully booked"
            )
        index = blind_index(normalise_phone(phone))
        if day.bookings.filter(status=BookingStatus.BOOKED, phone_index=index).exists():
            raise UserError(
                "duplicate",
                "该电话号码已预约本场接访，无需重复预约",
                "This phone number already holds a place at this reception",
            )
        for _attempt in range(5):
            number = f"JF{day.date:%Y%m%d}-{secrets.randbelow(10**6):06d}"
            try:
                with transaction.atomic():  # a savepoint: a clash of numbers only retries
                    return Booking.objects.create(
                        reception=day,
                        number=number,
                        name=name[:50],
                        phone=phone[:40],
                        description=description,
                    )
            except IntegrityError:
                continue
        raise UserError("busy", "系统繁忙，请稍后再试", "Busy, please try again")


def cancel(*, booking: Booking) -> Booking:
    """Cancel a booking (staff, e.g. on the citizen's phone call); its place becomes free."""
    with transaction.atomic():
        b = Booking.objects.select_for_update().get(pk=booking.pk)
        if b.status != BookingStatus.CANCELLED:
            b.status = BookingStatus.CANCELLED
            b.save(update_fields=["status", "phone_index"])
    return b


def publish(*, days: QuerySet[ReceptionDay], published: bool = True) -> int:
    """Publish (or withdraw) reception days; returns how many changed."""
    return days.exclude(published=published).update(published=published)


def keep_days() -> int:
    """Days after the reception day that a booking's personal data is kept (PIPL Art. 19)."""
    return int(settings.XINFANG.get("RECEPTION_KEEP_DAYS", 90))


def forget_old_bookings(*, today: datetime | None = None) -> int:
    """Blank name, phone and description of bookings whose reception day is more than
    ``keep_days()`` past (PIPL Arts. 19, 47). The booking number and counts remain."""
    day = timezone.localdate(today or timezone.now()) - timedelta(days=keep_days())
    n = 0
    with transaction.atomic():
        for b in Booking.objects.select_for_update().filter(
            reception__date__lt=day, forgotten_at__isnull=True
        ):
            b.name = b.phone = ""
            b.description = "（已删除）"
            b.forgotten_at = timezone.now()
            b.save()
            n += 1
    return n


# --- the staff's side -------------------------------------------------------------------

MAX_CAPACITY = 200


def staff_units(user: Any) -> set[int]:
    """The units whose reception days ``user`` keeps: where they hold a role that opens the
    reception page (``cases.access.PAGES["reception"]``), and the unit that such a unit
    oversees (the letters-and-visits office runs its government's reception days)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    out: set[int] = set()
    for m in memberships_with_units(user):
        if m.role in access.PAGES["reception"]:
            out.add(m.unit_id)
            if m.unit.oversees_id is not None:
                out.add(m.unit.oversees_id)
    return out


def _refuse_unless_kept(user: Any, unit_id: int) -> None:
    if unit_id not in staff_units(user):
        raise UserError(
            "not_yours",
            "您不负责该单位的领导接访日",
            "You do not keep this unit's reception days",
            field="unit",
        )


def may_see_identity(user: Any, booking: Booking) -> bool:
    """Whether ``user`` (who keeps the day) sees the booking's name and phone: always, unless
    it is linked to a matter whose petitioners the identity rule hides from them
    (``cases.access.can_see_identity``: a confidential matter, XFGZ Art. 30)."""
    return booking.matter is None or access.can_see_identity(user, booking.matter)


def mark_arrival(
    *, booking: Booking, arrival: str, by: Any, now: datetime | None = None
) -> Booking:
    """Record whether the citizen came (到场) or not (未到), on or after the day; a second
    mark replaces the first (a slip at the desk). Refused for a cancelled booking, before
    the day, and for staff who do not keep the day's unit."""
    now = now or timezone.now()
    if arrival not in Arrival.values:
        raise UserError(
            "bad_arrival", "请选择到场情况：到场或未到", "Choose arrived or absent", field="arrival"
        )
    with transaction.atomic():
        b = Booking.objects.select_for_update().select_related("reception").get(pk=booking.pk)
        _refuse_unless_kept(by, b.reception.unit_id)
        if b.status == BookingStatus.CANCELLED:
            raise UserError("cancelled", "该预约已取消", "This booking was cancelled")
        if b.reception.date > timezone.localdate(now):
            raise UserError(
                "not_yet",
                "接访日尚未到，不能登记到场情况",
                "The reception day has not come yet",
            )
        b.arrival, b.arrival_at, b.arrival_by = arrival, now, by
        b.save(update_fields=["arrival", "arrival_at", "arrival_by", "phone_index"])
    return b


def link_matter(*, booking: Booking, matter: Any, by: Any) -> Booking:
    """Link the booking to the matter registered from it (登记为信访事项), once. Refused
    when it is linked to another matter already, or its personal data was forgotten."""
    with transaction.atomic():
        b = Booking.objects.select_for_update().select_related("reception").get(pk=booking.pk)
        _refuse_unless_kept(by, b.reception.unit_id)
        if b.forgotten_at is not None:
            raise UserError(
                "forgotten",
                "该预约的个人信息已删除，不能登记为信访事项",
                "This booking's personal data has been deleted",
            )
        if b.matter_id == matter.pk:
            return b
        if b.matter_id is not None:
            raise UserError(
                "linked",
                "该预约已登记为信访事项",
                "This booking is already registered as a matter",
            )
        b.matter = matter
        b.save(update_fields=["matter", "phone_index"])
    return b


def create_day(
    *,
    by: Any,
    unit: Any,
    leader: str,
    title: str,
    date: date,
    start: time,
    end: time,
    place: str,
    topics: str = "",
    capacity: int = 10,
    now: datetime | None = None,
) -> ReceptionDay:
    """A new reception day of a unit ``by`` keeps, not yet published (``publish`` makes it
    bookable). Refuses, writing nothing, a missing leader or place, an end not after the
    start, a day already past, or a capacity outside 1 to ``MAX_CAPACITY``."""
    now = now or timezone.now()
    leader, title, place, topics = leader.strip(), title.strip(), place.strip(), topics.strip()
    if not leader or not place:
        raise UserError("required", "请填写接访领导和地点", "The leader and the place are required")
    check_text(leader, field="leader", zh="接访领导", en="Leader", max_length=50, multiline=False)
    check_text(title, field="title", zh="职务", en="Title", max_length=80, multiline=False)
    check_text(place, field="place", zh="地点", en="Place", max_length=200, multiline=False)
    check_text(topics, field="topics", zh="接访内容", en="Topics", max_length=200, multiline=False)
    if end <= start:
        raise UserError(
            "bad_time", "结束时间应晚于开始时间", "The end must be after the start", field="end"
        )
    if date < timezone.localdate(now):
        raise UserError("past", "接访日期已过", "The date is past", field="date")
    if not 1 <= capacity <= MAX_CAPACITY:
        raise UserError(
            "bad_capacity",
            f"可预约人数应为1至{MAX_CAPACITY}人",
            f"Places must be between 1 and {MAX_CAPACITY}",
            field="capacity",
        )
    _refuse_unless_kept(by, unit.pk)
    return ReceptionDay.objects.create(
        unit=unit,
        leader=leader,
        title=title,
        date=date,
        start=start,
        end=end,
        place=place,
        topics=topics,
        capacity=capacity,
        published=False,
    )
