"""The holiday calendar: data the administrator edits, never logic (procedure.md §5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DayKind(models.TextChoices):
    HOLIDAY = "holiday", _("法定节假日（休息）")
    WORKDAY = "workday", _("调休上班日")


class CalendarDay(models.Model):
    """A date that differs from the ordinary week.

    ``holiday``: a statutory holiday or a bridging rest day, not a working day even on a
    weekday. ``workday``: a make-up working day (调休), a working day even on a weekend.
    Source: the State Council General Office's annual notice on holiday arrangements.
    """

    date = models.DateField(_("日期"), unique=True)
    kind = models.CharField(_("类型"), max_length=10, choices=DayKind.choices)
    name = models.CharField(_("节日"), max_length=40, blank=True)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("节假日安排")
        verbose_name_plural = _("节假日安排")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {self.get_kind_display()} {self.name}"

    def clean(self) -> None:
        """A make-up working day exists only to replace a weekend day (调休)."""
        if self.kind == DayKind.WORKDAY and self.date and self.date.weekday() < 5:
            raise ValidationError(
                {"kind": _("调休上班日必须是周六或周日（A make-up working day is a weekend day）")}
            )
