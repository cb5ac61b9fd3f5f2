from typing import Any

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import Membership, Unit, User
from .services import sync_staff_flag


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

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """Role changes made in the admin are audited like those made by the services."""
        from xinfang.audit.services import log_access

        before = set(form.instance.memberships.values_list("unit_id", "role"))
        super().save_formset(request, form, formset, change)
        after = set(form.instance.memberships.values_list("unit_id", "role"))
        for unit_id, role in sorted(after - before):
            log_access(
                user=request.user,
                what="grant_role",
                request=request,
                detail=f"{form.instance.username} +{role}@{unit_id}",
            )
        for unit_id, role in sorted(before - after):
            log_access(
                user=request.user,
                what="revoke_role",
                request=request,
                detail=f"{form.instance.username} -{role}@{unit_id}",
            )
        sync_staff_flag(form.instance)
