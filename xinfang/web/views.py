"""Staff pages. Each view parses, authorises (visible_to / the transition table), calls one
service, and renders. No state changes on GET."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.views.decorators.http import require_GET, require_POST

from xinfang.cases.clock import clock_for
from xinfang.cases.models import (
    Category,
    Channel,
    Event,
    HotlineType,
    Matter,
    MatterUnit,
    Petitioner,
    Status,
    Topic,
)
from xinfang.cases.privacy import HIDDEN, can_see_identity, mask_id, mask_phone
from xinfang.cases.services import register_matter
from xinfang.cases.workflow import LABELS, RULES, allowed_actions, transition
from xinfang.core.errors import UserError
from xinfang.org.models import Role, Unit

from .forms import ACTION_FIELDS, REASON_LABEL, leader_choices, parse_action, unit_choices

PAGE = 50
PRIMARY = [
    "accept",
    "accept_direct",
    "forward",
    "submit_opinion",
    "approve_opinion",
    "approve_extension",
    "agree_objection",
    "decide",
    "request_review",
    "request_reexam",
    "conclude",
    "contact",
]


def _visible(request: HttpRequest) -> Any:
    return Matter.objects.visible_to(request.user)


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """My work: visible open matters, nearest deadline first."""
    today = timezone.localdate()
    qs = _visible(request).open()
    g = request.GET
    if g.get("status") in Status.values:
        qs = qs.filter(status=g["status"])
    if g.get("category") in Category.values:
        qs = qs.filter(category=g["category"])
    if g.get("overdue"):
        qs = qs.filter(current_due__lt=today)
    if (g.get("within") or "").isdigit():
        qs = qs.filter(
            current_due__gte=today, current_due__lte=today + timedelta(days=int(g["within"]))
        )
    if g.get("mine"):
        units = [m.unit_id for m in request.user.memberships.all()]
        qs = qs.filter(Q(lead_unit_id__in=units) | Q(registered_unit_id__in=units))
    q = (g.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(receipt_no__icontains=q) | Q(title__icontains=q))
    qs = qs.by_deadline().select_related("lead_unit", "registered_unit", "topic")
    page = Paginator(qs, PAGE).get_page(g.get("page"))
    rows = [(m, _due_badge(m.current_due, today, m.is_paused)) for m in page.object_list]
    return render(
        request,
        "web/queue.html",
        {
            "page": page,
            "rows": rows,
            "statuses": Status.choices,
            "categories": Category.choices,
            "f": g,
            "today": today,
        },
    )


def _due_badge(due: Any, today: Any, paused: bool) -> dict[str, str]:
    if paused:
        return {"cls": "paused", "text": "暂停计时"}
    if due is None:
        return {"cls": "none", "text": "—"}
    left = (due - today).days
    if left < 0:
        return {"cls": "overdue", "text": f"超期 {-left} 天"}
    if left <= 3:
        return {"cls": "soon", "text": f"剩余 {left} 天" if left else "今日到期"}
    return {"cls": "ok", "text": f"剩余 {left} 天"}


def _petitioner_rows(post: Any) -> list[dict[str, Any]]:
    return [
        {
            "i": i,
            "n": i + 1,
            "name": post.get(f"p{i}_name", ""),
            "phone": post.get(f"p{i}_phone", ""),
            "address": post.get(f"p{i}_address", ""),
            "id": post.get(f"p{i}_id", ""),
            "rep": bool(post.get(f"p{i}_rep")),
        }
        for i in range(6)
    ]


def _registrar_units(request: HttpRequest) -> list[Unit]:
    return [
        m.unit for m in request.user.memberships.select_related("unit") if m.role == Role.REGISTRAR
    ]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """The registration form, built for keyboard speed."""
    units = _registrar_units(request)
    if not units:
        raise Http404
    ctx: dict[str, Any] = {
        "units": units,
        "channels": Channel.choices,
        "categories": Category.choices,
        "hotline_types": HotlineType.choices,
        "topics": Topic.objects.filter(is_active=True),
        "areas": unit_choices(),
        "f": request.POST or {},
        "rows": _petitioner_rows(request.POST),
        "now": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
    }
    if request.method == "POST":
        p = request.POST
        try:
            unit = next((u for u in units if str(u.pk) == p.get("unit")), units[0])
            received = parse_datetime(p.get("received_at", "")) or timezone.localtime()
            if timezone.is_naive(received):
                received = timezone.make_aware(received)
            people = [
                {
                    "name": p.get(f"p{i}_name", ""),
                    "phone": p.get(f"p{i}_phone", ""),
                    "address": p.get(f"p{i}_address", ""),
                    "id_number": p.get(f"p{i}_id", ""),
                    "is_representative": bool(p.get(f"p{i}_rep")),
                }
                for i in range(10)
            ]
            topic = Topic.objects.filter(pk=p.get("topic") or 0).first()
            area = Unit.objects.filter(pk=p.get("area") or 0).first()
            m, secret = register_matter(
                by=request.user,
                unit=unit,
                channel=p.get("channel", ""),
                category=p.get("category", ""),
                hotline_type=p.get("hotline_type", ""),
                title=p.get("title", ""),
                content=p.get("content", ""),
                facts=p.get("facts", ""),
                received_at=received,
                petitioners=people,
                topic=topic,
                area=area,
                is_collective=bool(p.get("is_collective")),
                headcount=int(p.get("headcount") or 1)
                if (p.get("headcount") or "1").isdigit()
                else 1,
                anonymous=bool(p.get("anonymous")),
                confidential=bool(p.get("confidential")),
                attachments=request.FILES.getlist("attachments"),
            )
        except UserError as e:
            messages.error(request, e.message)
            ctx["error_field"] = e.field
            return render(request, "web/register.html", ctx, status=400)
        messages.success(
            request,
            f"已登记，受理编号 {m.receipt_no}，查询码 {secret}（仅显示一次，请告知信访人）"
            f" / Registered; lookup secret {secret} is shown only once.",
        )
        return redirect("web:matter", pk=m.pk)
    return render(request, "web/register.html", ctx)


@require_GET
@login_required
def petitioner_search(request: HttpRequest) -> HttpResponse:
    """Earlier matters of a petitioner (by phone or name), among visible matters only."""
    q = (request.GET.get("q") or "").strip()
    matters: list[Matter] = []
    if len(q) >= 2:
        visible = _visible(request).values("pk")
        pet = (
            Petitioner.objects.filter(matter__in=visible)
            .filter(Q(phone=q) | Q(name=q))
            .values("matter_id")
        )
        matters = list(
            Matter.objects.filter(pk__in=pet)
            .select_related("lead_unit")
            .order_by("-received_at")[:20]
        )
    return render(request, "web/petitioner_search.html", {"q": q, "matters": matters})


@require_GET
@login_required
def matter_page(request: HttpRequest, pk: int) -> HttpResponse:
    m = get_object_or_404(
        _visible(request).select_related(
            "registered_unit", "lead_unit", "topic", "area", "lead_leader", "parent", "accused_unit"
        ),
        pk=pk,
    )
    show_id = can_see_identity(request.user, m)
    people = []
    for p in m.petitioners.all():
        if show_id:
            people.append(
                {
                    "name": p.name,
                    "phone": mask_phone(p.phone) if p.phone else "",
                    "id": mask_id(p.id_number) if p.id_number else "",
                    "address": p.address,
                    "rep": p.is_representative,
                }
            )
        else:
            people.append(
                {
                    "name": HIDDEN,
                    "phone": HIDDEN,
                    "id": "",
                    "address": HIDDEN,
                    "rep": p.is_representative,
                }
            )
    events = list(
        Event.objects.filter(matter=m).select_related("actor", "actor_unit").order_by("seq")
    )
    clock = clock_for(m, events=events)
    # The usual next step first (its form is open); the rest follow the table's order.
    actions = sorted(
        allowed_actions(m, request.user),
        key=lambda a: PRIMARY.index(a) if a in PRIMARY else len(PRIMARY),
    )
    units = (
        unit_choices()
        if any(f.kind in ("units", "multiunits") for a in actions for f in ACTION_FIELDS.get(a, []))
        else []
    )
    forms = [
        {
            "action": a,
            "label": RULES[a].label,
            "article": RULES[a].article,
            "fields": ACTION_FIELDS.get(a, []),
            "reason": REASON_LABEL.get(a, "说明")
            if a in REASON_LABEL or RULES[a].reason_required
            else "",
            "reason_required": RULES[a].reason_required,
        }
        for a in actions
    ]
    assisting = MatterUnit.objects.filter(
        matter=m, active=True, role=MatterUnit.ASSIST
    ).select_related("unit")
    notices = list(m.notices.all()) if hasattr(m, "notices") else []
    return render(
        request,
        "web/matter.html",
        {
            "m": m,
            "people": people,
            "show_id": show_id,
            "clock": clock,
            "timeline": [(e, LABELS.get(e.action, e.action)) for e in events],
            "forms": forms,
            "units": units,
            "leaders": leader_choices() if "appoint_leader" in actions else [],
            "assisting": [a.unit for a in assisting],
            "followups": m.followups.all(),
            "attachments": m.attachments.all() if show_id or not m.confidential else [],
            "notices": notices,
            "today": timezone.localdate(),
        },
    )


@require_POST
@login_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    m = get_object_or_404(_visible(request), pk=pk)
    try:
        version = int(request.POST.get("expected_version", ""))
    except ValueError:
        version = None
    try:
        transition(
            m,
            action,
            actor=request.user,
            reason=request.POST.get("reason", ""),
            data=parse_action(action, request.POST),
            expected_version=version,
        )
    except UserError as e:
        messages.error(request, e.message)
    else:
        label = RULES[action].label if action in RULES else action
        messages.success(request, f"已{label}")
    return redirect("web:matter", pk=m.pk)


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int, aid: int) -> FileResponse:
    m = get_object_or_404(_visible(request), pk=pk)
    if m.confidential and not can_see_identity(request.user, m):
        raise Http404
    a = get_object_or_404(m.attachments, pk=aid)
    return FileResponse(
        a.file.open("rb"), as_attachment=True, filename=a.name, content_type=a.content_type
    )
