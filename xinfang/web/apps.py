from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.web"
    label = "web"
    verbose_name = _("工作台")
    default_auto_field = "django.db.models.BigAutoField"
