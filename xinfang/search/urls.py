from django.urls import path

from . import views

app_name = "search"
urlpatterns = [
    path("", views.search_page, name="search"),
    path("count/", views.search_count, name="count"),
    path("similar/", views.similar, name="similar"),
    path("hotspots/", views.hotspots_page, name="hotspots"),
]
