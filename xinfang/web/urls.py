from django.contrib.auth import views as auth_views
from django.urls import include, path

from xinfang.org.twofactor import TwoFactorLoginView

from . import views

app_name = "web"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", TwoFactorLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("matters/new/", views.register, name="register"),
    path("matters/new/final/", views.final_panel, name="final_matters"),
    path("matters/<int:pk>/", views.matter_page, name="matter"),
    path("matters/<int:pk>/act/<str:action>/", views.act, name="act"),
    path("matters/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("matters/<int:pk>/files/<int:aid>/", views.attachment, name="attachment"),
    path("petitioners/", views.petitioner_search, name="petitioner_search"),
]
