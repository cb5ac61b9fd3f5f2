from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.demo"
    label = "demo"
    verbose_name = _("演示数据")
    default_auto_field = "django.db.models.BigAutoField"
