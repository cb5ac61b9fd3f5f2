"""Downloading notices. Staff through visibility; the portal reuses ``notice_response``."""

from __future__ import annotations

from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET

from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.cases.models import matter_in
from xinfang.core.errors import UserError
from xinfang.notices.models import Notice
from xinfang.notices.render import CONTENT_TYPES, rendered


def notice_response(notice: Notice, fmt: str, *, masked: bool = False) -> HttpResponse:
    if fmt not in CONTENT_TYPES:
        raise Http404
    try:
        data = rendered(notice, fmt, masked=masked)
    except UserError as e:
        return HttpResponse(e.zh, status=503, content_type="text/plain; charset=utf-8")
    resp = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    name = f"{notice.title}-{notice.matter.receipt_no}.{fmt}"
    resp["Content-Disposition"] = (
        f"attachment; filename=\"notice-{notice.pk}.{fmt}\"; filename*=UTF-8''{quote(name)}"
    )
    resp["X-Content-Type-Options"] = "nosniff"
    return resp


@require_GET
@login_required
def download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    visible = access.visible(request.user)
    notice = get_object_or_404(
        Notice.objects.select_related("matter").filter(matter_in(visible)), pk=pk
    )
    log_access(
        user=request.user,
        what="notice",
        matter=notice.matter,
        request=request,
        detail=f"{notice.number}.{fmt}",
    )
    # The petitioner's identity is shown in the notice exactly when the matter page shows it.
    return notice_response(
        notice, fmt, masked=not access.can_see_identity(request.user, notice.matter)
    )
