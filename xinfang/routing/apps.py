from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.routing"
    label = "routing"
    verbose_name = _("派单目录")
    default_auto_field = "django.db.models.BigAutoField"
