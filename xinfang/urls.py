from django.contrib import admin
from django.urls import include, path

from xinfang.web import urls as staff

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("xinfang.api.urls")),
    path("notices/", include(staff.notices_urls)),
    path("portal/", include("xinfang.portal.urls")),
    path("reports/", include(staff.reports_urls)),
    path("audit/", include(staff.audit_urls)),
    path("supervision/", include(staff.supervision_urls)),
    path("routing/", include(staff.routing_urls)),
    path("search/", include(staff.search_urls)),
    path("", include("xinfang.org.urls")),
    path("", include("xinfang.web.urls")),
]
