"""The holiday calendar: data the administrator edits, never logic (procedure.md §5)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
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
            raise ValidationError({"kind": _("调休上班日必须是周六或周日")})


class PublishedYear(models.Model):
    """A year whose State Council arrangement is loaded into ``CalendarDay``.

    Its rows alone count for it, and deadlines in it are final. Any other year is counted
    on the statutory days of the 全国年节及纪念日放假办法 (``deadlines.statutory``), and its
    deadlines are provisional. A year is marked by the migration that ships it,
    ``xinfang loadholidays``, or the administrator (this model's admin, or the action on
    the holiday table once every day of the notice is entered). Rows alone do not mark a
    year: one day entered early must not hide the derived days of the rest of it.
    """

    year = models.PositiveSmallIntegerField(
        _("年份"), unique=True, validators=[MinValueValidator(1949), MaxValueValidator(2200)]
    )
    source = models.CharField(_("依据"), max_length=200, blank=True)
    loaded_at = models.DateTimeField(_("载入时间"), auto_now=True)

    class Meta:
        verbose_name = _("已载入的节假日安排年份")
        verbose_name_plural = _("已载入的节假日安排年份")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.year} {self.source}".strip()
