from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from .defaults import DEFAULTS
from .models import Notice, NoticeTemplate


@admin.register(NoticeTemplate)
class NoticeTemplateAdmin(admin.ModelAdmin):
    """Wording of each kind; issued notices keep the wording they were issued with."""

    list_display = ["kind", "title", "version", "updated_at"]
    readonly_fields = ["version", "updated_at"]
    actions = ["reset_to_default"]

    @admin.action(description="恢复默认文本 / reset to the default wording")
    def reset_to_default(self, request: HttpRequest, queryset: QuerySet[NoticeTemplate]) -> None:
        for t in queryset:
            t.title, t.body = DEFAULTS[t.kind]
            t.save()


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Issued notices by number: the text names the petitioner, so the admin never shows it
    (XFGZ Art. 30; staff read a notice through the matter, masked as their role requires)."""

    list_display = ["number", "kind", "organ", "issued_at"]
    list_filter = ["kind"]
    search_fields = ["number", "matter__receipt_no"]
    fields = ["number", "title", "kind", "organ", "issued_at", "template_version"]

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
