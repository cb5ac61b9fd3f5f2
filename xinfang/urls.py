from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from xinfang.web import urls as staff

admin.site.site_header = _("信访事项办理系统 · 系统管理")
admin.site.site_title = _("信访事项办理系统")
admin.site.index_title = _("系统管理")

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
