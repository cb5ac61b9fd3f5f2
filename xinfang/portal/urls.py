from django.urls import path
from django.views.i18n import set_language

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.home, name="home"),
    path("submit/", views.submit, name="submit"),
    path("receipt/", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("leave/", views.leave, name="leave"),
    path("m/<str:receipt_no>/", views.matter, name="matter"),
    path("m/<str:receipt_no>/rate/", views.rate, name="rate"),
    path("m/<str:receipt_no>/review/", views.review, name="review"),
    path("m/<str:receipt_no>/reexam/", views.reexam, name="reexam"),
    path("m/<str:receipt_no>/material/", views.material, name="material"),
    path("notices/<int:pk>.<str:fmt>", views.notice, name="notice"),
    path("reception/", views.reception, name="reception"),
    path("reception/<int:pk>/book/", views.reception_book, name="book"),
    path("privacy/", views.privacy, name="privacy"),
    path("language/", set_language, name="language"),
]
