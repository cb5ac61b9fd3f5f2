"""The JSON API under /api/v1/ (django-ninja; OpenAPI at /api/v1/openapi.json).

Endpoints are thin: parse, authorise (``access.visible`` and the transition table), call one
service, serialise. An invisible matter is a 404 so the API never confirms it exists.
"""

from __future__ import annotations

import base64
import json
from datetime import UTC, date, timedelta
from typing import Any

import ninja
import ninja.parser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import NinjaAPI, Path, Query
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import HttpBearer, django_auth

from xinfang.actions.registration import register_matter
from xinfang.actions.workflow import LABELS, allowed_actions, transition
from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.cases.clock import clock_for
from xinfang.cases.inputs import RegistrationIn
from xinfang.cases.models import Event, Matter, MatterUnit, Status, Topic
from xinfang.core.errors import Forbidden, UserError, bad_text
from xinfang.core.masks import HIDDEN, mask_phone
from xinfang.deadlines import provisional
from xinfang.deadlines.calendar import load_calendar
from xinfang.org.models import Unit
from xinfang.search.queries import search
from xinfang.search.schemas import SearchPage, SimilarIn, SimilarOut
from xinfang.search.similar import similar_matters
from xinfang.web.finality import FinalMatter, final_matters

from .models import ApiToken
from .schemas import (
    MAX_INT,
    ActionIn,
    ErrorOut,
    FinalMattersIn,
    FinalMattersOut,
    MatterIn,
    MatterOut,
    MatterPage,
    MatterRow,
    NotAcceptedIn,
    NotAcceptedOut,
    TopicOut,
    UnitOut,
)


class Parser(ninja.parser.Parser):
    """JSON bodies, refused whole (400 ``bad_text``) if any string or key holds a control
    character other than tab and line breaks, or a lone surrogate: JSON can carry
    "\\ud800" and "\\u0000", which no database stores."""

    def parse_body(self, request: HttpRequest) -> Any:
        data = json.loads(request.body)
        stack = [data]
        while stack:
            x = stack.pop()
            if isinstance(x, str):
                if bad_text(x):
                    raise UserError(
                        "bad_text",
                        "请求中含有无法识别的控制字符或无效字符，请删除后重试",
                        "The request contains a control character or an invalid character",
                    )
            elif isinstance(x, dict):
                stack.extend(x.keys())
                stack.extend(x.values())
            elif isinstance(x, list):
                stack.extend(x)
        return data


class Bearer(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        row = ApiToken.objects.authenticate(token)
        if row is None:
            return None
        request.user = row.user
        return row.user


class Api(NinjaAPI):
    """The API, whose schema documents the error answers every operation can give (the
    body is ``ErrorOut``): 400 unreadable body, 401 no valid token, 403, 404, 422 invalid
    parameters."""

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorOut"}}}
        for ops in schema.get("paths", {}).values():
            for op in ops.values():
                responses = op.setdefault("responses", {})
                for code in (400, 401, 403, 404, 422):
                    responses.setdefault(code, {"description": "Error", "content": error})
        return schema


api = Api(
    title="Xinfang API",
    version="1",
    description="信访事项办理系统 JSON API. Errors: {code, message (中文), message_en, field}.",
    urls_namespace="api",
    openapi_url="/openapi.json",
    auth=[Bearer(), django_auth],
    parser=Parser(),
)

ERRORS = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut, 422: ErrorOut}


@api.exception_handler(UserError)
def _user_error(request: HttpRequest, exc: UserError) -> HttpResponse:
    return api.create_response(request, exc.as_dict(), status=exc.status)


@api.exception_handler(ValidationError)
def _validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    first = exc.errors[0] if exc.errors else {}
    where = ".".join(str(x) for x in first.get("loc", ())[1:]) or None
    return api.create_response(
        request,
        {
            "code": "invalid",
            "message": f"请求格式不正确：{where or ''} {first.get('msg', '')}",
            "message_en": f"Invalid request: {where} {first.get('msg', '')}",
            "field": where,
            "errors": exc.errors,
        },
        status=422,
    )


@api.exception_handler(Http404)
def _not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "not_found",
            "message": "未找到，或您无权查看",
            "message_en": "Not found",
            "field": None,
        },
        status=404,
    )


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, AuthenticationError):
        return _auth(request, exc)
    if isinstance(exc.__cause__, UserError):  # raised by Parser: the body is refused
        return _user_error(request, exc.__cause__)
    if exc.status_code == 400 and exc.__cause__ is not None:  # not JSON at all
        return api.create_response(
            request,
            {
                "code": "bad_request",
                "message": "请求内容不是有效的 JSON",
                "message_en": "The request body is not valid JSON",
                "field": None,
            },
            status=400,
        )
    if exc.status_code == 403 and "csrf" in str(exc.message).lower():
        return api.create_response(
            request,
            {
                "code": "csrf",
                "message": "CSRF 校验失败，请刷新页面后重试",
                "message_en": "CSRF check failed: reload the page and try again",
                "field": None,
            },
            status=403,
        )
    return api.create_response(
        request,
        {
            "code": "bad_request",
            "message": f"请求无法处理：{exc.message}",
            "message_en": str(exc.message),
            "field": None,
        },
        status=exc.status_code,
    )


@api.exception_handler(OverflowError)
def _overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
    """A number too large for the database (or a date beyond year 9999) where no schema
    bounds it (e.g. inside an action's ``data``): a 422, not a 500."""
    return api.create_response(
        request,
        {
            "code": "out_of_range",
            "message": "请求中的数值或日期超出范围",
            "message_en": "A number or date in the request is out of range",
            "field": None,
        },
        status=422,
    )


@api.exception_handler(AuthenticationError)
def _auth(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {
            "code": "unauthorized",
            "message": "未登录或令牌无效",
            "message_en": "Not authenticated",
            "field": None,
        },
        status=401,
    )


def _visible(request: HttpRequest) -> Any:
    return access.visible(request.user)


# What a petitioner's own material says about them (its file names, their note): hidden
# from readers who see the petitioners masked, as the matter page hides the materials.
PERSONAL_DATA_KEYS = {"add_material": ("files", "note")}


def _masked_data(e: Event) -> dict[str, Any]:
    hidden = PERSONAL_DATA_KEYS.get(e.action, ())
    return {k: (HIDDEN if k in hidden else v) for k, v in e.data.items()}


def _detail(
    request: HttpRequest, m: Matter, secret: str | None = None, *, fresh: bool = False
) -> dict[str, Any]:
    """The full view of a matter. ``fresh``: registered in this request, so it has no
    assisting units, notices or follow-ups yet and those are not queried."""
    events = (
        m.fresh_events
        if fresh and m.fresh_events is not None
        else list(Event.objects.filter(matter=m).select_related("actor").order_by("seq"))
    )
    clock = clock_for(m, events=events)
    show = access.can_see_identity(request.user, m)
    people = [
        {
            "name": p.name if show else HIDDEN,
            "phone": mask_phone(p.phone) if show and p.phone else ("" if show else HIDDEN),
            "address": p.address if show else HIDDEN,
            "is_representative": p.is_representative,
        }
        for p in (
            m.fresh_petitioners
            if fresh and m.fresh_petitioners is not None
            else m.petitioners.all()
        )
    ]
    assisting = (
        []
        if fresh
        else MatterUnit.objects.filter(
            matter=m, active=True, role=MatterUnit.ASSIST
        ).select_related("unit")
    )
    notices = [
        {
            "id": n.pk,
            "kind": n.kind,
            "title": n.title,
            "number": n.number,
            "issued_at": n.issued_at,
            "pdf": f"/notices/{n.pk}.pdf",
            "docx": f"/notices/{n.pk}.docx",
        }
        for n in ([] if fresh else m.notices.all())
    ]
    return {
        "id": m.pk,
        "receipt_no": m.receipt_no,
        "kind": m.kind,
        "status": m.status,
        "status_label": str(Status(m.status).label),
        "category": m.category,
        "topic": m.topic.code if m.topic else None,
        "title": m.title,
        "content": m.content,
        "facts": m.facts,
        "channel": m.channel,
        "received_at": m.received_at,
        "registered_unit": m.registered_unit.name,
        "lead_unit": m.lead_unit.name if m.lead_unit else None,
        "assisting_units": [a.unit.name for a in assisting],
        "confidential": m.confidential,
        "petitioners": people,
        "deadlines": [
            {
                "kind": d.kind,
                "label": d.label,
                "article": d.article,
                "start": d.start,
                "due": d.due,
                "state": d.state,
                "days_left": d.days_left,
                "follows": d.follows,
                "provisional": d.provisional,
            }
            for d in clock.deadlines
        ],
        "events": [
            {
                "seq": e.seq,
                "action": e.action,
                "label": LABELS.get(e.action, e.action),
                "at": e.at,
                "actor": str(e.actor) if e.actor else None,
                "by_citizen": e.by_citizen,
                "reason": e.reason if show or e.action != "register" else "",
                "data": e.data if show else _masked_data(e),
                "public": e.public,
            }
            for e in events
        ],
        "allowed_actions": allowed_actions(
            m,
            request.user,  # type: ignore[arg-type]
            fresh=fresh,
        ),
        "version": m.version,
        "parent": {"id": m.parent.pk, "receipt_no": m.parent.receipt_no, "kind": m.parent.kind}
        if m.parent
        else None,
        "merged_into": m.merged_into_id,  # 并案: the main matter's id
        "repeat_of": m.repeat_of_id,
        "followups": [
            {"id": f.pk, "receipt_no": f.receipt_no, "kind": f.kind}
            for f in ([] if fresh else m.followups.all())
        ],
        "notices": notices,
        "secret": secret,
    }


def _get(request: HttpRequest, pk: int) -> Matter:
    return get_object_or_404(
        _visible(request).select_related("registered_unit", "lead_unit", "topic", "parent"),
        pk=pk,
    )


def _unit_or_error(
    pk: int | None, field: str, zh: str, en: str, known: dict[int, Unit] | None = None
) -> Unit | None:
    """The unit ``pk`` (from ``known`` when the caller read several at once), or a
    ``UserError`` on ``field``."""
    if pk is None:
        return None
    found = known.get(pk) if known is not None else Unit.objects.filter(pk=pk).first()
    if found is None:
        raise UserError(f"bad_{field}", zh, en, field=field)
    return found


@api.post("/matters", response={201: MatterOut, **ERRORS}, tags=["matters"])
def create_matter(request: HttpRequest, body: MatterIn) -> Any:
    """Register a matter. The lookup ``secret`` is returned only here: hand it to the
    petitioner. Earlier matters of the same petitioner closed by a final 复核 (XFGZ
    Art. 36 para 3) are found with ``POST /matters/final-matters`` before registering."""
    m, secret = _register(request, body)
    # The caller is a registrar of the registering organ, so access.visible() shows them the
    # matter: it is not read back, unless it accuses a unit (the Art. 30 exclusion may
    # apply to the caller's own units, and then the answer is a 404 as for any read).
    if m.accused_unit_id is not None:
        m = _get(request, m.pk)
    else:  # as the database gives it back (UTC), so the 201 body equals a later GET
        at = m.received_at
        m.received_at = (at if timezone.is_aware(at) else timezone.make_aware(at)).astimezone(UTC)
    return ninja.Status(201, _detail(request, m, secret, fresh=True))


def _register(request: HttpRequest, body: MatterIn) -> tuple[Matter, str]:
    """``register_matter`` with the request's fields: the matter and its lookup secret."""
    reg = RegistrationIn.parse(body.model_dump())
    return register_matter(by=request.user, **reg.kwargs())  # type: ignore[arg-type]


# --- registration after a final 复核 (XFGZ Art. 36 para 3) ---------------------------


def _final_out(f: FinalMatter) -> dict[str, Any]:
    return {
        "id": f.matter.pk,
        "receipt_no": f.matter.receipt_no,
        "kind": f.matter.kind,
        "title": f.matter.title,
        "status": f.matter.status,
        "existing": f.existing,
        "decision": f.decision,
        "decision_label": f.decision_label,
        "decided_on": f.decided_on,
        "organ": f.organ,
        "reason": f.reason,
    }


def _registrar(request: HttpRequest) -> None:
    user = request.user
    if not access.may(user, "register"):
        raise Forbidden("forbidden", "您不是登记员", "Only registrars may do this")


@api.post("/matters/final-matters", response={200: FinalMattersOut, **ERRORS}, tags=["matters"])
def final_matters_endpoint(request: HttpRequest, body: FinalMattersIn) -> Any:
    """Earlier matters of the petitioners being registered whose chain original → 复查 →
    复核 has a final re-examination decision (XFGZ Art. 36 para 3), newest decision first:
    the warning the registration form shows. The petitioner is the same by ID number or
    phone, or by name in ``area``; only matters the caller may see, with their identity,
    are named. Registration is never refused for this: the registrar decides whether the
    facts and reasons are the same, and may register and not accept in one request with
    ``POST /matters/not-accepted``. Registrars only."""
    _registrar(request)
    area = _unit_or_error(body.area, "area", "问题属地不存在", "No such area")
    rows = final_matters(
        user=request.user, petitioners=[p.dict() for p in body.petitioners[:20]], area=area
    )
    if rows:
        log_access(
            user=request.user,
            what="final_matters",
            detail=" ".join(f.matter.receipt_no for f in rows),
            request=request,
            channel="api",
        )
    return {"final_matters": [_final_out(f) for f in rows]}


@api.post("/matters/not-accepted", response={201: NotAcceptedOut, **ERRORS}, tags=["matters"])
def create_not_accepted(request: HttpRequest, body: NotAcceptedIn) -> Any:
    """Register a matter and, in the same request, not accept it under XFGZ Art. 36
    para 3 (``not_accept`` with ground ``art36``, naming ``existing``): the petitioner's
    written notice is issued with it. The registration stands even if the not-accept is
    refused (``not_accepted`` false, ``error`` says why; the matter is then registered
    and waits for the registrar). The lookup ``secret`` is returned only here."""
    m, secret = _register(request, body.matter)
    error = None
    try:
        transition(
            m,
            "not_accept",
            actor=request.user,  # type: ignore[arg-type]
            reason=body.reason,
            data={"ground": "art36", "existing": body.existing},
        )
    except UserError as e:
        error = e.as_dict()
    matter = _detail(request, _get(request, m.pk), secret)
    return ninja.Status(201, {"matter": matter, "not_accepted": error is None, "error": error})


def _cursor(due: date | None, pk: int) -> str:
    raw = f"{due.isoformat() if due else ''}|{pk}"
    return base64.urlsafe_b64encode(raw.encode()).decode()


def _parse_cursor(cursor: str) -> tuple[date | None, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor.encode()).decode()
        due_s, pk_s = raw.split("|")
        return (date.fromisoformat(due_s) if due_s else None), int(pk_s)
    except (ValueError, UnicodeDecodeError):
        raise UserError("bad_cursor", "翻页参数无效", "Invalid cursor", field="after") from None


def _deadline_rows(qs: Any, after: str | None, n: int) -> list[Matter]:
    """``n`` matters of ``qs`` from the cursor on, nearest deadline first and those without
    one last. The dated ones come in order from the deadline index (``matter_due``), the
    undated ones by key: one ``ORDER BY current_due NULLS LAST`` sorted every visible
    matter, open or closed, for each page."""
    due, pk = _parse_cursor(after) if after else (None, 0)
    rows: list[Matter] = []
    if not after or due is not None:
        dated = qs.filter(current_due__isnull=False)
        if due is not None:
            dated = dated.filter(current_due__gte=due).exclude(current_due=due, pk__lte=pk)
        rows = list(dated.order_by("current_due", "id").select_related("lead_unit")[:n])
        pk = 0
    if len(rows) < n:
        undated = qs.filter(current_due__isnull=True, pk__gt=pk).order_by("id")
        rows += list(undated.select_related("lead_unit")[: n - len(rows)])
    return rows


@api.get("/matters", response={200: MatterPage, **ERRORS}, tags=["matters"])
def list_matters(
    request: HttpRequest,
    status: str | None = None,
    category: str | None = None,
    unit: int | None = Query(None, ge=1, le=MAX_INT),
    overdue: bool = False,
    due_within: int | None = Query(None, ge=0, le=3650),
    q: str | None = None,
    after: str | None = None,
    limit: int = Query(50, ge=1, le=100),
) -> Any:
    """Visible matters, nearest deadline first; keyset pagination with ``next``."""
    today = timezone.localdate()
    qs = _visible(request)
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if unit:
        qs = qs.filter(lead_unit_id=unit)
    if overdue:
        qs = qs.overdue(today)
    if due_within is not None:
        qs = qs.open().filter(
            current_due__gte=today, current_due__lte=today + timedelta(days=due_within)
        )
    if q:
        qs = qs.filter(Q(receipt_no__icontains=q) | Q(title__icontains=q))
    rows = _deadline_rows(qs, after, limit + 1)
    more = len(rows) > limit
    rows = rows[:limit]
    cal = load_calendar()
    items = [
        MatterRow(
            id=m.pk,
            receipt_no=m.receipt_no,
            kind=m.kind,
            title=m.title,
            status=m.status,
            status_label=str(Status(m.status).label),
            category=m.category,
            lead_unit=m.lead_unit.name if m.lead_unit else None,
            current_due=m.current_due,
            current_due_kind=m.current_due_kind,
            current_due_provisional=bool(provisional.years_until(m.current_due, today, cal)),
            received_at=m.received_at,
        )
        for m in rows
    ]
    nxt = _cursor(rows[-1].current_due, rows[-1].pk) if more and rows else None
    return {"items": items, "next": nxt}


@api.post("/matters/{pk}/actions/{action}", response={200: MatterOut, **ERRORS}, tags=["matters"])
def perform(request: HttpRequest, pk: int, action: str, body: ActionIn) -> Any:
    """Perform one workflow action by name (see ``allowed_actions``).

    ``data`` per action, e.g.: ``forward`` {unit, assisting?, override_reason?} (a lead
    other than the dispatch catalogue's needs ``override_reason``); ``assign`` {unit,
    due_on, assisting?, override_reason?}; ``link_repeat`` {existing: receipt number}
    (关联为重复件, XFGZ Arts. 19, 23); ``merge`` {main: receipt number} with a ``reason``
    (并单); ``split`` with a ``reason`` only (解除并案, supervisors)."""
    m = _get(request, pk)
    transition(
        m,
        action,
        actor=request.user,  # type: ignore[arg-type]
        reason=body.reason,
        data=body.data,
        expected_version=body.expected_version,
    )
    m = _get(request, pk)
    # the answer shows the petitioners, as GET /matters/{pk} does (PIPL Art. 51)
    log_access(
        user=request.user, what="matter", matter=m, detail=action, request=request, channel="api"
    )
    return _detail(request, m)


@api.get("/units", response=list[UnitOut], tags=["catalogues"])
def units(request: HttpRequest) -> Any:
    return list(
        Unit.objects.filter(is_active=True).values("id", "name", "kind", "level", "parent_id")
    )


@api.get("/topics", response=list[TopicOut], tags=["catalogues"])
def topics(request: HttpRequest) -> Any:
    return list(Topic.objects.filter(is_active=True).values("id", "code", "name"))


@api.get("/me", tags=["catalogues"])
def me(request: HttpRequest) -> dict[str, Any]:
    u = request.user
    return {
        "username": u.get_username(),
        "name": str(u),
        "memberships": [
            {"unit": m.unit_id, "unit_name": m.unit.name, "role": m.role}
            for m in u.memberships.select_related("unit")  # type: ignore[union-attr]
        ],
    }


# --- search (xinfang.search) ---------------------------------------------------------


@api.get("/search", response={200: SearchPage, **ERRORS}, tags=["search"])
def search_matters(
    request: HttpRequest,
    q: str,
    order: str = "relevance",
    after: str | None = None,
    limit: int = Query(20, ge=1, le=100),
) -> Any:
    """Full-text search over visible matters (terms of ≥2 characters, space = AND);
    ``order``: relevance | newest; ``next`` is the cursor of the following page."""

    res = search(request.user, q, order=order, limit=limit, after=after)
    if res.hits:
        log_access(user=request.user, what="search", detail=q[:60], request=request, channel="api")
    items = [
        {
            "id": h.matter.pk,
            "receipt_no": h.matter.receipt_no,
            "title": h.matter.title,
            "title_html": str(h.title),
            "snippet_html": str(h.snippet),
            "status": h.matter.status,
            "received_at": h.matter.received_at,
        }
        for h in res.hits
    ]
    return {"items": items, "count": res.count, "count_more": res.count_more, "next": res.after}


@api.post("/matters/similar", response={200: list[SimilarOut], **ERRORS}, tags=["search"])
def similar(request: HttpRequest, body: SimilarIn) -> Any:
    """Visible matters that may be the same matter as the text being registered."""

    area = _unit_or_error(body.area, "area", "问题属地不存在", "Unknown area")
    topic = Topic.objects.filter(pk=body.topic).first() if body.topic else None
    rows = similar_matters(
        user=request.user,
        text=body.text[:8000],
        title=body.title[:120],
        petitioners=[p.dict() for p in body.petitioners[:20]],
        area=area,
        topic=topic,
        exclude_id=body.exclude_id,
        limit=max(1, min(body.limit, 50)),
    )
    if rows:
        log_access(
            user=request.user,
            what="similar",
            detail=body.title[:60],
            request=request,
            channel="api",
        )
    return [
        {
            "id": s.matter.pk,
            "receipt_no": s.matter.receipt_no,
            "title": s.matter.title,
            "status": s.matter.status,
            "received_at": s.matter.received_at,
            "score": s.score,
            "reasons": s.reasons,
        }
        for s in rows
    ]


# after /matters/similar and the others: "{pk}" would take their names
@api.get("/matters/{pk}", response={200: MatterOut, **ERRORS}, tags=["matters"])
def get_matter(request: HttpRequest, pk: int = Path(..., ge=1, le=MAX_INT)) -> Any:
    """Status, deadlines, the event history and the actions open to the caller."""
    m = _get(request, pk)
    log_access(user=request.user, what="matter", matter=m, request=request, channel="api")
    return _detail(request, m)


from xinfang.api.routing import router as routing_router  # noqa: E402

api.add_router("/routing", routing_router)
