"""Leaders' reception days (领导接访日, XFGZ Art. 18) and citizens' bookings.

A booking holds personal data only for as long as the reception needs it: name and phone
are encrypted at rest (PIPL Art. 51) and blanked some days after the reception day
(PIPL Arts. 19, 47; see ``services.forget_old_bookings``).
"""

from __future__ import annotations

from datetime import datetime

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import blind_index, normalise_phone
from xinfang.core.fields import EncryptedTextField


class ReceptionDay(models.Model):
    """A session where a leader receives petitioners in person; citizens see and book it
    only once it is ``published``."""

    leader = models.CharField(_("接访领导"), max_length=50)
    title = models.CharField(_("职务"), max_length=80)
    unit = models.ForeignKey(
        "org.Unit", on_delete=models.PROTECT, related_name="+", verbose_name=_("单位")
    )
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始"))
    end = models.TimeField(_("结束"))
    place = models.CharField(_("地点"), max_length=200)
    topics = models.CharField(_("接访内容"), max_length=200, blank=True)
    capacity = models.PositiveSmallIntegerField(_("可预约人数"), default=10)
    published = models.BooleanField(_("对外公布"), default=False)

    class Meta:
        verbose_name = _("领导接访日")
        verbose_name_plural = _("领导接访日")
        ordering = ["date", "start"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="reception_end_after_start"
            )
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.leader}"

    @property
    def starts_at(self) -> datetime:
        """The start as an aware datetime in the deployment's time zone."""
        return timezone.make_aware(datetime.combine(self.date, self.start))


class BookingStatus(models.TextChoices):
    BOOKED = "booked", _("已预约")
    CANCELLED = "cancelled", _("已取消")


class Booking(models.Model):
    """One citizen's place at a reception day, identified to them by ``number``."""

    reception = models.ForeignKey(
        ReceptionDay,
        on_delete=models.PROTECT,
        related_name="bookings",
        verbose_name=_("接访日"),
    )
    number = models.CharField(_("预约号"), max_length=20, unique=True)
    name = EncryptedTextField(_("姓名"))
    phone = EncryptedTextField(_("电话"))
    phone_index = models.CharField(max_length=64, blank=True, editable=False, db_index=True)
    description = models.CharField(_("反映事项"), max_length=500)
    matter = models.ForeignKey(
        "cases.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("关联事项"),
    )
    created_at = models.DateTimeField(_("预约时间"), auto_now_add=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=BookingStatus.choices, default=BookingStatus.BOOKED
    )
    forgotten_at = models.DateTimeField(_("个人信息删除时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("接访预约")
        verbose_name_plural = _("接访预约")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: object, **kwargs: object) -> None:
        self.phone_index = blind_index(normalise_phone(self.phone or ""))
        super().save(*args, **kwargs)  # type: ignore[arg-type]
