from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("rates/", views.rates, name="rates"),
    path("duty/", views.duty, name="duty"),
    path("rates/<int:unit>/<str:metric>/", views.drill, name="drill"),
    path("<str:kind>.<str:fmt>", views.download, name="download"),
]
