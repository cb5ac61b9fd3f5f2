"""Deadline alerts and staff notifications (warnings, overdue, supervision)."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    WARNING = "warning", _("临期预警")
    OVERDUE = "overdue", _("超期")
    SUPERVISION = "supervision", _("督办")
    ESCALATION = "escalation", _("督办升级")


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


class Notification(models.Model):
    """A message to one staff member about one matter (shown in their inbox)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    matter = models.ForeignKey("cases.Matter", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=12, choices=Level.choices)
    key = models.CharField(max_length=80)
    text = models.CharField(max_length=300)
    created_at = models.DateTimeField()
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["user", "matter", "key"], name="notification_once")
        ]
        indexes = [models.Index(fields=["user", "read_at"], name="notification_inbox")]

    def __str__(self) -> str:
        return self.text
