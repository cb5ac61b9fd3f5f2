"""Leaders' reception days (领导接访日, XFGZ Art. 18) and citizens' bookings; the office's
duty log (值班日志) of what came in during each shift of the roster, and its handover.

A booking holds personal data only for as long as the reception needs it: name and phone
are encrypted at rest (PIPL Art. 51) and blanked some days after the reception day
(PIPL Arts. 19, 47; see ``services.forget_old_bookings``). What a duty log says about
callers and visitors is encrypted at rest as well.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.core.crypto import blind_index, normalise_phone
from xinfang.core.errors import UserError
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


class Arrival(models.TextChoices):
    """Whether the citizen came to the reception they booked, as staff saw it on the day."""

    ARRIVED = "arrived", _("到场")
    ABSENT = "absent", _("未到")


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
    arrival = models.CharField(_("到场情况"), max_length=8, choices=Arrival.choices, blank=True)
    arrival_at = models.DateTimeField(_("登记到场时间"), null=True, blank=True)
    arrival_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("登记人"),
    )

    class Meta:
        verbose_name = _("接访预约")
        verbose_name_plural = _("接访预约")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.number

    def save(self, *args: object, **kwargs: object) -> None:
        self.phone_index = blind_index(normalise_phone(self.phone or ""))
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class EntryKind(models.TextChoices):
    """What came in during a shift. A correction adds to an earlier entry of the same log,
    which itself never changes."""

    CALL = "call", _("来电")
    VISIT = "visit", _("来访")
    URGENT = "urgent", _("紧急事件")
    OTHER = "other", _("其他")
    CORRECTION = "correction", _("更正")


class DutyLog(models.Model):
    """The log of one shift of the duty roster (``supervision.DutyShift``), opened by the
    first entry, and its handover (交接班) to the next shift of the unit's roster.

    Handed over (``handed_over_at``), it takes corrections only; ``carried`` are the
    unfinished entries the handover passes on, and the next shift's officer confirms
    receipt once (``confirmed_at``, 接班确认). Writes go through ``reception.duty``.
    """

    shift = models.OneToOneField(
        "supervision.DutyShift",
        on_delete=models.PROTECT,
        related_name="duty_log",
        verbose_name=_("班次"),
    )
    opened_at = models.DateTimeField(_("开始记录时间"))
    handed_over_at = models.DateTimeField(_("交班时间"), null=True, blank=True)
    handed_over_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    handover_note = EncryptedTextField(_("交班说明"), blank=True)
    to_shift = models.ForeignKey(
        "supervision.DutyShift",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="handovers_in",
        verbose_name=_("接班班次"),
    )
    carried: models.ManyToManyField[DutyEntry, Any] = models.ManyToManyField(
        "DutyEntry", blank=True, related_name="carried_by", verbose_name=_("移交的未办结事项")
    )
    confirmed_at = models.DateTimeField(_("接班确认时间"), null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("值班日志")
        verbose_name_plural = _("值班日志")

    def __str__(self) -> str:
        return f"{self.shift_id}"


class DutyEntry(models.Model):
    """One entry of a duty log: when something came in, what it was, what was done, and
    whether it is still open (``pending``). Append-only: ``save`` refuses to change a
    written entry and ``delete`` refuses to remove one; a mistake is put right by a new
    entry of kind ``correction`` that names the entry it ``corrects``."""

    log = models.ForeignKey(DutyLog, on_delete=models.PROTECT, related_name="entries")
    seq = models.PositiveIntegerField(_("序号"))
    at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("类别"), max_length=12, choices=EntryKind.choices)
    summary = EncryptedTextField(_("情况"))
    action = EncryptedTextField(_("处理情况"), blank=True)
    pending = models.BooleanField(_("未办结"), default=False)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("更正的记录"),
    )
    written_at = models.DateTimeField(_("记录时间"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("值班记录")
        verbose_name_plural = _("值班记录")
        ordering = ["log", "seq"]
        constraints = [models.UniqueConstraint(fields=["log", "seq"], name="duty_entry_seq")]

    def __str__(self) -> str:
        return f"{self.log_id}#{self.seq}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise UserError(
                "append_only",
                "值班记录写入后不能修改，请以更正记录补充",
                "A duty log entry cannot be changed; add a correction instead",
            )
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise UserError(
            "append_only",
            "值班记录不能删除，请以更正记录补充",
            "A duty log entry cannot be deleted; add a correction instead",
        )
