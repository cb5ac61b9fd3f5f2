from django.contrib import admin

from .models import DutyShift


@admin.register(DutyShift)
class DutyShiftAdmin(admin.ModelAdmin):
    list_display = ["unit", "date", "start", "end", "leader", "staff", "phone", "holiday"]
    list_filter = ["holiday", "unit"]
    date_hierarchy = "date"
    search_fields = ["leader", "staff"]
