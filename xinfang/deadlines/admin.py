"""Admin for the holiday table: the administrator keeps it current (procedure.md §5)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import calendar
from .models import CalendarDay


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


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    """The holiday table is data: an edit changes the deadlines of every open matter
    (CC Art. 203), so each save or delete clears the calendar cache."""

    list_display = ["date", "weekday", "kind", "name", "source"]
    list_filter = [YearFilter, "kind"]
    search_fields = ["name", "source"]
    date_hierarchy = "date"
    ordering = ["date"]

    @admin.display(description=_("星期"), ordering="date")
    def weekday(self, obj: CalendarDay) -> str:
        return "一二三四五六日"[obj.date.weekday()]

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        _invalidate()

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        _invalidate()

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Any]) -> None:
        super().delete_queryset(request, queryset)
        _invalidate()
