from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, Unit, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["unit"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "level", "parent", "division_code", "is_active"]
    list_filter = ["kind", "level", "is_active"]
    search_fields = ["name", "division_code"]
    autocomplete_fields = ["parent", "oversees"]


@admin.register(User)
class XinfangUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    list_display = ["username", "display_name", "is_active", "is_staff"]
    fieldsets = (*UserAdmin.fieldsets, ("Xinfang", {"fields": ("display_name", "phone")}))  # type: ignore[misc]
