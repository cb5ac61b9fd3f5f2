"""处理意见书预览: the leader who may approve a pending opinion reads the notice approving it
would issue (``notices.preview``), on the matter page and as a PDF. Nothing is issued."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_GET

from xinfang.actions.workflow import allowed_actions
from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.cases.models import Matter, Status
from xinfang.core.errors import UserError
from xinfang.core.masks import HIDDEN
from xinfang.notices import render
from xinfang.notices.models import Notice
from xinfang.notices.preview import PREVIEW_MARK, opinion_preview
from xinfang.org.models import User


def _may_approve(m: Matter, user: User, offered: list[str] | None = None) -> bool:
    """The approval is offered to this user now (``workflow.allowed_actions``)."""
    if m.status != Status.OPINION_PENDING:
        return False
    return "approve_opinion" in (offered if offered is not None else allowed_actions(m, user))


def _paragraphs(notice: Notice, masked: bool) -> list[str]:
    """The text as the PDF sets it: a masked reader sees whom it names hidden."""
    paragraphs = [str(p) for p in notice.context.get("paragraphs", [])]
    if masked:
        for word in render.masked_words(notice):
            paragraphs = [p.replace(word, HIDDEN) for p in paragraphs]
    return paragraphs


def for_page(m: Matter, user: User, offered: list[str]) -> dict[str, Any] | None:
    """The matter page's preview panel: None unless ``user`` may approve the opinion now;
    ``notice`` None when approving it issues no notice (the panel says so)."""
    if not _may_approve(m, user, offered):
        return None
    notice = opinion_preview(m)
    if notice is None:
        return {"notice": None}
    masked = not access.can_see_identity(user, m)
    return {
        "notice": notice,
        "mark": PREVIEW_MARK,
        "paragraphs": _paragraphs(notice, masked),
        "organ": notice.context.get("organ", ""),
        # the letter layout (red organ head) when the notices are set in it
        "official": render.official_layout(),
        "issued": notice.context.get("issued", ""),
        "pdf": reverse("web:opinion_preview_pdf", args=(m.pk,)),
    }


@require_GET
@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The preview as the PDF the approval would issue, marked 预览（未出具） where the
    number goes. Never cached: the draft may still change."""
    user = request.user
    assert isinstance(user, User)
    m = get_object_or_404(
        access.visible(user).select_related("lead_unit", "registered_unit"), pk=pk
    )
    if not _may_approve(m, user):
        raise Http404
    notice = opinion_preview(m)
    if notice is None:
        raise Http404
    masked = not access.can_see_identity(user, m)
    try:
        data = render.render_pdf(notice, masked)
    except UserError as e:
        return HttpResponse(e.said(), status=503, content_type="text/plain; charset=utf-8")
    log_access(
        user=user,
        what="notice",
        matter=m,
        request=request,
        detail=f"{PREVIEW_MARK} {notice.title}.pdf",
    )
    resp = HttpResponse(data, content_type="application/pdf")
    name = f"{notice.title}（预览）-{m.receipt_no}.pdf"
    resp["Content-Disposition"] = (
        f"attachment; filename=\"opinion-preview-{m.pk}.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    resp["Cache-Control"] = "no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
