"""Staff pages of search: full-text search, the same-matter panel of the registration
form, and hot spots. Views parse, authorise, call one query and render; reads that show
matters are written to the access log (PIPL Art. 51)."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_GET, require_POST

from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.cases.models import Matter, Status, Topic
from xinfang.core.errors import UserError
from xinfang.org.models import Unit
from xinfang.search.hotspots import hotspots
from xinfang.search.queries import Hit, count, search
from xinfang.search.similar import similar_matters
from xinfang.web import present
from xinfang.web.present import choice_label, esc, matter_url


@require_GET
@login_required
def search_page(request: HttpRequest) -> HttpResponse:
    """全文检索: matters the user may see, 20 a page with "more"."""
    g = request.GET
    q = (g.get("q") or "").strip()
    order = g.get("order") or "relevance"
    ctx: dict[str, Any] = {"q": q, "order": order, "res": None}
    if not q:
        return render(request, "search/search.html", ctx)
    try:
        # the count comes afterwards from search_count, so the first page is never
        # held up by counting
        res = search(request.user, q, order=order, after=g.get("after") or None, count=False)
    except UserError as e:
        ctx["error"] = present.user_message(e)
        return render(request, "search/search.html", ctx, status=400)
    if res.hits:
        log_access(user=request.user, what="search", detail=q[:60], request=request)
    ctx["res"] = res
    ctx["rows"] = _hit_rows(res.hits)
    return render(request, "search/search.html", ctx)


def _hit_rows(hits: list[Hit]) -> SafeString:
    """The result list's items, built here as the queue's rows are (``present.queue_rows``):
    the template engine spent more on twenty items than the search did."""
    out = []
    for h in hits:
        m = h.matter
        t = timezone.localtime(m.received_at)
        meta = f"{t.year}年{t.month}月{t.day}日 · {esc(choice_label(Status, m.status))}"
        if m.topic is not None:
            meta += f" · {esc(m.topic.name)}"
        meta += f" · {esc((m.lead_unit or m.registered_unit).name)}"
        out.append(
            f'<li>\n  <a href="{matter_url(m.pk)}">{esc(m.receipt_no)}</a> '
            f"<strong>{h.title}</strong>\n"
            f"  <div>{h.snippet}</div>\n"  # escaped by the search, marks added (``_mark``)
            f'  <div class="muted">{meta}</div>\n</li>'
        )
    return mark_safe("".join(out))


@require_GET
@login_required
def search_count(request: HttpRequest) -> HttpResponse:
    """The number of visible matches, as a small fragment the search page fills in
    (shows no matter, so nothing is logged)."""
    try:
        n, more = count(request.user, request.GET.get("q") or "")
    except UserError as e:
        return HttpResponse(present.user_message(e), status=400, content_type="text/plain")
    label = f"{n}+" if more else str(n)
    return render(request, "search/_count.html", {"label": label})


def similar_input(post: Any) -> dict[str, Any]:
    """Arguments of ``similar_matters`` from the registration form's fields."""
    people = []
    for i in range(20):
        name = (post.get(f"p{i}_name") or "").strip()
        phone = (post.get(f"p{i}_phone") or "").strip()
        id_number = (post.get(f"p{i}_id") or "").strip()
        if name or phone or id_number:
            people.append({"name": name, "phone": phone, "id_number": id_number})
    area = topic = None
    if (post.get("area") or "").isdigit():
        area = Unit.objects.filter(pk=int(post["area"])).first()
    if (post.get("topic") or "").isdigit():
        topic = Topic.objects.filter(pk=int(post["topic"])).first()
    return {
        "title": (post.get("title") or "")[:120],
        "text": "\n".join([(post.get("content") or "")[:4000], (post.get("facts") or "")[:4000]]),
        "petitioners": people,
        "area": area,
        "topic": topic,
    }


@require_POST
@login_required
def similar(request: HttpRequest) -> HttpResponse:
    """The registration form's panel: the most similar matters as an HTML fragment."""
    if not access.may(request.user, "matters"):
        raise Http404
    args = similar_input(request.POST)
    rows = similar_matters(user=request.user, **args)
    if rows:
        log_access(
            user=request.user,
            what="similar",
            detail=f"{len(rows)} · {args['title'][:40]}",
            request=request,
        )
    return render(request, "search/_similar.html", {"rows": rows, "asked": bool(args["text"])})


MIN_YEAR, MAX_YEAR = 2000, 2100
MAX_PERIOD_DAYS = 366  # one year of 每月一题 at most: each is read whole


def _date(value: str | None, default: date) -> date:
    try:
        return date.fromisoformat(value) if value else default
    except ValueError:
        raise UserError(
            "bad_date", "日期格式应为 YYYY-MM-DD", "Dates are YYYY-MM-DD", field="start"
        ) from None


HOTSPOT_LINKS = 20  # matters linked per cluster; the count says how many there are


@require_GET
@login_required
def hotspots_page(request: HttpRequest) -> HttpResponse:
    """每月一题: clusters of similar matters by area and period, for supervisors and
    leaders (counts of matters only)."""
    if not access.may(request.user, "hotspots"):
        raise Http404
    today = timezone.localdate()
    g = request.GET
    ctx: dict[str, Any] = {"areas": Unit.objects.order_by("path"), "rows": []}
    try:
        start = _date(g.get("start"), today.replace(day=1) - timedelta(days=30))
        end = _date(g.get("end"), today)
        if start > end:
            raise UserError(
                "bad_period", "开始日期不能晚于结束日期", "Start is after end", field="start"
            )
        if not (start.year >= MIN_YEAR and end.year <= MAX_YEAR):
            raise UserError(
                "bad_period",
                f"日期应在{MIN_YEAR}年至{MAX_YEAR}年之间",
                f"Dates lie between {MIN_YEAR} and {MAX_YEAR}",
                field="start",
            )
        if (end - start).days > MAX_PERIOD_DAYS:
            raise UserError(
                "bad_period",
                "统计期间最长一年，请缩短后重试",
                "The period is at most one year: shorten it",
                field="end",
            )
    except UserError as e:
        ctx.update(error=present.user_message(e), start=g.get("start"), end=g.get("end"))
        return render(request, "search/hotspots.html", ctx, status=400)
    area = None
    if (g.get("area") or "").isdigit():
        area = Unit.objects.filter(pk=int(g["area"])).first()
    rows, truncated = hotspots(request.user, start=start, end=end, area=area)
    # each cluster's first matters by their receipt numbers, read in one query
    shown = {pk for h in rows for pk in h.matter_ids[:HOTSPOT_LINKS]}
    numbers = dict(Matter.objects.filter(pk__in=shown).values_list("pk", "receipt_no"))
    links = [[(pk, numbers.get(pk, "")) for pk in h.matter_ids[:HOTSPOT_LINKS]] for h in rows]
    ctx.update(
        rows=list(zip(rows, links, strict=True)),
        truncated=truncated,
        start=start,
        end=end,
        area=area,
        more_than=HOTSPOT_LINKS,
    )
    return render(request, "search/hotspots.html", ctx)
