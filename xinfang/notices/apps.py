from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class Config(AppConfig):
    name = "xinfang.notices"
    label = "notices"
    verbose_name = _("告知文书与消息")
    default_auto_field = "django.db.models.BigAutoField"
