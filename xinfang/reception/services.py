"""Writes for reception days: booking, cancelling, forgetting old bookings (XFGZ Art. 18)."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinfang.core.crypto import blind_index, normalise_phone
from xinfang.core.errors import UserError

from .models import Booking, BookingStatus, ReceptionDay

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
