from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app's admin is registered by now (the admin's own ready() comes first).
        from django.contrib import admin

        from xinfang.cases.admin import log_admin_reads

        log_admin_reads(admin.site)
