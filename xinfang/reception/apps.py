from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.reception"
    label = "reception"
    default_auto_field = "django.db.models.BigAutoField"
