"""Read-only access-log view for auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from xinfang.audit.models import WHAT_LABELS, AccessLog
from xinfang.cases import access


@require_GET
@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    if not access.may(request.user, "audit"):
        raise Http404
    qs = AccessLog.objects.select_related("user", "matter").order_by("-id")
    g = request.GET
    if g.get("user"):
        qs = qs.filter(user__username=g["user"])
    if g.get("receipt"):
        qs = qs.filter(matter__receipt_no=g["receipt"])
    if g.get("what"):
        qs = qs.filter(what=g["what"])
    page = Paginator(qs, 100).get_page(g.get("page"))
    return render(
        request,
        "audit/access_log.html",
        {"page": page, "f": g, "kinds": sorted(WHAT_LABELS.items(), key=lambda kv: kv[0])},
    )
