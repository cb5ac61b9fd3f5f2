from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [path("<int:pk>.<str:fmt>", views.download, name="download")]
