from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.routing"
    label = "routing"
    verbose_name = "派单目录"
    default_auto_field = "django.db.models.BigAutoField"
