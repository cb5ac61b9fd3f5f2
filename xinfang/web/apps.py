from django.apps import AppConfig


class Config(AppConfig):
    name = "xinfang.web"
    label = "web"
    default_auto_field = "django.db.models.BigAutoField"
