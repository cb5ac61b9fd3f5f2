from django.urls import path

from . import twofactor

app_name = "org"
urlpatterns = [
    path("login/code/", twofactor.code, name="code"),
    path("account/2fa/", twofactor.enrol, name="enrol"),
]
