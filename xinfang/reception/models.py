"""Leaders' reception days (领导接访日, XFGZ Art. 18) and citizens' bookings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ReceptionDay(models.Model):
    """A published session where a leader receives petitioners in person."""

    leader = models.CharField(_("接访领导"), max_length=50)
    title = models.CharField(_("职务"), max_length=80)
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
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

    def __str__(self) -> str:
        return f"{self.date} {self.leader}"


class Booking(models.Model):
    reception = models.ForeignKey(ReceptionDay, on_delete=models.PROTECT, related_name="bookings")
    number = models.CharField(_("预约号"), max_length=20, unique=True)
    name = models.CharField(_("姓名"), max_length=50)
    phone = models.CharField(_("电话"), max_length=40)
    description = models.CharField(_("反映事项"), max_length=500)
    matter = models.ForeignKey(
        "cases.Matter",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("关联事项"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    cancelled = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("接访预约")
        verbose_name_plural = _("接访预约")

    def __str__(self) -> str:
        return self.number
