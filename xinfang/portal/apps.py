from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.portal"
    label = "portal"
    verbose_name = _("网上信访")
    default_auto_field = "django.db.models.BigAutoField"
