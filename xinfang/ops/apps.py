from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    """The operators' commands that work across the apps: backup and restore, the audit
    chains' verification, witness and rekeying, retention, bulk import, blind-index rebuilds."""

    name = "xinfang.ops"
    label = "ops"
    verbose_name = _("运维")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Every app's admin is registered by now (the admin's own ready() comes first).
        from django.contrib import admin

        from xinfang.cases.admin import log_admin_reads

        log_admin_reads(admin.site)
