from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.reports"
    label = "reports"
    verbose_name = _("统计")
    default_auto_field = "django.db.models.BigAutoField"
