from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.supervision"
    label = "supervision"
    default_auto_field = "django.db.models.BigAutoField"
