"""Admin for the catalogues. Matters are changed only through the workflow, never here."""

from django.contrib import admin

from .models import Topic


@admin.register(Topic)
class TopicAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "parent", "is_active", "order"]
    list_editable = ["is_active", "order"]
    search_fields = ["code", "name"]
