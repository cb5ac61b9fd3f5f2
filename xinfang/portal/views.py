"""The citizen portal: submit, track, read notices, rate, ask for review, book a reception.

No accounts: a receipt number and its secret open a matter. No state changes on GET.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.cases.clock import clock_for
from xinfang.cases.models import Category, Channel, Event, Matter, Rating, Status, Topic
from xinfang.cases.services import add_material, register_matter
from xinfang.cases.workflow import LABELS, allowed_actions, transition
from xinfang.core.errors import UserError
from xinfang.org.models import Level, Unit, UnitKind
from xinfang.reception.models import ReceptionDay
from xinfang.reception.services import book, places_left

from . import access
from .notify import after_commit

PLAIN = {
    Status.REGISTERED: "已收到，正在登记审查",
    Status.DISPATCHED: "已转交承办单位，等待受理",
    Status.OBJECTED: "正在确定承办单位",
    Status.HANDLING: "承办单位正在办理",
    Status.OPINION_PENDING: "正在形成处理意见",
    Status.ANSWERED: "已出具书面答复",
    Status.CONCLUDED: "已办结",
    Status.REDIRECTED: "已告知您向有关机关提出（见告知书）",
    Status.NOT_ACCEPTED: "不再受理（见告知书）",
    Status.TRANSFERRED: "已紧急移交有关部门",
    Status.CLOSED_ON_SPOT: "已当场答复",
}
CATEGORY_HELP = {
    Category.SUGGESTION: "对政府工作提出建议、意见",
    Category.REPORT: "检举、控告公职人员或单位的违法违纪行为（您的身份将严格保密）",
    Category.CLAIM: "对具体问题提出申诉或要求解决",
}
REQUIRED = (
    "请选择受理机关并填写事项摘要、诉求、姓名和联系电话（Please fill in the required fields）"
)
FIELDS = (
    "organ",
    "category",
    "topic",
    "area",
    "title",
    "content",
    "facts",
    "name",
    "phone",
    "address",
    "is_collective",
    "headcount",
    "rep1",
    "rep2",
    "rep3",
    "rep4",
    "rep5",
)


def _ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


def _organs() -> Any:
    return Unit.objects.filter(
        is_active=True, kind__in=[UnitKind.XINFANG_OFFICE, UnitKind.GOVERNMENT, UnitKind.DEPARTMENT]
    ).order_by("path")


def _form_ctx(data: Any) -> dict[str, Any]:
    return {
        "f": data,
        "organs": _organs(),
        "categories": [(c.value, c.label, CATEGORY_HELP[c]) for c in Category],
        "topics": Topic.objects.filter(is_active=True),
        "areas": Unit.objects.filter(
            is_active=True, kind=UnitKind.GOVERNMENT, level__in=[Level.COUNTY, Level.TOWNSHIP]
        ),
    }


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/privacy.html")


@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest) -> HttpResponse:
    """Step 1: the form. Step 2 (POST step=preview): the text back, for confirmation.
    Step 3 (POST step=submit): register — all or nothing."""
    if request.method == "GET":
        return render(request, "portal/submit.html", _form_ctx({}))
    p = request.POST
    data = {k: p.get(k, "") for k in FIELDS}
    ctx = _form_ctx(data)
    organ = _organs().filter(pk=p.get("organ") or 0).first()
    if (
        organ is None
        or not data["title"].strip()
        or not data["content"].strip()
        or not (data["name"].strip() and data["phone"].strip())
    ):
        ctx["error"] = REQUIRED
        return render(request, "portal/submit.html", ctx, status=400)
    if p.get("step") == "edit":
        return render(request, "portal/submit.html", ctx)
    if p.get("step") != "submit":
        ctx["organ"] = organ
        ctx["topic"] = Topic.objects.filter(pk=data["topic"] or 0).first()
        ctx["category_label"] = dict(Category.choices).get(data["category"], "")
        ctx["reps"] = [data[f"rep{i}"] for i in range(1, 6) if data[f"rep{i}"].strip()]
        return render(request, "portal/confirm.html", ctx)
    try:
        access.throttle("submit_ip", _ip(request))
        access.throttle("submit_phone", data["phone"].strip())
        collective = bool(data["is_collective"])
        people = [
            {
                "name": data["name"],
                "phone": data["phone"],
                "address": data["address"],
                "is_representative": collective,
            }
        ]
        people += [
            {"name": data[f"rep{i}"], "is_representative": True}
            for i in range(1, 6)
            if collective and data[f"rep{i}"].strip()
        ]
        headcount = int(data["headcount"]) if data["headcount"].isdigit() else 1
        m, secret = register_matter(
            by=None,
            by_citizen=True,
            unit=organ,
            channel=Channel.ONLINE,
            category=data["category"],
            title=data["title"],
            content=data["content"],
            facts=data["facts"],
            received_at=timezone.now(),
            petitioners=people,
            topic=Topic.objects.filter(pk=data["topic"] or 0).first(),
            area=Unit.objects.filter(pk=data["area"] or 0).first(),
            is_collective=collective,
            headcount=headcount,
            attachments=request.FILES.getlist("attachments"),
        )
    except access.TooMany as e:
        ctx["error"] = e.message
        return render(request, "portal/submit.html", ctx, status=429)
    except UserError as e:
        ctx["error"] = e.message
        return render(request, "portal/submit.html", ctx, status=400)
    access.grant(request, m)
    after_commit(data["phone"], f"您的信访事项已收到，受理编号{m.receipt_no}，请妥善保管查询码。")
    return render(request, "portal/receipt.html", {"m": m, "secret": secret, "organ": organ})


@require_http_methods(["GET", "POST"])
def track(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return render(request, "portal/track.html", {})
    try:
        m = access.verify(
            request, request.POST.get("receipt_no", ""), request.POST.get("secret", "")
        )
    except access.TooMany as e:
        return render(request, "portal/track.html", {"error": e.message}, status=429)
    except UserError as e:
        return render(request, "portal/track.html", {"error": e.message}, status=404)
    return redirect("portal:matter", receipt_no=m.receipt_no)


def _opened(request: HttpRequest, receipt_no: str) -> Matter:
    m = get_object_or_404(
        Matter.objects.select_related("lead_unit", "registered_unit"), receipt_no=receipt_no
    )
    if not access.allowed(request, m):
        raise Http404
    return m


@require_GET
def matter(request: HttpRequest, receipt_no: str) -> HttpResponse:
    m = _opened(request, receipt_no)
    events = list(
        Event.objects.filter(matter=m, public=True)
        .order_by("seq")
        .only("action", "at", "seq", "data")
    )
    clock = clock_for(m)
    mine = set(allowed_actions(m, None, by_citizen=True))
    windows = [d for d in clock.deadlines if not d.obligation and d.kind.endswith("_window")]
    return render(
        request,
        "portal/matter.html",
        {
            "m": m,
            "plain": PLAIN.get(Status(m.status), m.get_status_display()),
            "organ": m.lead_unit or m.registered_unit,
            "deadlines": [d for d in clock.deadlines if d.obligation],
            "windows": windows,
            "current": clock.current(),
            "timeline": [(e, LABELS.get(e.action, e.action)) for e in events],
            "followups": Matter.objects.filter(parent=m),
            "parent": m.parent,
            "notices": m.notices.all(),
            "can": mine,
            "ratings": Rating.choices,
        },
    )


def _act(
    request: HttpRequest, receipt_no: str, action: str, data: dict[str, Any], done: str
) -> HttpResponse:
    m = _opened(request, receipt_no)
    try:
        transition(m, action, actor=None, by_citizen=True, data=data)
    except UserError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, done)
        if action in ("request_review", "request_reexam"):
            access.grant(request, m)  # the new linked matter opens with the same secret
    return redirect("portal:matter", receipt_no=receipt_no)


@require_POST
def rate(request: HttpRequest, receipt_no: str) -> HttpResponse:
    return _act(
        request,
        receipt_no,
        "rate",
        {"rating": request.POST.get("rating", ""), "comment": request.POST.get("comment", "")},
        "感谢您的评价",
    )


@require_POST
def review(request: HttpRequest, receipt_no: str) -> HttpResponse:
    return _act(request, receipt_no, "request_review", {}, "已提交复查申请")


@require_POST
def reexam(request: HttpRequest, receipt_no: str) -> HttpResponse:
    return _act(request, receipt_no, "request_reexam", {}, "已提交复核申请")


@require_POST
def material(request: HttpRequest, receipt_no: str) -> HttpResponse:
    m = _opened(request, receipt_no)
    try:
        add_material(
            m,
            by=None,
            by_citizen=True,
            note=request.POST.get("note", ""),
            files=request.FILES.getlist("files"),
        )
    except UserError as e:
        messages.error(request, e.message)
    else:
        messages.success(request, "已收到补充材料")
    return redirect("portal:matter", receipt_no=receipt_no)


@require_GET
def notice(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from xinfang.notices.models import Notice
    from xinfang.notices.views import notice_response

    n = get_object_or_404(Notice.objects.select_related("matter"), pk=pk)
    if not access.allowed(request, n.matter):
        raise Http404
    return notice_response(n, fmt)


@require_GET
def reception(request: HttpRequest) -> HttpResponse:
    days = ReceptionDay.objects.filter(
        published=True, date__gte=timezone.localdate()
    ).select_related("unit")
    return render(request, "portal/reception.html", {"days": [(d, places_left(d)) for d in days]})


@require_POST
def reception_book(request: HttpRequest, pk: int) -> HttpResponse:
    day = get_object_or_404(ReceptionDay, pk=pk, published=True)
    try:
        access.throttle("submit_ip", _ip(request))
        b = book(
            reception=day,
            name=request.POST.get("name", ""),
            phone=request.POST.get("phone", ""),
            description=request.POST.get("description", ""),
        )
    except UserError as e:
        messages.error(request, e.message)
        return redirect("portal:reception")
    return render(request, "portal/booked.html", {"b": b, "day": day})
