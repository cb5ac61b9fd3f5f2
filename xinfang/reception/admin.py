from django.contrib import admin

from .models import Booking, ReceptionDay


class BookingInline(admin.TabularInline):
    model = Booking
    extra = 0
    fields = ["number", "name", "phone", "description", "matter", "cancelled"]
    readonly_fields = ["number"]
    raw_id_fields = ["matter"]


@admin.register(ReceptionDay)
class ReceptionDayAdmin(admin.ModelAdmin):
    list_display = ["date", "start", "leader", "title", "unit", "place", "capacity", "published"]
    list_filter = ["published", "unit"]
    date_hierarchy = "date"
    inlines = [BookingInline]
