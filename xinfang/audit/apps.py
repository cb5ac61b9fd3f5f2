from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"
