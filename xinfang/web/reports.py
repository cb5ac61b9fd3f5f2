"""Dashboards, the rates ranking and report downloads for supervisors and leaders."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.cases.models import MatterUnit
from xinfang.org.models import Level, Unit, memberships_with_units, prefetch_memberships
from xinfang.reports import exports, narrative
from xinfang.reports import queries as q
from xinfang.supervision import rates as rates_mod
from xinfang.supervision import trends


def _scoped(request: HttpRequest) -> tuple[Any, access.StaffScope]:
    """The reader's visible matters and their scope; a 404 for anyone but supervisors,
    leaders and auditors."""
    if request.user.is_authenticated:
        prefetch_memberships(request.user)
    if not access.may(request.user, "reports"):
        raise Http404
    scope = access.staff_scope(request.user)
    return access.visible(request.user, scope), scope


# --- what a report covers: the period and the unit, from the query string ---------------

KINDS = {
    "month": gettext_lazy("月度"),
    "quarter": gettext_lazy("季度"),
    "year": gettext_lazy("年度"),
    "range": gettext_lazy("自定义起止日期"),
}
FIRST_YEAR, LAST_YEAR = 2000, 2100
# A custom range is read from the counters by month and charted by month: longer ranges
# are asked for as years.
MAX_RANGE_DAYS = 3 * 366


class BadFilter(ValueError):
    """A period or unit that cannot be reported on, with the reason in the reader's words."""


@dataclass(frozen=True)
class Selection:
    """What a report page or download covers: ``period`` as chosen (a running one is cut at
    today by ``queries.Span``), ``unit`` and its ``area`` (``queries.area_of``) or the whole
    of the reader's scope, and the query string that says so (``params``), which every
    link and export of the page carries."""

    period: q.Period
    unit: Unit | None
    area: access.StaffScope | None
    params: dict[str, str]

    @property
    def query(self) -> str:
        return urlencode(self.params)


def _number(raw: str | None, default: int, low: int, high: int, message: str) -> int:
    if raw is None or raw == "":
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4 and low <= int(raw) <= high):
        raise BadFilter(message)
    return int(raw)


def _day(raw: str, message: str) -> date:
    try:
        d = date.fromisoformat(raw)
    except ValueError:
        raise BadFilter(message) from None
    if not FIRST_YEAR <= d.year <= LAST_YEAR:
        raise BadFilter(message)
    return d


def _period(get: Any, today: date, kind: str) -> tuple[q.Period, dict[str, str]]:
    if kind == "range":
        return _range(get)
    bad_year = _("年度应为%(a)s至%(b)s之间的数字") % {"a": FIRST_YEAR, "b": LAST_YEAR}
    year = _number(get.get("year"), today.year, FIRST_YEAR, LAST_YEAR, bad_year)
    if kind == "month":
        month = _number(get.get("month"), today.month, 1, 12, _("月份应为1至12的数字"))
        return q.Period.month(year, month), {"year": str(year), "month": str(month)}
    if kind == "quarter":
        n = _number(get.get("quarter"), (today.month + 2) // 3, 1, 4, _("季度应为1至4的数字"))
        return q.Period.quarter(year, n), {"year": str(year), "quarter": str(n)}
    return q.Period.year(year), {"year": str(year)}


def _range(get: Any) -> tuple[q.Period, dict[str, str]]:
    if not get.get("from") or not get.get("to"):
        raise BadFilter(_("自定义统计期间请填写开始日期和结束日期"))
    bad = _("日期应按“年-月-日”填写，如 2026-03-01")
    start, last = _day(get["from"], bad), _day(get["to"], bad)
    if last < start:
        raise BadFilter(_("结束日期不能早于开始日期"))
    if (last - start).days >= MAX_RANGE_DAYS:
        raise BadFilter(_("自定义统计期间不能超过三年，更长的期间请按年度查看"))
    p = q.Period(start, last + timedelta(days=1), "range")
    return p, {"from": start.isoformat(), "to": last.isoformat()}


def _selection(
    request: HttpRequest,
    scope: access.StaffScope,
    today: date,
    default: str,
    *,
    kind: str | None = None,
) -> Selection:
    """The period and unit of the query string (``period``: month, quarter, year or range;
    ``year``, ``month``, ``quarter``, ``from``, ``to``; ``unit``). ``kind``: the download's
    own period kind, which the query string's cannot change; ``default``: the page's when
    the query string names none (a bare ``year`` means that year). Raises ``BadFilter``."""
    get = request.GET
    if kind is None:
        kind = get.get("period") or (
            "range"
            if get.get("from") or get.get("to")
            else "quarter"
            if get.get("quarter")
            else "month"
            if get.get("month")
            else "year"
            if get.get("year")
            else default
        )
    if kind not in KINDS:
        raise BadFilter(_("统计期间应为月度、季度、年度或自定义起止日期"))
    p, params = _period(get, today, kind)
    if p.start > today:
        raise BadFilter(_("所选统计期间尚未开始"))
    unit, area = _unit(get.get("unit", ""), scope)
    params = {"period": kind, **params, **({"unit": str(unit.pk)} if unit else {})}
    return Selection(p, unit, area, params)


def _unit(raw: str, scope: access.StaffScope) -> tuple[Unit | None, access.StaffScope | None]:
    if raw == "":
        return None, None
    unit = None
    if raw.isascii() and raw.isdigit() and len(raw) <= 12:
        unit = Unit.objects.filter(pk=int(raw)).first()
    if unit is None or unit.pk not in scope.units():
        raise BadFilter(_("所选单位不在您可查看的范围内"))
    return unit, q.area_of(unit, scope)


def _unit_options(scope: access.StaffScope) -> list[tuple[int, str]]:
    """The units a reader may report on, in tree order, indented by depth under the
    shallowest."""
    units = list(
        Unit.objects.filter(pk__in=sorted(scope.units()))
        .only("id", "name", "path")
        .order_by("path")
    )
    top = min((u.path.count("/") for u in units), default=0)
    return [(u.pk, "　" * (u.path.count("/") - top) + u.name) for u in units]


def _step(sel: Selection, today: date, forward: bool) -> str | None:
    """The query string of the period after (``forward``) or before the chosen one, same
    unit; ``None`` when it has not started or lies outside the years offered."""
    p = sel.period
    if forward:
        after = q.Period(p.end, p.end + (p.end - p.start), p.kind)
        if p.kind == "month":
            after = q.Period.month(p.end.year, p.end.month)
        elif p.kind == "quarter":
            after = q.Period.quarter(p.end.year, (p.end.month + 2) // 3)
        elif p.kind == "year":
            after = q.Period.year(p.end.year)
        nxt: q.Period | None = after
    else:
        nxt = p.previous() or q.Period.year(p.start.year - 1)
    if nxt is None or nxt.start > today or nxt.start.year < FIRST_YEAR:
        return None
    params: dict[str, str] = {"period": sel.params["period"]}
    if p.kind == "range":
        params.update({"from": nxt.start.isoformat(), "to": nxt.last_day.isoformat()})
    else:
        params["year"] = str(nxt.start.year)
        if p.kind == "month":
            params["month"] = str(nxt.start.month)
        elif p.kind == "quarter":
            params["quarter"] = str(nxt.quarter_no)
    if sel.unit is not None:
        params["unit"] = str(sel.unit.pk)
    return urlencode(params)


def _raw_filters(request: HttpRequest) -> dict[str, str]:
    """The query string as typed, to show in the filter form beside its error."""
    keys = ("period", "year", "month", "quarter", "from", "to", "unit")
    return {k: request.GET.get(k, "") for k in keys}


def _filter_context(sel: Selection | None, request: HttpRequest, scope: Any) -> dict[str, Any]:
    f = _raw_filters(request)
    steps: dict[str, str | None] = {}
    if sel is not None:
        today = timezone.localdate()
        steps = {"before": _step(sel, today, False), "after": _step(sel, today, True)}
        p = sel.period
        f = {
            "period": sel.params["period"],
            "year": str(p.start.year),
            "month": str(p.start.month),
            "quarter": str(p.quarter_no),
            "from": p.start.isoformat(),
            "to": p.last_day.isoformat(),
            "unit": sel.params.get("unit", ""),
        }
    return {
        "f": f,
        "kinds": list(KINDS.items()),
        "months": range(1, 13),
        "quarters": list(narrative.QUARTERS.items()),
        "unit_options": _unit_options(scope),
        "steps": steps,
    }


def _roots(user: Any) -> list[Unit]:
    """The units whose subtrees ``user`` supervises (else their own units)."""
    ms = memberships_with_units(user)
    roots = {(m.unit.oversees or m.unit) for m in ms if m.role in access.SUPERVISING}
    if not roots:
        roots = {m.unit for m in ms if m.role not in access.OUTSIDE}
    return sorted(roots, key=lambda u: u.path)


def _place(user: Any, sel: Selection) -> tuple[str, bool]:
    """What the paragraph calls the area reported on, and whether it is all the reader
    sees (``全县``) rather than one unit."""
    if sel.unit is not None:
        return sel.unit.name, False
    roots = _roots(user)
    if len(roots) == 1:
        word = narrative.place_word(roots[0].name)
        if word:
            return word, True
    return "、".join(u.name for u in roots), False


def _coverage(user: Any, sel: Selection) -> str:
    if sel.unit is not None:
        below = sel.area is not None and sel.area.units() != {sel.unit.pk}
        return _("%(unit)s（含下级单位）") % {"unit": sel.unit.name} if below else sel.unit.name
    return _("%(units)s及下级单位") % {"units": "、".join(u.name for u in _roots(user))}


def _compiled_by(user: Any) -> str:
    """编制单位: the units where the user holds a role that opens the reports."""
    ms = memberships_with_units(user)
    names = [m.unit.name for m in ms if m.role in access.PAGES["reports"]]
    return "、".join(dict.fromkeys(names))


def _rates_of(user: Any, qs: Any, scope: access.StaffScope, sel: Selection) -> Any:
    """The three rates of a period over the units whose rates the reader may look at
    (``_lead_units``), within the chosen unit's area."""
    cfg = rates_mod._cfg()
    units: set[int] | None
    if sel.area is not None:
        units = sel.area.units()
    elif scope.everything:
        units = None
    else:
        units = _lead_units(user, qs, scope)

    def of(p: q.Period) -> q.Rates:
        return q.rates(p, units, weight=float(cfg["BASIC_WEIGHT"]), minimum=int(cfg["MIN_SAMPLE"]))

    return of


def _report(request: HttpRequest, qs: Any, scope: access.StaffScope, sel: Selection) -> Any:
    today = timezone.localdate()
    r = q.report(
        qs,
        sel.period,
        today,
        scope,
        area=sel.area,
        rates_of=_rates_of(request.user, qs, scope, sel),
    )
    place, whole = _place(request.user, sel)
    heading = exports.Heading(
        title=narrative.title(sel.period),
        coverage=_coverage(request.user, sel),
        compiled_by=_compiled_by(request.user),
        compiled_on=today,
        paragraph=narrative.paragraph(r, place, whole_scope=whole, today=today),
    )
    return r, heading


def _page_css(h: exports.Heading) -> str:
    """The printed page's margin boxes: who compiled it, when, and 第 n 页，共 m 页 (CSS
    page counters), as a style sheet with the texts escaped for CSS strings."""

    def css(text: str) -> str:
        out = "".join(c if c.isalnum() or c in "：:（）()、 ·-" else f"\\{ord(c):x} " for c in text)
        return f'"{out}"'

    pages = _("第 %(n)s 页，共 %(m)s 页") % {"n": "\0n\0", "m": "\0m\0"}
    counters = " ".join(
        "counter(page)" if part == "n" else "counter(pages)" if part == "m" else css(part)
        for part in pages.split("\0")
        if part
    )
    left = css(_("编制单位：%(s)s") % {"s": h.compiled_by})
    right = css(_("编制日期：%(s)s") % {"s": narrative.ymd(h.compiled_on)})
    return (
        "@page{size:A4;margin:16mm 14mm 18mm;"
        f"@bottom-left{{content:{left};font-size:8pt;color:#555}}"
        f"@bottom-center{{content:{counters};font-size:8pt;color:#555}}"
        f"@bottom-right{{content:{right};font-size:8pt;color:#555}}}}"
    )


def _months(p: q.Period) -> list[str]:
    out = []
    y, m = p.start.year, p.start.month
    while date(y, m, 1) < p.end:
        out.append(f"{y}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


def _described(title: str, pairs: Sequence[Sequence[Any]], unit: str) -> str:
    """A chart's text alternative: its title and every value with its unit."""
    if not pairs:
        return _("%(title)s：暂无数据") % {"title": title}
    values = "，".join(f"{k} {v}{unit}" for k, v in pairs)
    return f"{title}：{values}"


def _charts(r: q.Report) -> dict[str, Any]:
    """The dashboard's charts, each with its rows (the table behind it) and its text."""
    d = exports.data(r)
    b = r.breakdown
    months = _months(r.period)
    channels = q.LABELS["channel"]
    counted = [b.by_month.get(m) or Counter[str]() for m in months]
    used = [c for c in channels if any(n[c] for n in counted)]
    by_month: list[list[Any]] = [
        [m, *(n[c] for c in used), sum(n.values())] for m, n in zip(months, counted, strict=True)
    ]
    charts = {
        "months": months,
        "channels": [{"label": str(channels[c]), "data": [n[c] for n in counted]} for c in used],
        "categories": [list(x) for x in d["categories"]],
        "topics": [list(x) for x in d["topics"][:12]],
        "overdue": [list(x) for x in d["overdue"]],
        "labels": {
            "count": str(_("件数（件）")),
            "month": str(_("月份")),
            "channel": str(_("渠道")),
            "category": str(_("性质")),
            "topic": str(_("问题类别")),
            "unit": str(_("承办单位")),
            "overdue": str(_("超期件数")),
            "pieces": str(_("件")),
        },
    }
    totals = [(row[0], row[-1]) for row in by_month]
    return {
        "data": charts,
        "by_month": by_month,
        "by_month_head": [str(channels[c]) for c in used],
        "aria": {
            "month": _described(str(_("按月受理量")), totals, str(_("件"))),
            "category": _described(str(_("按性质")), d["categories"], str(_("件"))),
            "topic": _described(str(_("按问题类别")), d["topics"][:12], str(_("件"))),
            "overdue": _described(str(_("超期事项（按承办单位）")), d["overdue"], str(_("件"))),
        },
        "tables": d,
    }


def _bad_filter(
    request: HttpRequest, template: str, scope: Any, err: BadFilter, extra: dict[str, Any]
) -> HttpResponse:
    return render(
        request,
        template,
        {**_filter_context(None, request, scope), "filter_error": str(err), **extra},
        status=400,
    )


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    qs, scope = _scoped(request)
    today = timezone.localdate()
    try:
        sel = _selection(request, scope, today, "month")
    except BadFilter as err:
        return _bad_filter(request, "reports/dashboard.html", scope, err, {})
    r, heading = _report(request, qs, scope, sel)
    charts = _charts(r)
    figures = narrative.rows(r)
    return render(
        request,
        "reports/dashboard.html",
        {
            **_filter_context(sel, request, scope),
            "sel": sel,
            "report": r,
            "heading": heading,
            "page_css": _page_css(heading),
            "period_label": narrative.period_label(r.period, r.span.through),
            "previous_name": narrative.before_name(r.period),
            "previous_label": narrative.period_label(r.span.previous) if r.span.previous else "",
            "last_year_label": narrative.period_label(r.span.last_year),
            "figures": figures,
            "kpis": [(str(f.label), f.number) for f in figures if f.unit != "%"],
            "data": charts["data"],
            "charts": charts,
            "hot": charts["tables"]["hot"],
            "organs": r.organs,
            "on_time": r.on_time,
            "download_kind": DOWNLOAD_KIND[sel.period.kind],
            "export_params": sel.params.items(),
            "export_purposes": EXPORT_PURPOSES.items(),
            "today": today,
        },
    )


def _lead_units(user: Any, qs: Any, scope: access.StaffScope | None = None) -> set[int]:
    """Units whose rates ``user`` may look at: those of the scope they see matters in, and
    outside it the lead units of visible matters registered or assisted inside it. Found
    from indexes; ``qs.values("lead_unit").distinct()`` reads every visible matter."""

    units = access.scope_units(user, scope)
    if not units or len(units) >= Unit.objects.count():
        return units
    outside = qs.exclude(lead_unit_id__in=units).exclude(lead_unit=None)
    assisted = MatterUnit.objects.filter(unit_id__in=units, role=MatterUnit.ASSIST, active=True)
    found = set(
        outside.filter(registered_unit_id__in=units)
        .values_list("lead_unit_id", flat=True)
        .distinct()
    ) | set(
        outside.filter(pk__in=assisted.values("matter_id"))
        .values_list("lead_unit_id", flat=True)
        .distinct()
    )
    return units | {u for u in found if u is not None}


def _pct(v: float | None) -> float | None:
    return round(v * 100, 1) if v is not None else None


def _trend(p: q.Period, units: set[int], today: date) -> list[dict[str, Any]]:
    """Every month of the period up to this one, so a month without a valid sample shows
    as a gap in the line rather than disappearing from the axis."""
    found = {t.month: t for t in trends.monthly(p.start_dt, p.end_dt, unit_ids=units)}
    out = []
    y, m = p.start.year, p.start.month
    while date(y, m, 1) < p.end and date(y, m, 1) <= today:
        key = f"{y}-{m:02d}"
        t = found.get(key)
        out.append(
            {
                "month": key,
                "visits": t.visits if t else 0,
                "ratings": t.ratings if t else 0,
                "response": _pct(t.response) if t else None,
                "resolution": _pct(t.resolution) if t else None,
                "satisfaction": _pct(t.satisfaction) if t else None,
            }
        )
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return out


@require_GET
@login_required
def rates(request: HttpRequest) -> HttpResponse:
    qs, scope = _scoped(request)
    today = timezone.localdate()
    try:
        sel = _selection(request, scope, today, "year")
    except BadFilter as err:
        return _bad_filter(request, "reports/rates.html", scope, err, {"cfg": rates_mod._cfg()})
    p = sel.period
    visible_units = _lead_units(request.user, qs, scope)
    if sel.area is not None:
        visible_units &= sel.area.units()
    rows = [
        {
            **asdict(r),
            "level_name": Level(r.level).label if r.level in Level.values else r.level,
            "sat_pct": round(r.satisfaction * 100, 1) if r.satisfaction is not None else None,
        }
        for r in rates_mod.compute(p.start_dt, p.end_dt)
        if r.unit_id in visible_units
    ]
    chart = [[r["unit_name"], r["sat_pct"]] for r in rows if r["ranked"]]
    return render(
        request,
        "reports/rates.html",
        {
            **_filter_context(sel, request, scope),
            "sel": sel,
            "rows": rows,
            "year": p.start.year,
            "period_label": narrative.period_label(p),
            "cfg": rates_mod._cfg(),
            "chart": chart,
            "chart_text": _described(str(_("满意率")), chart, "%"),
            "trend": _trend(p, visible_units, today),
            "chart_labels": {
                "percent": str(_("百分比（%）")),
                "month": str(_("月份")),
                "unit": str(_("单位")),
                "response": str(_("响应率")),
                "resolution": str(_("解决率")),
                "satisfaction": str(_("满意率")),
            },
        },
    )


DRILL_METRICS = ("visits", "contacted", "solved", "ratings", "satisfied", "basic", "unsatisfied")


@require_GET
@login_required
def drill(request: HttpRequest, unit: int, metric: str) -> HttpResponse:
    qs, scope = _scoped(request)
    u = get_object_or_404(Unit, pk=unit)
    if metric not in DRILL_METRICS:
        raise Http404
    try:
        sel = _selection(request, scope, timezone.localdate(), "year")
    except BadFilter as err:
        return HttpResponse(str(err), status=400, content_type="text/plain; charset=utf-8")
    p = sel.period
    matters = (
        rates_mod.matters_behind(u, p.start_dt, p.end_dt, metric)
        .filter(pk__in=qs.values("pk"))
        .select_related("lead_unit")[:500]
    )
    return render(
        request,
        "reports/drill.html",
        {
            "unit": u,
            "metric": metric,
            "year": p.start.year,
            "period_label": narrative.period_label(p),
            "matters": matters,
            "sel": sel,
        },
    )


# Why a report is exported, asked on the dashboard and kept in the access log (the reports
# hold counts, not personal data, so a download without one is still served and logged).
EXPORT_PURPOSES = {
    "report_up": gettext_lazy("向上级报送"),
    "meeting": gettext_lazy("会议汇报"),
    "analysis": gettext_lazy("分析研判"),
    "archive": gettext_lazy("存档"),
}


# The download addresses' report kinds and the period each covers.
PERIOD_OF = {
    "daily": "day",
    "monthly": "month",
    "quarterly": "quarter",
    "annual": "year",
    "range": "range",
}
DOWNLOAD_KIND = {v: k for k, v in PERIOD_OF.items()}


def _plain(message: str, status: int = 400) -> HttpResponse:
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
@login_required
def download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """A report as a workbook or PDF, for the period and unit of the query string (the
    page's, which its export buttons carry), made from the same figures as the page."""
    qs, scope = _scoped(request)
    today = timezone.localdate()
    if kind not in PERIOD_OF or fmt not in ("xlsx", "pdf"):
        raise Http404
    try:
        if kind == "daily":
            try:
                day = date.fromisoformat(request.GET.get("date") or today.isoformat())
            except ValueError:
                raise Http404 from None
            unit, area = _unit(request.GET.get("unit", ""), scope)
            sel = Selection(q.Period.day(day), unit, area, {})
        else:
            sel = _selection(request, scope, today, PERIOD_OF[kind], kind=PERIOD_OF[kind])
    except BadFilter as err:
        return _plain(str(err))
    r, heading = _report(request, qs, scope, sel)
    if fmt == "xlsx":
        data = exports.excel(r, heading)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    else:
        data = exports.pdf(r, heading)
        ctype = "application/pdf"
    purpose = EXPORT_PURPOSES.get(request.GET.get("purpose", ""), "")
    detail = f"{heading.title}.{fmt}" + (f"（{sel.unit.name}）" if sel.unit else "")
    log_access(
        user=request.user,
        what="export",
        detail=detail,
        purpose=str(purpose),
        request=request,
    )
    resp = HttpResponse(data, content_type=ctype)
    resp["Content-Disposition"] = (
        f'attachment; filename="report-{kind}-{sel.period.start.isoformat()}.{fmt}"; '
        f"filename*=UTF-8''{quote(heading.title)}.{fmt}"
    )
    return resp
