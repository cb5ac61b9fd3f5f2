"""Staff pages for notifications, return visits (回访) and follow-up checks (回头看)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases import access
from xinfang.cases.models import Rating, matter_in
from xinfang.core.errors import UserError
from xinfang.notices.models import Notification
from xinfang.supervision import followups, visits
from xinfang.supervision.models import FollowupCheck, ReturnVisit, VisitMethod


def _desk(request: HttpRequest) -> None:
    if not access.may(request.user, "desk"):
        raise Http404


FOLLOWUP_HORIZON = 7  # days ahead a 回头看 check is listed


def pending_visits(user: Any) -> QuerySet[ReturnVisit]:
    """Return visits (回访) not yet made on matters ``user`` may see."""
    return ReturnVisit.objects.filter(matter_in(access.visible(user)), done_at__isnull=True)


def due_followups(user: Any) -> QuerySet[FollowupCheck]:
    """回头看 checks due within ``FOLLOWUP_HORIZON`` days on matters ``user`` may see."""
    horizon = timezone.localdate() + timedelta(days=FOLLOWUP_HORIZON)
    return FollowupCheck.objects.filter(
        matter_in(access.visible(user)), done_at__isnull=True, due_on__lte=horizon
    )


def desk_waiting(user: Any) -> list[tuple[Any, str, int]]:
    """The desk's own to-do beside the matters' (label, address, count): return visits and
    回头看 checks waiting, for those who make them."""
    if not access.may(user, "desk"):
        return []
    return [
        (_("待回访"), reverse("supervision:visits"), pending_visits(user).count()),
        (_("回头看"), reverse("supervision:followups"), due_followups(user).count()),
    ]


@require_GET
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    rows = (
        Notification.objects.filter(user_id=int(request.user.pk or 0))
        .select_related("matter")
        .order_by("read_at", "-created_at")[:200]
    )
    return render(request, "supervision/inbox.html", {"rows": rows})


@require_POST
@login_required
def mark_read(request: HttpRequest) -> HttpResponse:
    Notification.objects.filter(user_id=int(request.user.pk or 0), read_at__isnull=True).update(
        read_at=timezone.now()
    )
    return redirect("supervision:inbox")


@require_GET
@login_required
def visit_list(request: HttpRequest) -> HttpResponse:
    _desk(request)
    rows = (
        pending_visits(request.user).select_related("matter", "unit").order_by("created_at")[:100]
    )
    return render(
        request,
        "supervision/visits.html",
        {"rows": rows, "methods": VisitMethod.choices, "ratings": Rating.choices},
    )


@require_POST
@login_required
def visit_record(request: HttpRequest, pk: int) -> HttpResponse:
    _desk(request)
    visible = access.visible(request.user)
    v = get_object_or_404(ReturnVisit.objects.filter(matter_in(visible)), pk=pk)
    p = request.POST

    def yes(name: str) -> bool | None:
        return {"1": True, "0": False}.get(p.get(name, ""))

    reached = yes("reached")

    try:
        visits.record_visit(
            v,
            by=request.user,  # type: ignore[arg-type]
            method=p.get("method", ""),
            reached=reached,
            contacted=yes("contacted"),
            solved=yes("solved"),
            rating=p.get("rating", "") if reached else "",
            note=p.get("note", ""),
        )
    except UserError as e:
        messages.error(request, e.said())
    else:
        messages.success(request, f"已记录 {v.matter.receipt_no} 的回访")
    return redirect("supervision:visits")


@require_GET
@login_required
def followup_list(request: HttpRequest) -> HttpResponse:
    _desk(request)
    rows = (
        due_followups(request.user)
        .select_related("matter", "matter__lead_unit")
        .order_by("due_on")[:100]
    )
    return render(request, "supervision/followups.html", {"rows": rows})


@require_POST
@login_required
def followup_record(request: HttpRequest, pk: int) -> HttpResponse:
    _desk(request)
    visible = access.visible(request.user)
    check = get_object_or_404(FollowupCheck.objects.filter(matter_in(visible)), pk=pk)
    try:
        followups.record(
            check,
            by=request.user,  # type: ignore[arg-type]
            held={"1": True, "0": False}.get(request.POST.get("held", "")),
            note=request.POST.get("note", ""),
        )
    except UserError as e:
        messages.error(request, e.said())
    else:
        if check.reopened:
            messages.success(request, f"问题反弹，已重新登记为 {check.reopened.receipt_no}")
        else:
            messages.success(request, "已记录")
    return redirect("supervision:followups")
