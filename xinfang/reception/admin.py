"""Staff publish reception days and see their bookings; actions call the services."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from . import services
from .models import Booking, ReceptionDay


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    can_delete = False
    fields = ["number", "name", "phone", "description", "status", "created_at", "matter"]
    readonly_fields = ["number", "name", "phone", "description", "status", "created_at"]
    raw_id_fields = ["matter"]

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False  # citizens book through the portal; staff only read and cancel


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = [
        "date",
        "start",
        "end",
        "leader",
        "title",
        "unit",
        "place",
        "capacity",
        "left",
        "published",
    ]
    list_filter = ["published", "unit"]
    date_hierarchy = "date"
    inlines = [BookingInline]
    actions = ["publish", "withdraw"]

    @admin.display(description=_("剩余名额"))
    def left(self, obj: ReceptionDay) -> int:
        return services.places_left(obj)

    @admin.action(description=_("对外公布所选接访日"))
    def publish(self, request: HttpRequest, queryset: QuerySet[ReceptionDay]) -> None:
        n = services.publish(days=queryset, published=True)
        self.message_user(request, f"已公布 {n} 个接访日", messages.SUCCESS)

    @admin.action(description=_("撤回所选接访日"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet[ReceptionDay]) -> None:
        n = services.publish(days=queryset, published=False)
        self.message_user(request, f"已撤回 {n} 个接访日", messages.SUCCESS)


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["number", "reception", "status", "created_at"]
    list_filter = ["status", "reception__date"]
    search_fields = ["number"]
    readonly_fields = [
        "reception",
        "number",
        "name",
        "phone",
        "description",
        "status",
        "created_at",
        "forgotten_at",
    ]
    fields = [*readonly_fields, "matter"]
    raw_id_fields = ["matter"]
    actions = ["cancel"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    @admin.action(description=_("取消所选预约"))
    def cancel(self, request: HttpRequest, queryset: QuerySet[Booking]) -> None:
        for b in queryset:
            services.cancel(booking=b)
        self.message_user(request, f"已取消 {queryset.count()} 个预约", messages.SUCCESS)
