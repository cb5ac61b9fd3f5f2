from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.cases"
    label = "cases"
    default_auto_field = "django.db.models.BigAutoField"
