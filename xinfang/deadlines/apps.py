from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.deadlines"
    label = "deadlines"
    default_auto_field = "django.db.models.BigAutoField"
