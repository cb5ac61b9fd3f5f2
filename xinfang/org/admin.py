from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.views import redirect_to_login
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse

from xinfang.audit.services import log_access

from .models import Membership, Unit, User
from .services import (
    audit_account_flags,
    mark_password_set_by_admin,
    reset_password,
    reset_two_factor,
    sync_staff_flag,
    unlock_sign_in,
)


def _admin_login(request: HttpRequest, extra_context: Any = None) -> HttpResponse:
    """The admin site signs in through the staff sign-in (throttled, with the TOTP step),
    never through a password form of its own. Someone signed in who may not use the admin
    is told so (404), not sent to sign in again (which would send them straight back)."""
    if request.user.is_authenticated:
        raise Http404
    return redirect_to_login(request.GET.get("next") or "/admin/", settings.LOGIN_URL)


admin.site.login = _admin_login  # type: ignore[method-assign]


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
    list_display = ["username", "display_name", "is_active", "is_staff", "has_2fa"]
    actions = ["reset_passwords", "reset_two_factor", "unlock_sign_in"]

    @admin.display(description="双因素认证 / 2FA", boolean=True)
    def has_2fa(self, obj: User) -> bool:
        return obj.totp_confirmed_at is not None

    @admin.action(description="重置密码（生成临时密码）/ Reset password")
    def reset_passwords(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            temporary = reset_password(user=user, by=request.user, request=request)
            self.message_user(
                request,
                f"{user.username} 的临时密码：{temporary}（仅显示一次，登录后须修改）"
                f" / temporary password, shown once",
                messages.WARNING,
            )

    @admin.action(description="重置双因素认证 / Reset two-factor sign-in")
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            reset_two_factor(user=user, by=request.user, request=request)
        self.message_user(request, f"已重置 {queryset.count()} 名用户的双因素认证 / reset")

    @admin.action(description="解除登录锁定 / Unlock sign-in")
    def unlock_sign_in(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        for user in queryset:
            unlock_sign_in(user=user, by=request.user, request=request)
        self.message_user(request, f"已解除 {queryset.count()} 名用户的登录锁定 / unlocked")

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        """The admin's set-password form: audited, and the user must change it again."""
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            mark_password_set_by_admin(user=user, by=request.user, request=request)
        return response

    def save_model(self, request: Any, obj: User, form: Any, change: bool) -> None:
        before: dict[str, bool] = {}
        if change:
            row = User.objects.filter(pk=obj.pk).values("is_active", "is_superuser").first()
            before = {k: bool(v) for k, v in (row or {}).items()}
        super().save_model(request, obj, form, change)
        audit_account_flags(user=obj, before=before, by=request.user, request=request)

    fieldsets = (*UserAdmin.fieldsets, ("Xinfang", {"fields": ("display_name", "phone")}))  # type: ignore[misc]

    def save_formset(self, request: Any, form: Any, formset: Any, change: bool) -> None:
        """Role changes made in the admin are audited like those made by the services."""

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
