"""Staff pages. Each view parses, authorises (``access.visible`` / the transition table), calls
one service and renders. Nothing changes state on GET.

Authorisation: every matter is looked up through ``access.visible(user)``, so a
matter the user may not see is a 404 whatever the URL; what the user may *do* is decided by
``workflow.transition`` (the page only offers ``workflow.allowed_actions``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Page, Paginator
from django.db.models import Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_GET, require_POST

from xinfang.actions.effects import OPINION_FIELDS
from xinfang.actions.registration import preview_deadlines, register_matter
from xinfang.actions.workflow import RULES, allowed_actions, transition
from xinfang.audit.services import log_access, lookup_detail
from xinfang.cases import access, todo
from xinfang.cases.clock import clock_for
from xinfang.cases.models import (
    Category,
    Channel,
    Decision,
    Event,
    HotlineType,
    Matter,
    MatterQuerySet,
    MatterUnit,
    Petitioner,
    Status,
    Topic,
    matter_in,
)
from xinfang.core.crypto import blind_index, decrypt, encrypt, id_index, normalise_phone
from xinfang.core.errors import UserError
from xinfang.core.masks import HIDDEN, mask_id, mask_phone
from xinfang.notices.models import Notification
from xinfang.org.models import Role, Unit, UnitKind, User
from xinfang.routing.services import suggest_for

from . import dossier, opinion_preview, present, reception, supervision
from .finality import ARTICLE, FinalMatter, default_reason, final_matters
from .forms import (
    ACTION_FIELDS,
    REASON_LABEL,
    Field,
    area_key,
    leader_choices,
    parse_action,
    petitioner_keys,
    petitioner_rows,
    registration_kwargs,
    unit_choices,
)

PAGE = 50
# The usual next steps, shown first with their form open; the rest follow the table order.
# A 督办 waiting for its written reply comes first: its reply date is the unit's nearest
# duty (XFGZ Art. 40), and it is offered only while one is open. A requested extension
# comes before drafting: it is offered only to the leader who must decide it (Art. 34).
PRIMARY = [
    "answer_supervision",
    "accept",
    "forward",
    "accept_direct",
    "approve_extension",
    "submit_opinion",
    "approve_opinion",
    "agree_objection",
    "request_review",
    "request_reexam",
    "conclude",
    "contact",
]


def _visible(request: HttpRequest) -> MatterQuerySet:
    return access.visible(request.user)


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


# --- queue ----------------------------------------------------------------------------


@require_GET
@login_required
def queue(request: HttpRequest) -> HttpResponse:
    """我的待办: what waits for this user's action, grouped by the action with counts
    (``cases.todo``), nearest deadline first (nulls last), 50 a page; or (``view=open``)
    every open matter the user may see, with 本单位在办 and 已超期 as filters."""
    today = timezone.localdate()
    g = request.GET
    groups, waiting = todo.counts(request.user)
    key = g.get("todo") if g.get("todo") in todo.BY_KEY else None
    listing = "open" if g.get("view") == "open" or not groups else "todo"
    if listing == "todo":
        qs = todo.waiting(request.user, key)
    else:
        # access.visible(user).open() (and .overdue(today)), answered from indexes
        qs = access.open_visible(request.user, overdue_on=today if g.get("overdue") else None)
        if g.get("mine"):
            qs = access.own_units_only(qs, request.user)
    if g.get("status") in Status.values:
        qs = qs.filter(status=g["status"])
    if g.get("category") in Category.values:
        qs = qs.filter(category=g["category"])
    within = (g.get("within") or "").strip()
    if within.isdigit():
        qs = qs.due_within(int(within), today)
    q = (g.get("q") or "").strip()
    if q:
        qs = qs.filter(Q(receipt_no__icontains=q) | Q(title__icontains=q))
    page, matters, more = _deadline_page(qs, g.get("page"))
    keep = g.copy()
    keep.pop("page", None)
    return render(
        request,
        "web/queue.html",
        {
            "page": page,
            "more": more,
            "rows": present.queue_rows(matters, today),
            "statuses": Status.choices,
            "categories": Category.choices,
            "f": g,
            "keep": keep.urlencode(),
            "filtered": any(g.get(k) for k in ("q", "status", "category", "within")),
            "listing": listing,
            "groups": groups,
            "group": todo.BY_KEY.get(key or ""),
            "waiting": waiting,
            "desk": supervision.desk_waiting(request.user),
        },
    )


QUEUE_IDS = 100_000  # ids read at most for one list page, bounding its memory; beyond, "N+"


def _deadline_page(qs: MatterQuerySet, number: Any) -> tuple[Page[Any], list[Matter], bool]:
    """One page of ``qs`` by nearest deadline, its matters, and whether the list is longer
    than ``QUEUE_IDS``. The ordered ids are read in one query that gives both the count
    and the page: no index yields this order across the open statuses, so a paginator's
    count and its page each read and sorted every row, where this reads and sorts them
    once. The page's rows are then read by key."""
    ids = list(qs.by_deadline().values_list("pk", flat=True)[: QUEUE_IDS + 1])
    more = len(ids) > QUEUE_IDS
    page = Paginator(ids[:QUEUE_IDS], PAGE).get_page(number)
    by_id = (
        Matter.objects.select_related("lead_unit", "registered_unit", "topic")
        .only(*present.QUEUE_FIELDS)
        .in_bulk(list(page.object_list))
    )
    return page, [by_id[i] for i in page.object_list if i in by_id], more


# --- registration ---------------------------------------------------------------------


def _registrar_units(user: User) -> list[Unit]:
    return [ms.unit for ms in user.memberships.select_related("unit") if ms.role == Role.REGISTRAR]


@login_required
def register(request: HttpRequest) -> HttpResponse:
    """登记: the form (GET) and ``register_matter`` (POST). Only registrars may register;
    the registering organ is a unit where the user is registrar."""
    user = _user(request)
    units = _registrar_units(user)
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
        "rows": petitioner_rows(request.POST),
        # one text field, one tab stop (a datetime-local control has one per part)
        "now": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
        "finals": [],
    }
    ctx["preview"] = _preview(request.POST or {"unit": str(units[0].pk)}, units)
    booking = reception.booking_for(request)  # 登记为信访事项 from a reception booking
    if request.method != "POST":
        ctx.update(reception.registration_prefill(request, booking))
        return render(request, "web/register.html", ctx)
    then = request.POST.get("then", "")
    try:
        m, secret = register_matter(
            by=user, **registration_kwargs(request.POST, request.FILES, units)
        )
    except UserError as e:
        messages.error(request, present.user_message(e))
        ctx["error_field"] = e.field
        finals = _finals(user, request.POST)
        _log_finals(request, user, finals)
        ctx["finals"] = _final_rows(request, finals)
        return render(request, "web/register.html", ctx, status=400)
    reception.link_registered(request, booking, m)
    # The secret is stored only as a hash: this message and the counter receipt printed now
    # are the only times it is shown. For the receipt the session keeps it RECEIPT_MINUTES,
    # encrypted under the field key like a phone number (sessions live in the database).
    request.session[RECEIPT_KEY] = {"pk": m.pk, "secret": encrypt(secret), "at": time.time()}
    messages.success(
        request,
        _("已登记，受理编号 %(no)s。查询码 %(secret)s 只显示这一次，请告知信访人。")
        % {"no": m.receipt_no, "secret": secret},
        extra_tags="secret",
    )
    if not m.anonymous and not any(p.address or p.phone for p in m.petitioners.all()):
        # XFGZ Art. 23: no notice is owed where the address is unclear; say so now, while
        # the petitioner may still be asked for one (a correction adds it until acceptance)
        messages.warning(
            request,
            _(
                "未登记信访人的地址或电话，告知书将无法送达。如能联系到信访人，"
                "请在本事项页“更正登记信息”中补充。"
            ),
        )
    found = THEN.match(then)
    if found is not None and found[1] == "art36":
        return _not_accept_art36(request, user, m, found[2])
    finals = _finals(user, request.POST, exclude_id=m.pk)
    _log_finals(request, user, finals)
    for f in finals:
        # Registered as asked (the registrar decides); the warning follows to its page.
        messages.warning(
            request,
            _(
                "信访人的事项 %(no)s 已由%(organ)s于%(on)s复核终结（%(decision)s）。以同一事实和"
                "理由再次提出的，不再受理（信访工作条例第三十六条第三款）：如属此情形，请在本页"
                "“不再受理”中选择第三十六条第三款、填写原事项受理编号 %(no)s，出具告知书。"
            )
            % _final_words(f),
        )
    return redirect(_then(m, then))


THEN = re.compile(r"^(merge|link_repeat|route|art36):([0-9A-Za-z-]{1,40})$")
# Why full numbers are shown (PIPL Art. 6): asked before every reveal and kept in the log.
REVEAL_PURPOSES = {
    "contact": gettext_lazy("联系信访人"),
    "serve": gettext_lazy("送达告知书、意见书"),
    "verify": gettext_lazy("核实信访人身份"),
    "same_person": gettext_lazy("核对是否同一信访人"),
}


@require_GET
@login_required
def charges(request: HttpRequest) -> HttpResponse:
    """我的包案: the matters this leader took charge of (XFGZ Art. 18), with the plan's
    deadline, the progress recorded, and whether the charge is signed off (销号)."""
    user = _user(request)
    mine = list(
        access.visible(user)
        .filter(lead_leader=user)
        .select_related("lead_unit", "registered_unit")
        .order_by("-registered_at")[:500]
    )
    events = Event.objects.filter(
        matter__in=[m.pk for m in mine],
        action__in=("appoint_leader", "report_progress", "sign_off"),
    ).order_by("seq")
    by_matter: dict[int, dict[str, Any]] = {
        m.pk: {"m": m, "due": "", "progress": [], "signed": ""} for m in mine
    }
    for e in events:
        row = by_matter[e.matter_id]
        if e.action == "appoint_leader":
            row["due"] = present.ymd(date.fromisoformat(str(e.data.get("due_on", ""))[:10]))
            row["plan"] = e.data.get("plan", "")
            row["progress"] = []
        elif e.action == "report_progress":
            row["progress"].append((present.ymd_hm(e.at), e.data.get("progress", "")))
        else:
            row["signed"] = present.ymd(timezone.localdate(e.at))
    rows = list(by_matter.values())
    return render(
        request,
        "web/charges.html",
        {
            "rows": rows,
            "open": sum(1 for r in rows if not r["signed"]),
        },
    )


RECEIPT_KEY = "counter_receipt"
RECEIPT_MINUTES = 30


def _receipt_secret(request: HttpRequest, pk: int) -> str | None:
    """The lookup secret of the matter just registered in this session, while its counter
    receipt may still be printed; None otherwise (it is never stored in clear)."""
    kept = request.session.get(RECEIPT_KEY) or {}
    if kept.get("pk") != pk or time.time() - float(kept.get("at", 0)) > RECEIPT_MINUTES * 60:
        return None
    return decrypt(str(kept.get("secret") or "")) or None


@require_GET
@login_required
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """登记回执: a printable receipt handed over the counter after registration — the receipt
    number, the date, the organ, what was registered, the lookup secret (while this session
    keeps it) and what happens next (XFGZ Art. 23: within 15 days the petitioner is told
    whether it is accepted)."""
    m = get_object_or_404(_visible(request).select_related("registered_unit"), pk=pk)
    secret = _receipt_secret(request, pk)
    log_access(user=request.user, what="receipt", matter=m, request=request)
    person = m.petitioners.order_by("order").first()
    return render(
        request,
        "web/receipt.html",
        {
            "m": m,
            "secret": secret,
            "person": person.name if person is not None and not m.anonymous else "",
            "registered": present.ymd_hm(m.registered_at),
            "received": present.ymd_hm(m.received_at),
            # a letters-and-visits office routes (XFGZ Art. 22); any other organ decides
            # on acceptance itself (Art. 23)
            "office": m.registered_unit.kind in (UnitKind.XINFANG_OFFICE, UnitKind.HOTLINE),
            "track": request.build_absolute_uri(reverse("portal:track")),
        },
    )


def _finals(user: User, post: Any, exclude_id: int | None = None) -> list[FinalMatter]:
    """The petitioner's earlier chains with a final 复核 decision (XFGZ Art. 36 para 3)
    among matters ``user`` may see, from the registration form's fields."""
    return final_matters(
        user=user, petitioners=petitioner_keys(post), area=area_key(post), exclude_id=exclude_id
    )


def _final_words(f: FinalMatter) -> dict[str, str]:
    return {
        "no": f.matter.receipt_no,
        "organ": f.organ,
        "on": present.ymd(f.decided_on),
        "decision": f.decision_label or _("已作出复核意见"),
    }


def _final_rows(request: HttpRequest, finals: list[FinalMatter]) -> list[dict[str, Any]]:
    """The warnings beside the registration form, each with the explanation the notice
    will carry (as the registrar last edited it, else the proposed wording)."""
    rows = []
    for f in finals:
        field = f"art36_reason_{f.existing}"
        posted = request.POST.get(field) if request.method == "POST" else None
        rows.append(
            {
                "f": f,
                "field": field,
                "text": posted if posted is not None else default_reason(f),
                "article": present.cite(ARTICLE),
                **_final_words(f),
            }
        )
    return rows


def _not_accept_art36(request: HttpRequest, user: User, m: Matter, existing: str) -> HttpResponse:
    """登记并出具不予受理告知书: the matter just registered is not accepted under XFGZ
    Art. 36 para 3, naming the earlier matter, and the notice is issued (``transition``).
    The registration stands whatever happens here; a refusal is shown on the new page."""
    reason = (request.POST.get(f"art36_reason_{existing}") or "").strip()
    try:
        transition(
            m,
            "not_accept",
            actor=user,
            reason=reason,
            data={"ground": "art36", "existing": existing},
        )
    except UserError as e:
        messages.error(
            request,
            _("事项已登记，但未能不予受理：%(why)s") % {"why": present.user_message(e)},
        )
        return redirect(reverse("web:matter", args=(m.pk,)) + "#act-not_accept")
    messages.success(
        request,
        _("已不予受理，并出具不予受理告知书（信访工作条例第三十六条第三款）。"),
    )
    return redirect("web:matter", pk=m.pk)


@require_POST
@login_required
def deadline_preview(request: HttpRequest) -> HttpResponse:
    """The deadlines the registration form's details would start, as an HTML fragment
    refreshed while the form is filled in (a wrong received time shows as a wrong date
    before saving). The petitioners are not sent, only whether any can be written to."""
    user = _user(request)
    units = _registrar_units(user)
    if not units:
        raise Http404
    return render(request, "web/_deadline_preview.html", _preview(request.POST, units))


def _has_contact(post: Any) -> bool:
    """Whether a notice could be served (XFGZ Art. 23): the script's ``contact`` flag, else
    the posted petitioner rows; a form not yet filled in is previewed as if it will be."""
    if "contact" in post:
        return bool(post.get("contact") == "1")
    rows = petitioner_rows(post)
    return not any(r["name"] for r in rows) or any(r["phone"] or r["address"] for r in rows)


def _preview(post: Any, units: list[Unit]) -> dict[str, Any]:
    """The preview's context: the deadlines, or the message of what makes them unknowable."""
    try:
        kw = registration_kwargs(post, None, units)
        deadlines = preview_deadlines(
            unit=kw["unit"],
            received_at=kw["received_at"],
            category=kw["category"],
            anonymous=kw["anonymous"] or not _has_contact(post),
            accused_unit=kw["accused_unit"],
            backdate_reason=kw["backdate_reason"],
        )
    except UserError as e:
        return {"problem": present.user_message(e)}
    rows = [
        {
            "label": present.deadline_label(d.kind),
            "article": d.article,
            "due": d.due,
            "badge": present.deadline_badge(d),
        }
        for d in deadlines
    ]
    return {"rows": rows}


@require_POST
@login_required
def final_panel(request: HttpRequest) -> HttpResponse:
    """The registration form's 复核终结 warning as an HTML fragment, refreshed when a
    petitioner or the area changes. Registrars only; matters the user may see only."""
    user = _user(request)
    if not _registrar_units(user):
        raise Http404
    finals = _finals(user, request.POST)
    _log_finals(request, user, finals)
    return render(request, "web/_final.html", {"finals": _final_rows(request, finals)})


def _log_finals(request: HttpRequest, user: User, finals: list[FinalMatter]) -> None:
    """Matters found by a petitioner's identity are a read of personal data (PIPL Art. 51)."""
    if finals:
        log_access(
            user=user,
            what="final_matters",
            detail=" ".join(f.matter.receipt_no for f in finals),
            request=request,
        )


def _then(m: Matter, then: str) -> str:
    """After registering from a similar-matter row: the new matter's page with that row's
    action (并单 / 关联为重复件) opened and filled in, for the registrar to confirm."""
    url = reverse("web:matter", args=(m.pk,))
    found = THEN.match(then or "")
    if found is None:
        return url
    anchor = "forward" if found[1] == "route" else found[1]
    return f"{url}?{urlencode({found[1]: found[2]})}#act-{anchor}"


@require_GET
@login_required
@xframe_options_sameorigin  # shown in a frame beside the registration form
def petitioner_search(request: HttpRequest) -> HttpResponse:
    """Earlier matters of a petitioner (exact phone, ID number or name), among visible
    matters only."""
    q = (request.GET.get("q") or "").strip()
    matters: list[Matter] = []
    if len(q) >= 2:
        pet = Petitioner.objects.filter(
            # a reporter's phone must not reveal that they reported (XFGZ Art. 30)
            _petitioner_q(q),
            matter_in(access.restrict(_visible(request), request.user, "identity")),
        ).values("matter_id")
        matters = list(
            Matter.objects.filter(pk__in=pet)
            .select_related("lead_unit")
            .order_by("-received_at")[:20]
        )
        # a lookup of a person is a read of personal data, found or not (PIPL Art. 51)
        log_access(
            user=request.user,
            what="petitioner_search",
            detail=lookup_detail(q, [m.receipt_no for m in matters]),
            request=request,
        )
    rows = [{"m": m, "received": present.ymd(m.received_at)} for m in matters]
    return render(request, "web/earlier.html", {"q": q, "rows": rows})


def _petitioner_q(q: str) -> Q:
    """Phone (spaces and dashes ignored), ID number or exact name."""
    digits = q.replace(" ", "").replace("-", "")
    cond = Q(phone_index=blind_index(normalise_phone(digits))) | Q(name=q)
    key = id_index(q)
    return cond | Q(id_index=key) if key else cond


# --- matter page ----------------------------------------------------------------------


def _people(m: Matter, show_id: bool) -> list[dict[str, Any]]:
    out = []
    for p in m.petitioners.all():
        if show_id:
            out.append(
                {
                    "name": p.name,
                    "phone": mask_phone(p.phone) if p.phone else "",
                    "id": mask_id(p.id_number) if p.id_number else "",
                    "address": p.address,
                    "rep": p.is_representative,
                }
            )
        else:
            hidden = _(HIDDEN)
            out.append({"name": hidden, "phone": hidden, "id": "", "address": hidden, "rep": False})
    return out


def _notice_links(m: Matter) -> list[dict[str, Any]]:
    """Notices with their download links; empty while the notices app is absent."""
    if not hasattr(m, "notices"):
        return []
    out = []
    for n in m.notices.order_by("issued_at"):
        try:
            links = {fmt: reverse("notices:download", args=(n.pk, fmt)) for fmt in ("pdf", "docx")}
        except NoReverseMatch:
            return []
        out.append({"n": n, "issued": present.ymd(n.issued_at), **links})
    return out


def _action_forms(
    m: Matter,
    user: User,
    prefill: dict[str, str] | None = None,
    events: Sequence[Event] = (),
) -> list[dict[str, Any]]:
    prefill = prefill or {}
    asked = _extension_asked(events)
    actions = sorted(
        allowed_actions(m, user),
        key=lambda a: (a not in prefill, PRIMARY.index(a) if a in PRIMARY else len(PRIMARY)),
    )
    return [
        {
            "action": a,
            "label": RULES[a].label,
            "article": present.cite(RULES[a].article),
            "fields": _filled(m, a),
            "reason": REASON_LABEL.get(a, _("说明"))
            if a in REASON_LABEL or RULES[a].reason_required
            else "",
            "reason_required": RULES[a].reason_required,
            "primary": a in PRIMARY or a in prefill,
            "prefill": prefill.get(a, ""),
            # what the leader decides on, beside the decision
            "asked": asked if a in ("approve_extension", "reject_extension") else None,
        }
        for a in actions
    ]


def _extension_asked(events: Sequence[Event]) -> dict[str, Any] | None:
    """The pending extension request (days, reason, who, when), newest first."""
    for e in reversed(events):
        if e.action == "request_extension":
            return {"days": e.data.get("days"), "reason": e.reason, "by": e.actor, "at": e.at}
    return None


def _filled(m: Matter, action: str) -> list[Field]:
    """The action's fields; a correction's classification filled in with what is
    registered now. The petitioner's fields stay empty: the page shows their numbers
    masked until a logged reveal, and an empty field keeps what is registered."""
    fields = ACTION_FIELDS.get(action, [])
    if action == "set_units":  # changing the units starts from the units chosen now
        return [
            replace(f, value=str(m.lead_unit_id or "")) if f.name == "lead" else f for f in fields
        ]
    if action != "correct_registration":
        return fields
    now = {
        "category": m.category,
        "topic": str(m.topic_id or ""),
        "area": str(m.area_id or ""),
        "title": m.title,
    }
    return [replace(f, value=now.get(f.name, "")) for f in fields]


def _drafts(m: Matter, events: list[Event]) -> list[dict[str, Any]]:
    """The handling opinion's drafts, newest first, each with what the leader said in
    returning it: the whole text the leader approves (the 处理意见书 is made from the
    newest), and how it came to be. Shown while the opinion waits for approval and kept
    on the page afterwards."""
    out: list[dict[str, Any]] = []
    for e in events:
        if e.action == "submit_opinion":
            out.append(
                {
                    "n": len(out) + 1,
                    "by": e.actor,
                    "at": present.ymd_hm(e.at),
                    "decision": present.choice_label(Decision, str(e.data.get("decision", ""))),
                    "parts": [(_(zh), e.data.get(k, "")) for k, zh in OPINION_FIELDS],
                    "returned": "",
                }
            )
        elif e.action == "return_opinion" and out:
            out[-1]["returned"] = e.reason
            out[-1]["returned_at"] = present.ymd_hm(e.at)
    out.reverse()
    if out and m.status != Status.OPINION_PENDING:
        out[0]["approved"] = m.status in (Status.ANSWERED, Status.CONCLUDED)
    return out


def _prefill(request: HttpRequest) -> dict[str, str]:
    """``?merge=<receipt no>`` / ``?link_repeat=<receipt no>`` open that form filled in;
    ``?route=<unit id>`` (a routing suggestion's "use this") fills forward and assign."""
    out = {}
    for a in ("merge", "link_repeat"):
        v = (request.GET.get(a) or "").strip()[:40]
        if v and THEN.match(f"{a}:{v}"):
            out[a] = v
    route = (request.GET.get("route") or "").strip()
    if route.isdigit():
        out["forward"] = out["assign"] = route
    return out


def _routing(m: Matter, forms: list[dict[str, Any]], prefill: dict[str, str]) -> list[Any]:
    """Catalogue suggestions for the forward/assign forms, and the chosen one pre-selected.
    Shown, never applied (PIPL Art. 24)."""
    if not any(f["action"] in ("forward", "assign") for f in forms):
        return []

    found = suggest_for(m)
    chosen = next((s for s in found if str(s.lead.pk) == prefill.get("forward")), None)
    for f in forms:
        if f["action"] in ("forward", "assign"):
            f["route_unit"] = chosen.lead.pk if chosen else None
            f["route_assisting"] = [u.pk for u in chosen.assisting] if chosen else []
    return found


@require_GET
@login_required
def matter_page(request: HttpRequest, pk: int) -> HttpResponse:
    """One matter: facts, petitioners, deadlines, notices, timeline and allowed actions."""
    user = _user(request)
    m = get_object_or_404(
        _visible(request).select_related(
            "registered_unit", "lead_unit", "topic", "area", "lead_leader", "parent", "repeat_of"
        ),
        pk=pk,
    )
    show_id = access.can_see_identity(user, m)
    log_access(
        user=user,
        what="matter",
        matter=m,
        request=request,
        detail="含身份信息" if show_id else "身份已遮蔽",
    )
    # the user's messages about this matter are read once the matter is opened
    Notification.objects.filter(user_id=user.pk, read_at__isnull=True, matter=m).update(
        read_at=timezone.now()
    )
    events = list(
        Event.objects.filter(matter=m).select_related("actor", "actor_unit").order_by("seq")
    )
    assisting_ids = {int(i) for e in events for i in (e.data or {}).get("assisting") or []}
    unit_names = dict(Unit.objects.filter(pk__in=assisting_ids).values_list("pk", "name"))
    clock = clock_for(m, events=events)
    prefill = _prefill(request)
    forms = _action_forms(m, user, prefill, events)
    receipt_ready = _receipt_secret(request, m.pk) is not None
    suggestions = _routing(m, forms, prefill)
    kinds = {f.kind for a in forms for f in a["fields"]}
    return render(
        request,
        "web/matter.html",
        {
            "m": m,
            "people": _people(m, show_id),
            "show_id": show_id,
            "deadlines": [
                {
                    "d": d,
                    "due": present.ymd(d.due) if d.due else "—",
                    "article": present.cite(d.article),
                    "badge": present.deadline_badge(d),
                }
                for d in clock.deadlines
            ],
            "timeline": [
                {
                    "e": e,
                    "label": present.event_label(e),
                    "at": present.ymd_hm(e.at),
                    "lines": present.describe_event(e, unit_names),
                }
                for e in events
            ],
            "forms": forms,
            "units": unit_choices() if kinds & {"units", "multiunits"} else [],
            "topics": Topic.objects.filter(is_active=True).order_by("code")
            if "topics" in kinds
            else [],
            "suggestions": suggestions,
            "leaders": leader_choices() if "leaders" in kinds else [],
            "assisting": [
                mu.unit
                for mu in MatterUnit.objects.filter(
                    matter=m, active=True, role=MatterUnit.ASSIST
                ).select_related("unit")
            ],
            "followups": m.followups.order_by("id"),
            "drafts": _drafts(m, events),
            "opinion_preview": opinion_preview.for_page(m, user, [f["action"] for f in forms]),
            "dossier_purposes": dossier.PURPOSES.items(),
            "receipt_ready": receipt_ready,
            "reveal_purposes": REVEAL_PURPOSES.items(),
            # 并案 and 重复件, both ways, among matters this user may see.
            "main": _visible(request).filter(pk=m.merged_into_id).first()
            if m.merged_into_id
            else None,
            "merged": list(_visible(request).filter(merged_into=m).order_by("id")),
            "repeats": list(_visible(request).filter(repeat_of=m).order_by("id")),
            "attachments": m.attachments.all() if show_id else [],
            "notices": _notice_links(m),
            "received": present.ymd_hm(m.received_at),
            "supervision_due": present.ymd(m.supervision_due) if m.supervision_due else "",
        },
    )


@require_POST
@login_required
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """Perform one action through ``transition``; refusals change nothing (POST/redirect/GET)."""
    if action not in RULES:
        raise Http404
    m = get_object_or_404(_visible(request), pk=pk)
    raw = request.POST.get("expected_version", "")
    try:
        transition(
            m,
            action,
            actor=_user(request),
            reason=request.POST.get("reason", ""),
            data=parse_action(action, request.POST),
            expected_version=int(raw) if raw.isdigit() else None,
        )
    except UserError as e:
        messages.error(request, present.user_message(e))
    else:
        messages.success(request, _("已完成：%(label)s") % {"label": _(RULES[action].label)})
    return redirect("web:matter", pk=m.pk)


@require_POST
@login_required
def reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show full phone and ID numbers once, to those entitled; every unmasking is logged."""
    user = _user(request)
    m = get_object_or_404(_visible(request), pk=pk)
    if not access.can_see_identity(user, m):
        raise Http404
    purpose = REVEAL_PURPOSES.get(request.POST.get("purpose", ""))
    if purpose is None:
        # PIPL Art. 6: personal data is used for a stated purpose; the log says which
        messages.error(request, _("请选择显示完整号码的用途"))
        return redirect("web:matter", pk=m.pk)
    log_access(
        user=user,
        what="unmask",
        matter=m,
        request=request,
        detail="phone,id_number",
        purpose=str(purpose),
    )
    # Shown in this response only: never in the messages cookie or any cache, so the full
    # numbers leave the server once, to the person who asked and was logged.
    resp = render(request, "web/revealed.html", {"m": m, "people": list(m.petitioners.all())})
    resp["Cache-Control"] = "no-store"
    return resp


@require_GET
@login_required
def attachment(request: HttpRequest, pk: int, aid: int) -> FileResponse:
    """Download an attachment of a visible matter (never a direct media URL). Materials of
    a confidential matter are for those who may see the reporter's identity only."""
    m = get_object_or_404(_visible(request), pk=pk)
    if not access.can_see_identity(_user(request), m):
        raise Http404
    a = get_object_or_404(m.attachments, pk=aid)
    log_access(user=request.user, what="attachment", matter=m, detail=a.name, request=request)
    return FileResponse(
        a.file.open("rb"), as_attachment=True, filename=a.name, content_type=a.content_type
    )
