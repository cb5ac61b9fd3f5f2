from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.deadlines"
    label = "deadlines"
    verbose_name = _("期限与节假日")
    default_auto_field = "django.db.models.BigAutoField"
