from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.audit"
    label = "audit"
    verbose_name = _("访问日志")
    default_auto_field = "django.db.models.BigAutoField"
