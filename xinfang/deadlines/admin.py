"""Admin for the holiday table: the administrator keeps it current (procedure.md §5).

A year entered here by hand counts as loaded only once the administrator says so (the
action on the selected days, or a ``PublishedYear`` row): until then the statutory days
derived from the 办法 still count for it and its deadlines stay provisional, so a year
half entered never passes for a published one.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet
from django.db.models.functions import ExtractYear
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from xinfang.actions.calendar import refresh_matters, refresh_years

from . import calendar, loading
from .models import CalendarDay, PublishedYear


class YearFilter(admin.SimpleListFilter):
    """Filter by calendar year: one notice of the State Council covers one year."""

    title = _("年份")
    parameter_name = "year"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        years = sorted({d.year for d in CalendarDay.objects.values_list("date", flat=True)})
        return [(str(y), f"{y}") for y in reversed(years)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> QuerySet[Any]:
        value = self.value()
        if value and value.isdigit():
            return queryset.filter(date__year=int(value))
        return queryset


def _invalidate() -> None:
    """Every deadline is computed on the cached calendar: clear it now and after commit."""
    calendar.invalidate()
    transaction.on_commit(calendar.invalidate)


def _changed(first: date, last: date) -> None:
    """The calendar changed between ``first`` and ``last``: clear the cache and recompute
    the deadlines stored on the matters it can move (``actions.calendar``)."""
    _invalidate()
    refresh_matters(first, last)


def _changed_years(years: Iterable[int]) -> None:
    _invalidate()
    refresh_years(years)


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The holiday table is data: an edit changes the deadlines of every open matter
    (CC Art. 203), so each save or delete clears the calendar cache and recomputes the
    deadlines stored on the matters it can move."""

    list_display = ["date", "weekday", "kind", "name", "source", "year_loaded"]
    list_filter = [YearFilter, "kind"]
    actions = ["mark_years_loaded"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
    ordering = ["date"]

    @admin.display(description=_("星期"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        loaded = PublishedYear.objects.filter(year=ExtractYear(OuterRef("date")))
        return super().get_queryset(request).annotate(year_is_loaded=Exists(loaded))

    @admin.display(description=_("该年安排已载入"), boolean=True)
    def year_loaded(self, obj: Any) -> bool:
        return bool(getattr(obj, "year_is_loaded", False))

    @admin.action(description=_("将所选日期所在年份标记为国务院安排已载入"))
    def mark_years_loaded(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        """For a year entered here by hand, once every day of the notice is in."""
        years = sorted({d.year for d in queryset.values_list("date", flat=True)})
        source = next((s for s in queryset.values_list("source", flat=True) if s), "")
        new = loading.mark_loaded(years, source)
        _changed_years(new)
        self.message_user(
            request, _("已标记为安排已载入：%(years)s") % {"years": "、".join(map(str, years))}
        )

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = getattr(form, "initial", {}).get("date") if change else None
        super().save_model(request, obj, form, change)
        days = [d for d in (before, obj.date) if isinstance(d, date)]
        _changed(min(days), max(days))

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _changed(obj.date, obj.date)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        days = list(queryset.values_list("date", flat=True))
        super().delete_queryset(request, queryset)
        if days:
            _changed(min(days), max(days))
        else:
            _invalidate()


@admin.register(PublishedYear)
class PublishedYearAdmin(admin.ModelAdmin):
    """The years whose State Council arrangement is loaded. Adding a year makes its rows
    alone count (in place of the statutory days derived from the 办法) and its deadlines
    final; deleting one makes them provisional again. Either changes the deadlines of the
    matters in that year: the cache is cleared and their stored deadlines recomputed."""

    list_display = ["year", "source", "loaded_at"]
    ordering = ["-year"]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        before = getattr(form, "initial", {}).get("year") if change else None
        super().save_model(request, obj, form, change)
        _changed_years({y for y in (before, obj.year) if isinstance(y, int)})

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _changed_years([obj.year])

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        years = list(queryset.values_list("year", flat=True))
        super().delete_queryset(request, queryset)
        _changed_years(years)
