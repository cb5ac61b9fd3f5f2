from django.urls import path

from . import account, twofactor

app_name = "org"
urlpatterns = [
    path("login/code/", twofactor.code, name="code"),
    path("account/2fa/", twofactor.enrol, name="enrol"),
    path("account/password/", account.password, name="password"),
]
