from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.notices"
    label = "notices"
    default_auto_field = "django.db.models.BigAutoField"
