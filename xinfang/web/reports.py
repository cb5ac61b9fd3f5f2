"""Dashboards, the rates ranking and report downloads for supervisors and leaders."""

from __future__ import annotations

from dataclasses import asdict
from datetime import date, timedelta
from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.cases.models import MatterUnit
from xinfang.org.models import Level, Role, Unit
from xinfang.reports import exports
from xinfang.reports import queries as q
from xinfang.supervision import rates as rates_mod
from xinfang.supervision import trends
from xinfang.supervision.models import DutyShift


def _check(request: HttpRequest) -> Any:
    return _scoped(request)[0]


def _scoped(request: HttpRequest) -> tuple[Any, access.StaffScope]:
    """The reader's visible matters and their scope; a 404 for anyone but supervisors,
    leaders and auditors."""
    if not access.may(request.user, "reports"):
        raise Http404
    scope = access.staff_scope(request.user)
    return access.visible(request.user, scope), scope


def _year(request: HttpRequest, today: date) -> int:
    y = request.GET.get("year", "")
    return int(y) if y.isdigit() and 2000 <= int(y) <= 2100 else today.year


@require_GET
@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    qs, scope = _scoped(request)
    today = timezone.localdate()
    p = q.Period.last_12_months(today)
    b = q.breakdown(qs, p, scope, today)
    channel = b.by_month
    months = sorted(channel)
    channels = q.LABELS["channel"]
    data = {
        "months": months,
        "channels": [
            {"label": str(channels[c]), "data": [channel[m].get(c, 0) for m in months]}
            for c in channels
        ],
        "categories": [[str(q.LABELS["category"].get(k, k)), n] for k, n in b.counts("category")],
        "topics": b.counts("topic__name")[:12],
        "overdue": q.overdue_by_unit(qs, today, scope=scope),
    }
    return render(
        request,
        "reports/dashboard.html",
        {
            "data": data,
            "on_time": q.on_time(qs, p, scope),
            "kpis": [
                (exports.SUMMARY_LABELS.get(k, k), v)
                for k, v in q.summary(qs, p, today, b, scope).items()
            ],
            "hot": b.hot(),
            "period": p,
            "year": today.year,
            "month": today.month,
            "export_purposes": EXPORT_PURPOSES.items(),
        },
    )


def _lead_units(user: Any, qs: Any) -> set[int]:
    """Units whose rates ``user`` may look at: those of the scope they see matters in, and
    outside it the lead units of visible matters registered or assisted inside it. Found
    from indexes; ``qs.values("lead_unit").distinct()`` reads every visible matter."""

    scope = access.scope_units(user)
    if not scope or len(scope) >= Unit.objects.count():
        return scope
    outside = qs.exclude(lead_unit_id__in=scope).exclude(lead_unit=None)
    assisted = MatterUnit.objects.filter(unit_id__in=scope, role=MatterUnit.ASSIST, active=True)
    found = set(
        outside.filter(registered_unit_id__in=scope)
        .values_list("lead_unit_id", flat=True)
        .distinct()
    ) | set(
        outside.filter(pk__in=assisted.values("matter_id"))
        .values_list("lead_unit_id", flat=True)
        .distinct()
    )
    return scope | {u for u in found if u is not None}


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
    qs = _check(request)
    year = _year(request, timezone.localdate())
    p = q.Period.year(year)
    visible_units = _lead_units(request.user, qs)
    rows = [
        {
            **asdict(r),
            "level_name": Level(r.level).label if r.level in Level.values else r.level,
            "sat_pct": round(r.satisfaction * 100, 1) if r.satisfaction is not None else None,
        }
        for r in rates_mod.compute(p.start_dt, p.end_dt)
        if r.unit_id in visible_units
    ]
    return render(
        request,
        "reports/rates.html",
        {
            "rows": rows,
            "year": year,
            "cfg": rates_mod._cfg(),
            "chart": [[r["unit_name"], r["sat_pct"]] for r in rows if r["ranked"]],
            "trend": _trend(p, visible_units, timezone.localdate()),
        },
    )


@require_GET
@login_required
def drill(request: HttpRequest, unit: int, metric: str) -> HttpResponse:
    qs = _check(request)
    u = get_object_or_404(Unit, pk=unit)
    year = _year(request, timezone.localdate())
    p = q.Period.year(year)
    if metric not in (
        "visits",
        "contacted",
        "solved",
        "ratings",
        "satisfied",
        "basic",
        "unsatisfied",
    ):
        raise Http404
    matters = (
        rates_mod.matters_behind(u, p.start_dt, p.end_dt, metric)
        .filter(pk__in=qs.values("pk"))
        .select_related("lead_unit")[:500]
    )
    return render(
        request,
        "reports/drill.html",
        {"unit": u, "metric": metric, "year": year, "matters": matters},
    )


@require_GET
@login_required
def duty(request: HttpRequest) -> HttpResponse:
    """The printable duty roster (值班表) of the user's units for one week."""
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        start = today - timedelta(days=today.weekday())
    units = [m.unit_id for m in request.user.memberships.all()]  # type: ignore[union-attr]
    if not units:
        raise Http404
    shifts = DutyShift.objects.filter(
        unit_id__in=units, date__gte=start, date__lt=start + timedelta(days=7)
    ).select_related("unit")
    editable = _roster_units(request.user)
    form = DutyShiftForm(
        editable, initial={"date": start, "unit": editable[0].pk if len(editable) == 1 else None}
    )
    return _duty_page(request, shifts, start, form, editable)


def _duty_page(
    request: HttpRequest, shifts: Any, start: date, form: Any, editable: list[Unit]
) -> HttpResponse:
    return render(
        request,
        "reports/duty.html",
        {
            "shifts": shifts,
            "start": start,
            "end": start + timedelta(days=6),
            "prev": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "form": form if editable else None,
            "editable": {u.pk for u in editable},
        },
        status=400 if form.errors else 200,
    )


def _roster_units(user: Any) -> list[Unit]:
    """The units whose roster ``user`` keeps: where they are a leader or supervisor."""
    ids = [m.unit_id for m in user.memberships.all() if m.role in ROSTER_ROLES]
    return list(Unit.objects.filter(pk__in=ids).order_by("path"))


class DutyShiftForm(forms.ModelForm):
    """One duty shift of one of the user's units."""

    class Meta:
        model = DutyShift
        fields = ("unit", "date", "start", "end", "leader", "staff", "phone", "holiday")
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "start": forms.TimeInput(attrs={"type": "time"}),
            "end": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, units: list[Unit], *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["unit"]
        field.queryset = Unit.objects.filter(pk__in=[u.pk for u in units])  # type: ignore[attr-defined]
        field.label = _("单位")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("结束时间应晚于开始时间"))
        return data


@require_POST
@login_required
def duty_add(request: HttpRequest) -> HttpResponse:
    """Add a shift to the roster of one of the user's units (leaders and supervisors)."""
    editable = _roster_units(request.user)
    if not editable:
        raise Http404
    form = DutyShiftForm(editable, request.POST)
    if not form.is_valid():
        day = form.cleaned_data.get("date") or timezone.localdate()
        start = day - timedelta(days=day.weekday())
        shifts = DutyShift.objects.filter(
            unit__in=editable, date__gte=start, date__lt=start + timedelta(days=7)
        )
        return _duty_page(request, shifts.select_related("unit"), start, form, editable)
    shift = form.save()
    week = shift.date - timedelta(days=shift.date.weekday())
    return redirect(f"{reverse('reports:duty')}?week={week.isoformat()}")


@require_POST
@login_required
def duty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a shift from the roster of one of the user's units."""
    shift = get_object_or_404(DutyShift, pk=pk, unit__in=_roster_units(request.user))
    week = shift.date - timedelta(days=shift.date.weekday())
    shift.delete()
    return redirect(f"{reverse('reports:duty')}?week={week.isoformat()}")


# Who keeps a unit's duty roster (值班表).
ROSTER_ROLES = (Role.LEADER, Role.SUPERVISOR)


# Why a report is exported, asked on the dashboard and kept in the access log (the reports
# hold counts, not personal data, so a download without one is still served and logged).
EXPORT_PURPOSES = {
    "report_up": gettext_lazy("向上级报送"),
    "meeting": gettext_lazy("会议汇报"),
    "analysis": gettext_lazy("分析研判"),
    "archive": gettext_lazy("存档"),
}


@require_GET
@login_required
def download(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    qs, scope = _scoped(request)
    today = timezone.localdate()
    year = _year(request, today)
    if kind == "daily":
        try:
            day = date.fromisoformat(request.GET.get("date") or today.isoformat())
        except ValueError:
            raise Http404 from None
        p = q.Period(day, day + timedelta(days=1))
        title = f"{day.year}年{day.month}月{day.day}日信访工作日报"
        year = day.year
    elif kind == "monthly":
        raw = request.GET.get("month") or str(today.month)
        month = int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 2 else 0
        if not 1 <= month <= 12:
            return HttpResponse(
                _("月份应为1至12的数字"),
                status=400,
                content_type="text/plain; charset=utf-8",
            )
        p = q.Period.month(year, month)
        title = f"{year}年{month}月信访工作统计月报"
    elif kind == "annual":
        p = q.Period.year(year)
        title = f"{year}年度信访工作报告"
    else:
        raise Http404
    if fmt == "xlsx":
        data = exports.excel(qs, p, today, title, scope)
        ctype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    elif fmt == "pdf":
        data = exports.pdf(qs, p, today, title, scope)
        ctype = "application/pdf"
    else:
        raise Http404
    purpose = EXPORT_PURPOSES.get(request.GET.get("purpose", ""), "")
    log_access(
        user=request.user,
        what="export",
        detail=f"{title}.{fmt}",
        purpose=str(purpose),
        request=request,
    )
    resp = HttpResponse(data, content_type=ctype)
    from urllib.parse import quote

    resp["Content-Disposition"] = (
        f'attachment; filename="report-{kind}-{p.start.isoformat()}.{fmt}"; '
        f"filename*=UTF-8''{quote(title)}.{fmt}"
    )
    return resp
