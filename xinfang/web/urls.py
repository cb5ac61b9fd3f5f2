"""The staff pages' addresses, one namespace per area (``web``, ``reports``, ``search`` …)."""

from django.contrib.auth import views as auth_views
from django.urls import include, path

from xinfang.org.twofactor import TwoFactorLoginView

from . import (
    audit,
    dossier,
    duty,
    notices,
    opinion_preview,
    reception,
    reports,
    routing,
    search,
    supervision,
    views,
)

app_name = "web"
urlpatterns = [
    path("", views.queue, name="queue"),
    path("login/", TwoFactorLoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("matters/new/", views.register, name="register"),
    path("matters/new/final/", views.final_panel, name="final_matters"),
    path("matters/new/deadlines/", views.deadline_preview, name="deadline_preview"),
    path("matters/<int:pk>/", views.matter_page, name="matter"),
    path("matters/<int:pk>/act/<str:action>/", views.act, name="act"),
    path("matters/<int:pk>/reveal/", views.reveal, name="reveal"),
    path("matters/<int:pk>/receipt/", views.receipt, name="receipt"),
    path("matters/<int:pk>/files/<int:aid>/", views.attachment, name="attachment"),
    path("matters/<int:pk>/dossier/", dossier.page, name="dossier"),
    path("matters/<int:pk>/dossier.pdf", dossier.pdf, name="dossier_pdf"),
    path(
        "matters/<int:pk>/opinion-preview.pdf",
        opinion_preview.pdf,
        name="opinion_preview_pdf",
    ),
    path("petitioners/", views.petitioner_search, name="petitioner_search"),
    path("charges/", views.charges, name="charges"),
    path("reception/", reception.day_page, name="reception"),
    path("reception/days/new/", reception.day_add, name="reception_day_add"),
    path("reception/days/<int:pk>/publish/", reception.day_publish, name="reception_publish"),
    path("reception/bookings/<int:pk>/arrival/", reception.arrival, name="booking_arrival"),
]

notices_urls = (
    [path("<int:pk>.<str:fmt>", notices.download, name="download")],
    "notices",
)
reports_urls = (
    [
        path("", reports.dashboard, name="dashboard"),
        path("rates/", reports.rates, name="rates"),
        path("duty/", duty.duty, name="duty"),
        path("duty/add/", duty.duty_add, name="duty_add"),
        path("duty/<int:pk>/", duty.duty_log, name="duty_log"),
        path("duty/<int:pk>/entry/", duty.duty_entry, name="duty_entry"),
        path("duty/<int:pk>/handover/", duty.duty_handover, name="duty_handover"),
        path("duty/<int:pk>/confirm/", duty.duty_confirm, name="duty_confirm"),
        path("duty/<int:pk>/delete/", duty.duty_delete, name="duty_delete"),
        path("rates/<int:unit>/<str:metric>/", reports.drill, name="drill"),
        path("<str:kind>.<str:fmt>", reports.download, name="download"),
    ],
    "reports",
)
audit_urls = ([path("access/", audit.access_log, name="access_log")], "audit")
supervision_urls = (
    [
        path("inbox/", supervision.inbox, name="inbox"),
        path("inbox/read/", supervision.mark_read, name="mark_read"),
        path("visits/", supervision.visit_list, name="visits"),
        path("visits/<int:pk>/", supervision.visit_record, name="visit_record"),
        path("followups/", supervision.followup_list, name="followups"),
        path("followups/<int:pk>/", supervision.followup_record, name="followup_record"),
    ],
    "supervision",
)
routing_urls = ([path("suggest/", routing.suggest_fragment, name="suggest")], "routing")
search_urls = (
    [
        path("", search.search_page, name="search"),
        path("count/", search.search_count, name="count"),
        path("similar/", search.similar, name="similar"),
        path("hotspots/", search.hotspots_page, name="hotspots"),
    ],
    "search",
)
