from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "xinfang.search"
    label = "search"
    verbose_name = _("全文检索与同一事项识别")
    default_auto_field = "django.db.models.BigAutoField"
