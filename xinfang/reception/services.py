"""Booking a reception slot."""

from __future__ import annotations

import secrets

from django.db import transaction
from django.utils import timezone

from xinfang.core.errors import UserError

from .models import Booking, ReceptionDay


def places_left(day: ReceptionDay) -> int:
    return max(day.capacity - day.bookings.filter(cancelled=False).count(), 0)


def book(*, reception: ReceptionDay, name: str, phone: str, description: str) -> Booking:
    name, phone, description = name.strip(), phone.strip(), description.strip()
    if not name or not phone or not description:
        raise UserError(
            "required",
            "请填写姓名、电话和反映事项",
            "Name, phone and a short description are required",
        )
    if len(description) > 500:
        raise UserError(
            "too_long", "反映事项请控制在500字以内", "Description too long", field="description"
        )
    with transaction.atomic():
        day = ReceptionDay.objects.select_for_update().get(pk=reception.pk)
        if not day.published or day.date < timezone.localdate():
            raise UserError(
                "closed",
                "该接访日已结束或未公布，不能预约",
                "This reception day is over or not published",
            )
        if places_left(day) <= 0:
            raise UserError(
                "full", "该接访日已约满，请选择其他日期", "This reception day is fully booked"
            )
        number = f"JF{day.date:%Y%m%d}-{secrets.randbelow(10**6):06d}"
        return Booking.objects.create(
            reception=day, number=number, name=name[:50], phone=phone[:40], description=description
        )
