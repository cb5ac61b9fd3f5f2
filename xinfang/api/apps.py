from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.api"
    label = "api"
    verbose_name = _("接口令牌")
    default_auto_field = "django.db.models.BigAutoField"
