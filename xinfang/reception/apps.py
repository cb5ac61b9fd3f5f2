from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.reception"
    label = "reception"
    verbose_name = _("领导接访")
    default_auto_field = "django.db.models.BigAutoField"
