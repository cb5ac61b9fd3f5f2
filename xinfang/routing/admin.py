"""Administrators keep the dispatch catalogue (scope.md: administrator role)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.http import HttpRequest

from xinfang.core.errors import UserError
from xinfang.org.models import Role, User

from .models import RoutingRule
from .services import check_rule, save_rule


def _is_admin(request: HttpRequest) -> bool:
    user: Any = request.user
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return bool(user.is_superuser or user.memberships.filter(role=Role.ADMIN).exists())


class RoutingRuleForm(forms.ModelForm):
    class Meta:
        model = RoutingRule
        fields = [
            "topic",
            "area",
            "category",
            "hotline_type",
            "lead",
            "assisting",
            "effective_from",
            "effective_to",
            "basis",
            "priority",
            "is_active",
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if self.errors:
            return data
        try:
            check_rule(
                rule_id=self.instance.pk,
                topic=data.get("topic"),
                area=data.get("area"),
                category=data.get("category") or "",
                hotline_type=data.get("hotline_type") or "",
                lead=data.get("lead"),
                assisting=list(data.get("assisting") or []),
                effective_from=data.get("effective_from"),
                effective_to=data.get("effective_to"),
                basis=data.get("basis") or "",
                is_active=bool(data.get("is_active")),
            )
        except UserError as e:
            field = e.field if e.field in self.fields else None
            self.add_error(field, e.message)
        return data


@admin.register(RoutingRule)
class RoutingRuleAdmin(admin.ModelAdmin):
    """The catalogue; every save goes through ``services.save_rule``."""

    form = RoutingRuleForm
    list_display = [
        "topic",
        "area",
        "category",
        "hotline_type",
        "lead",
        "priority",
        "effective_from",
        "effective_to",
        "is_active",
    ]
    list_filter = ["is_active", "category", "hotline_type", "topic"]
    search_fields = ["topic__name", "area__name", "lead__name", "basis"]
    autocomplete_fields = ["area", "lead", "assisting"]
    list_select_related = ["topic", "area", "lead"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return _is_admin(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return _is_admin(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Rules are ended (失效日期) or switched off, not deleted: events cite them.
        return False

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        user = request.user if isinstance(request.user, User) else None
        save_rule(rule=obj, assisting=form.cleaned_data.get("assisting") or [], by=user)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:  # the assisting units were saved by ``save_rule``
            self.save_formset(request, form, formset, change=change)
