"""Deadline alerts, return visits, 回头看 checks, duty rosters and the sweep's marks (the staff
messages they send are ``notices.models.Notification``)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from xinfang.notices.models import Level


class Alert(models.Model):
    """A matter's deadline entered the warning window or passed. One row per
    (matter, deadline kind, due date, level): running the sweep twice adds nothing."""

    matter = models.ForeignKey("cases.Matter", on_delete=models.CASCADE, related_name="alerts")
    deadline_kind = models.CharField(max_length=16)
    due = models.DateField()
    level = models.CharField(max_length=12, choices=Level.choices)
    unit = models.ForeignKey("org.Unit", null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["matter", "deadline_kind", "due", "level"], name="alert_once"
            )
        ]
        indexes = [models.Index(fields=["unit", "level", "created_at"], name="alert_unit")]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.deadline_kind} {self.due} {self.level}"


class VisitMethod(models.TextChoices):
    PHONE = "phone", _("电话")
    SMS = "sms", _("短信")
    ONLINE = "online", _("网上")


class ReturnVisit(models.Model):
    """A return visit (回访) to the petitioner after an answer or when the handling period
    ends (BJ Art. 23): did the unit contact them, is the matter solved, how do they rate it.

    ``reached`` False (nobody answered, number wrong) makes the visit invalid: it does not
    count in the rates' denominators.
    """

    matter = models.ForeignKey("cases.Matter", on_delete=models.CASCADE, related_name="visits")
    unit = models.ForeignKey("org.Unit", on_delete=models.PROTECT, related_name="+")
    trigger = models.CharField(max_length=12)  # answered | deadline
    created_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)  # indexed first in visit_waiting
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    method = models.CharField(max_length=8, choices=VisitMethod.choices, blank=True)
    reached = models.BooleanField(null=True)
    contacted = models.BooleanField(null=True)
    solved = models.BooleanField(null=True)
    rating = models.CharField(max_length=12, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["matter", "trigger"], name="visit_once")]
        indexes = [
            models.Index(fields=["unit", "done_at"], name="visit_unit_done"),
            # the visit list: the oldest visible visits still to make, read in order and
            # checked one by one until a page is full (with an index of done_at alone
            # SQLite tested and sorted every waiting visit); and done_at ranges
            models.Index(fields=["done_at", "created_at"], name="visit_waiting"),
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} {self.trigger}"


class FollowupCheck(models.Model):
    """回头看: a scheduled check, some days after a matter was concluded, of whether the
    solution held. A relapse reopens the matter as a linked new matter."""

    matter = models.ForeignKey(
        "cases.Matter", on_delete=models.CASCADE, related_name="followup_checks"
    )
    offset_days = models.PositiveSmallIntegerField()
    due_on = models.DateField(db_index=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    held = models.BooleanField(null=True)
    note = models.CharField(max_length=500, blank=True)
    reopened = models.ForeignKey(
        "cases.Matter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["matter", "offset_days"], name="followup_once")
        ]
        # the follow-up list: checks still to make, by due day
        indexes = [
            models.Index(
                fields=["due_on"], name="followup_waiting", condition=Q(done_at__isnull=True)
            )
        ]

    def __str__(self) -> str:
        return f"{self.matter_id} +{self.offset_days}"


class DutyShift(models.Model):
    """A duty shift (值班) of a unit: the leader on duty and the contact, for weekdays,
    weekends and holidays. Printable per week."""

    unit = models.ForeignKey("org.Unit", on_delete=models.CASCADE, related_name="duty_shifts")
    date = models.DateField(_("日期"))
    start = models.TimeField(_("开始"), default="08:30")
    end = models.TimeField(_("结束"), default="17:30")
    leader = models.CharField(_("带班领导"), max_length=50)
    staff = models.CharField(_("值班人员"), max_length=200)
    phone = models.CharField(_("值班电话"), max_length=40)
    holiday = models.BooleanField(_("节假日值班"), default=False)

    class Meta:
        verbose_name = _("值班安排")
        verbose_name_plural = _("值班安排")
        ordering = ["date", "start"]
        indexes = [models.Index(fields=["unit", "date"], name="duty_unit_date")]

    def __str__(self) -> str:
        return f"{self.unit} {self.date} {self.leader}"


class SweepMark(models.Model):
    """How far one of the sweep's jobs has read the event log. The next run reads only
    later events (less a margin for transactions that took their ids earlier but committed
    later), so a daily run costs the day's events, not every matter ever answered."""

    job = models.CharField(max_length=40, unique=True)
    event_id = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.job} @ {self.event_id}"
