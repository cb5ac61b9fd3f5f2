"""The citizen portal: submit, track, read notices, rate, ask for review, book a reception.

No accounts: a receipt number and its secret open a matter (XFGZ Art. 21: petitioners may
query and evaluate the handling). Views parse, check access, call one service, render.
No state changes on GET.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from xinfang.actions.registration import add_material, check_file, organ_for_report
from xinfang.actions.workflow import LABELS, allowed_actions, transition
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Event, Kind, Matter, Status
from xinfang.core.errors import UserError
from xinfang.notices.models import Notice
from xinfang.org.models import Unit
from xinfang.reception.models import ReceptionDay
from xinfang.reception.services import book, keep_days, places_left, upcoming
from xinfang.web.notices import notice_response

from . import access, knowledge
from .device import with_device
from .forms import RatingForm, SubmissionForm, place_name
from .services import submit_online

RECEIPT_KEY = "portal_receipt"

# What each status means for the citizen, and what happens next.
PLAIN: dict[str, tuple[Any, Any]] = {
    Status.REGISTERED: (
        _("已收到，正在登记审查"),
        _("信访部门将在15日内转送、交办或告知您如何处理（第二十二条）。"),
    ),
    Status.DISPATCHED: (
        _("已转交承办单位"),
        _("承办单位收到后应当受理并书面告知您（第二十三条）。"),
    ),
    Status.OBJECTED: (_("正在确定承办单位"), _("有关机关正在确定由哪个单位办理。")),
    Status.HANDLING: (
        _("承办单位正在办理"),
        _("承办单位应在受理之日起60日内办结并出具处理意见书（第三十四条）。"),
    ),
    Status.OPINION_PENDING: (_("正在形成处理意见"), _("处理意见经审核后将书面答复您。")),
    Status.ANSWERED: (
        _("已出具书面答复"),
        _("请查看并下载答复文书。您可以评价办理结果；不服的，可在期限内申请复查。"),
    ),
    Status.CONCLUDED: (_("已办结"), ""),
    Status.REDIRECTED: (_("已告知您向有关机关提出"), _("请按告知书所列途径提出（第三十一条）。")),
    Status.NOT_ACCEPTED: (_("不再受理"), _("理由和原事项的办理情况见告知书（第三十六条）。")),
    Status.TRANSFERRED: (_("已紧急移交有关部门"), ""),
    Status.CLOSED_ON_SPOT: (_("已当场答复"), ""),
    Status.MERGED: (
        _("与其他信访人反映的同一事项合并办理"),
        _("办理进展和书面答复会单独告知您；您的受理编号不变，可以评价并在期限内申请复查。"),
    ),
    Status.LINKED: (
        _("与您此前提出的事项系同一事项，已并入原事项办理"),
        _("请凭原事项的受理编号查询办理进展；原事项的办理情况见告知书。"),
    ),
}


# What the petitioner may still do and until when (XFGZ Arts. 35, 36); other windows in
# the clock (e.g. a unit's objection period) are the organs' business.
CITIZEN_WINDOWS = ("review_window", "reexam_window")
FOLLOWUP_HANDLING: dict[str, Any] = {
    Kind.REVIEW: _("复查机关应在收到申请之日起30日内作出复查意见（第三十五条）。"),
    Kind.REEXAM: _("复核机关应在收到申请之日起30日内作出复核意见，听证时间不计入（第三十六条）。"),
}


def said(e: UserError) -> str:
    """A refusal in the reader's language, and only in it."""
    return e.said()


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "portal/home.html")


@require_GET
def privacy(request: HttpRequest) -> HttpResponse:
    """PIPL Arts. 17, 35: what is kept, why, for how long, who sees it, whom to ask."""
    years = settings.XINFANG.get("RETENTION_YEARS", {})
    return render(
        request,
        "portal/privacy.html",
        {
            "years_suggestion": years.get("suggestion", 3),
            "years_claim": years.get("claim", 10),
            "years_report": years.get("report", 10),
            "booking_days": keep_days(),
        },
    )


def _submit_page(
    request: HttpRequest, form: SubmissionForm, *, error: str = "", status: int = 200
) -> HttpResponse:
    return render(request, "portal/submit.html", {"form": form, "error": error}, status=status)


def _confirm_page(
    request: HttpRequest, form: SubmissionForm, *, status: int = 200, **extra: Any
) -> HttpResponse:
    data = form.cleaned_data
    return render(
        request,
        "portal/confirm.html",
        {
            "form": form,
            "d": data,
            "answers": knowledge.similar(data["title"], data["content"]),
            "area_label": place_name(data["area"]) if data.get("area") else "",
            "referred_to": _referred_to(data),
            **extra,
        },
        status=status,
    )


def _too_many(resp: HttpResponse, e: access.TooMany) -> HttpResponse:
    resp["Retry-After"] = str(e.retry_after)
    return resp


@require_http_methods(["GET", "POST"])
@with_device
def submit(request: HttpRequest) -> HttpResponse:
    """Step 1: the form. Step 2 (POST step=preview): the text back, for confirmation, with
    attachments. Step 3 (POST step=submit): register, all or nothing, then the receipt."""
    if request.method == "GET":
        return _submit_page(request, SubmissionForm())
    form = SubmissionForm(request.POST)
    step = request.POST.get("step")
    if not form.is_valid():
        return _submit_page(request, form, status=400)  # the template lists the errors
    if step == "edit":
        return _submit_page(request, form)
    # The limits: refused already at the confirmation step past a hard one; the question,
    # when needed, asked on the confirmation page and answered with the submission.
    who = access.caller(request, "submit", phone=form.cleaned_data["phone"])
    try:
        if step != "submit":
            access.refuse_if_blocked(who)
            return _confirm_page(request, form, challenge=access.challenge_for(request, who))
        access.admit(request, who)
        m, secret = submit_online(
            data=form.cleaned_data,
            files=request.FILES.getlist("attachments"),
            ip=who.ip,
            device=who.device,
        )
    except access.TooMany as e:
        return _too_many(_submit_page(request, form, error=said(e), status=429), e)
    except access.ChallengeNeeded as e:
        return _confirm_page(
            request,
            form,
            status=e.status,
            error=said(e),
            challenge=access.ask(request, "submit"),
            reattach=bool(request.FILES),
        )
    except UserError as e:
        return _submit_page(request, form, error=said(e), status=400)
    access.grant(request, m)
    request.session[RECEIPT_KEY] = {"pk": m.pk, "secret": secret}
    return redirect("portal:receipt")


def _referred_to(data: dict[str, Any]) -> Unit | None:
    """The organ that will register a report accusing the chosen organ itself, shown before
    the citizen confirms (XFGZ Art. 30); None when it stays with that organ."""
    if not data.get("accused"):
        return None
    try:
        organ = organ_for_report(data["organ"], data["accused"])
    except UserError:
        return None  # the submission will say why, with nothing written
    return organ if organ != data["organ"] else None


@never_cache
@require_GET
def receipt(request: HttpRequest) -> HttpResponse:
    """The printable receipt. The secret is taken out of the session as it is shown, so it
    appears exactly once (a reload shows the receipt number only)."""
    shown = request.session.pop(RECEIPT_KEY, None)
    if not shown:
        messages.info(request, _("查询码只显示一次。请凭受理编号和查询码查询。"))
        return redirect("portal:track")
    m = get_object_or_404(Matter.objects.select_related("registered_unit"), pk=shown["pk"])
    return render(request, "portal/receipt.html", {"m": m, "secret": shown["secret"]})


@require_http_methods(["GET", "POST"])
@with_device
def track(request: HttpRequest) -> HttpResponse:
    """Look up by receipt number and secret; both failures give the same answer. The
    question, when the limits ask for it, is part of the form."""
    if request.method == "GET":
        ask = access.challenge_for(request, access.caller(request, "lookup"))
        return render(request, "portal/track.html", {"challenge": ask})
    no = request.POST.get("receipt_no", "")[:80]
    try:
        m = access.verify(request, no, request.POST.get("secret", "")[:80])
    except access.TooMany as e:
        return _too_many(render(request, "portal/track.html", {"error": said(e)}, status=429), e)
    except access.ChallengeNeeded as e:
        ctx = {"error": said(e), "no": no, "challenge": access.ask(request, "lookup")}
        return render(request, "portal/track.html", ctx, status=e.status)
    except UserError as e:
        ask = access.challenge_for(request, access.caller(request, "lookup"))
        ctx = {"error": said(e), "no": no, "challenge": ask}
        return render(request, "portal/track.html", ctx, status=404)
    return redirect("portal:matter", receipt_no=m.receipt_no)


@require_POST
def leave(request: HttpRequest) -> HttpResponse:
    """Close the matters this browser opened (for a shared computer)."""
    access.forget(request)
    messages.success(request, _("已退出查询"))
    return redirect("portal:track")


def _opened(request: HttpRequest, receipt_no: str) -> Matter:
    """The matter if this session verified its chain; otherwise 404, never a hint."""
    m = get_object_or_404(
        Matter.objects.select_related("lead_unit", "registered_unit", "parent"),
        receipt_no=receipt_no,
    )
    if not access.allowed(request, m):
        raise Http404
    return m


@never_cache
@require_GET
def matter(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """Status in plain words, organ, current deadline, public timeline, notices, actions.

    Only events flagged ``public`` are read, and only their action and date are shown:
    no internal remarks, reasons, data or staff names reach this page.
    """
    m = _opened(request, receipt_no)
    events = (
        Event.objects.filter(matter=m, public=True)
        .order_by("seq")
        .values_list("action", "at", "data__main_action")
    )
    clock = clock_for(m)
    plain, next_step = PLAIN.get(m.status, (m.get_status_display(), ""))
    if m.status == Status.HANDLING and m.kind in FOLLOWUP_HANDLING:
        next_step = FOLLOWUP_HANDLING[m.kind]
    return render(
        request,
        "portal/matter.html",
        {
            "m": m,
            "plain": plain,
            "next_step": next_step,
            "organ": m.lead_unit or m.registered_unit,
            "current": clock.current(),
            # 并案: the handling deadline this matter follows (the main matter's).
            "following": next((d for d in clock.deadlines if d.follows and d.is_open), None),
            "paused": [d for d in clock.deadlines if d.obligation and d.state == "paused"],
            "windows": [d for d in clock.deadlines if d.kind in CITIZEN_WINDOWS],
            "timeline": [(_label(a, main), at) for a, at, main in events],
            "chain": Matter.objects.filter(pk__in=access.chain_ids(m))
            .exclude(pk=m.pk)
            .order_by("registered_at"),
            "notices": m.notices.all(),
            "can": set(allowed_actions(m, None, by_citizen=True)),
            "rating_form": RatingForm(),
        },
    )


def _label(action: str, main_action: str | None) -> str:
    """A public event's label; a relayed one names what was done on the merged handling."""
    label = LABELS.get(action, action)
    if action == "relay" and main_action:
        return f"{_(label)}：{_(LABELS.get(main_action, main_action))}"
    return label


def _act(
    request: HttpRequest, receipt_no: str, action: str, data: dict[str, Any], done: Any
) -> HttpResponse:
    m = _opened(request, receipt_no)
    try:
        transition(m, action, actor=None, by_citizen=True, data=data)
    except UserError as e:
        messages.error(request, said(e))
        return redirect("portal:matter", receipt_no=receipt_no)
    messages.success(request, done)
    if action in ("request_review", "request_reexam"):
        access.grant(request, m)  # the new linked matter opens with the same secret
        child = m.followups.order_by("-pk").first()
        if child is not None:
            return redirect("portal:matter", receipt_no=child.receipt_no)
    return redirect("portal:matter", receipt_no=receipt_no)


@require_POST
def rate(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """XFGZ Art. 21: rate the handling once an opinion is issued."""
    form = RatingForm(request.POST)
    if not form.is_valid():
        _opened(request, receipt_no)
        messages.error(request, _("请选择评价（满意、基本满意或不满意）"))
        return redirect("portal:matter", receipt_no=receipt_no)
    return _act(request, receipt_no, "rate", form.cleaned_data, _("感谢您的评价"))


def _followup(request: HttpRequest, receipt_no: str, action: str, done: Any) -> HttpResponse:
    """A 复查/复核 request with its grounds and material: the files are checked before
    anything is written, and filed on the new matter once it exists."""
    files = request.FILES.getlist("files")
    try:
        for f in files:
            check_file(f)
    except UserError as e:
        _opened(request, receipt_no)
        messages.error(request, said(e))
        return redirect("portal:matter", receipt_no=receipt_no)
    grounds = request.POST.get("grounds", "")[:20000]
    earlier = set(_opened(request, receipt_no).followups.values_list("pk", flat=True))
    resp = _act(request, receipt_no, action, {"grounds": grounds}, done)
    child = _opened(request, receipt_no).followups.exclude(pk__in=earlier).first()
    if files and child is not None:
        note = str(_("随申请提交的材料"))
        add_material(child, by=None, by_citizen=True, note=note, files=files)
    return resp


@require_POST
def review(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """XFGZ Art. 35: request 复查 within 30 days of the written reply, saying why."""
    return _followup(request, receipt_no, "request_review", _("已提交复查申请"))


@require_POST
def reexam(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """XFGZ Art. 36: request 复核 within 30 days of the review reply, saying why."""
    return _followup(request, receipt_no, "request_reexam", _("已提交复核申请"))


@require_POST
def material(request: HttpRequest, receipt_no: str) -> HttpResponse:
    """Supplementary material while the matter is open (files sniffed by the core)."""
    m = _opened(request, receipt_no)
    try:
        add_material(
            m,
            by=None,
            by_citizen=True,
            note=request.POST.get("note", "")[:2000],
            files=request.FILES.getlist("files"),
        )
    except UserError as e:
        messages.error(request, said(e))
    else:
        messages.success(request, _("已收到补充材料"))
    return redirect("portal:matter", receipt_no=receipt_no)


@require_GET
def notice(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """A written notice as PDF or DOCX, only for a session that verified its matter."""
    n = get_object_or_404(Notice.objects.select_related("matter"), pk=pk)
    if not access.allowed(request, n.matter):
        raise Http404
    resp = notice_response(n, fmt)
    resp["Cache-Control"] = "private, no-store"
    return resp


def _reception_page(request: HttpRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    days = [(d, places_left(d)) for d in upcoming()]
    ask = None if error else access.challenge_for(request, access.caller(request, "book"))
    ctx = {"days": days, "error": error, "challenge": ask}
    return render(request, "portal/reception.html", ctx, status=status)


@require_GET
@with_device
def reception(request: HttpRequest) -> HttpResponse:
    """The public calendar of leaders' reception days (XFGZ Art. 18)."""
    return _reception_page(request)


@require_POST
@with_device
def reception_book(request: HttpRequest, pk: int) -> HttpResponse:
    """Book a place; past the limits, a page that asks the question keeps what was typed."""
    day = get_object_or_404(ReceptionDay, pk=pk, published=True)
    typed = {
        "name": request.POST.get("name", "")[:50],
        "phone": request.POST.get("phone", "")[:40],
        "description": request.POST.get("description", ""),
    }
    who = access.caller(request, "book", phone=typed["phone"])
    try:
        access.admit(request, who)
        b = book(
            reception=day,
            name=typed["name"],
            phone=typed["phone"],
            description=typed["description"],
        )
    except access.TooMany as e:
        return _too_many(_reception_page(request, error=said(e), status=429), e)
    except access.ChallengeNeeded as e:
        ctx = {"day": day, "f": typed, "error": said(e), "challenge": access.ask(request, "book")}
        return render(request, "portal/book_challenge.html", ctx, status=e.status)
    except UserError as e:
        messages.error(request, said(e))
        return redirect("portal:reception")
    access.counted(who)
    return render(request, "portal/booked.html", {"b": b, "day": day})
