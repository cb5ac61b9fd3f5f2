from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("xinfang.api.urls")),
    path("notices/", include("xinfang.notices.urls")),
    path("portal/", include("xinfang.portal.urls")),
    path("reports/", include("xinfang.reports.urls")),
    path("audit/", include("xinfang.audit.urls")),
    path("supervision/", include("xinfang.supervision.urls")),
    path("routing/", include("xinfang.routing.urls")),
    path("search/", include("xinfang.search.urls")),
    path("", include("xinfang.org.urls")),
    path("", include("xinfang.web.urls")),
]
