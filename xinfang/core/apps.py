from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.core"
    label = "core"
    default_auto_field = "django.db.models.BigAutoField"
