from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.cases"
    label = "cases"
    verbose_name = _("信访事项")
    default_auto_field = "django.db.models.BigAutoField"
