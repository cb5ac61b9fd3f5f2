"""``xinfang forget_bookings``: blank the personal data of old reception bookings
(PIPL Arts. 19, 47); run daily."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinfang.reception.services import forget_old_bookings, keep_days


class Command(BaseCommand):
    help = "删除接访日过后的预约个人信息 / forget personal data of past reception bookings"

    def handle(self, *args: Any, **o: Any) -> None:
        n = forget_old_bookings()
        self.stdout.write(
            f"已删除 {n} 个预约的个人信息（接访日后{keep_days()}日）/ forgot {n} bookings"
        )
