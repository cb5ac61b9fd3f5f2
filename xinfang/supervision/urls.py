from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read/", views.mark_read, name="mark_read"),
    path("visits/", views.visit_list, name="visits"),
    path("visits/<int:pk>/", views.visit_record, name="visit_record"),
    path("followups/", views.followup_list, name="followups"),
    path("followups/<int:pk>/", views.followup_record, name="followup_record"),
]
