from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Administrators see and revoke tokens. Tokens are issued by ``xinfang token`` only,
    where the secret is shown once; the admin never holds or shows it."""

    list_display = ["user", "name", "prefix", "created_at", "expires_at", "last_used_at", "state"]
    list_filter = ["revoked"]
    search_fields = ["user__username", "user__display_name", "name", "prefix"]
    list_select_related = ["user"]
    fields = readonly_fields = (
        "user",
        "name",
        "prefix",
        "created_at",
        "expires_at",
        "last_used_at",
        "state",
    )
    actions = ["revoke"]

    @admin.display(description="状态 / state")
    def state(self, obj: ApiToken) -> str:
        return obj.state

    @admin.action(description="撤销所选令牌 / Revoke")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        n = queryset.revoke(by=request.user, request=request)  # type: ignore[attr-defined]
        self.message_user(request, f"已撤销 {n} 个令牌 / {n} revoked")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
