from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "xinfang.search"
    label = "search"
    verbose_name = "全文检索与同一事项识别"
    default_auto_field = "django.db.models.BigAutoField"
