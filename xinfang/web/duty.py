"""The duty pages (值班): the week's roster of the user's units, kept by their leaders and
supervisors; each shift's log (值班日志) written by the officers on duty, read by the unit's
leaders; the handover (交接班) to the next shift and its confirmation (接班确认).

The pages are for the roles of ``access.PAGES["duty"]``; who is on duty and who reads a log
is ``reception.duty``'s rule; every write goes through its services. Nothing changes on GET.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.core.errors import UserError
from xinfang.org.models import Role, Unit, prefetch_memberships
from xinfang.reception import duty as log_rules
from xinfang.reception.models import DutyEntry, DutyLog, EntryKind
from xinfang.supervision.models import DutyShift

from . import present

# Who keeps a unit's duty roster (值班表).
ROSTER_ROLES = (Role.LEADER, Role.SUPERVISOR)

# How far back "my duty" looks for a shift of the user's not yet handed over.
OPEN_DAYS = 7


def _gate(request: HttpRequest) -> Any:
    """The signed-in user with their memberships read once; a 404 for anyone the duty pages
    are not for."""
    user = request.user
    if not access.may(user, "duty"):
        raise Http404
    prefetch_memberships(user)  # type: ignore[arg-type]
    return user


def _duty_units(user: Any) -> list[int]:
    return sorted({m.unit_id for m in user.memberships.all() if m.role in access.PAGES["duty"]})


def _week_url(day: date) -> str:
    week = day - timedelta(days=day.weekday())
    return f"{reverse('reports:duty')}?week={week.isoformat()}"


def _log_of(shift: Any) -> DutyLog | None:
    try:
        log: DutyLog = shift.duty_log
    except DutyLog.DoesNotExist:
        return None
    return log


# --- the roster ---------------------------------------------------------------------------


@require_GET
@login_required
def duty(request: HttpRequest) -> HttpResponse:
    """The printable duty roster (值班表) of the user's units for one week, with the user's
    own shifts and the logs they may read."""
    user = _gate(request)
    today = timezone.localdate()
    try:
        start = date.fromisoformat(request.GET.get("week", ""))
    except ValueError:
        start = today - timedelta(days=today.weekday())
    editable = _roster_units(user)
    form = DutyShiftForm(
        editable, initial={"date": start, "unit": editable[0].pk if len(editable) == 1 else None}
    )
    return _duty_page(request, user, start, form, editable)


def _duty_page(
    request: HttpRequest, user: Any, start: date, form: Any, editable: list[Unit]
) -> HttpResponse:
    units = _duty_units(user)
    shifts = list(
        DutyShift.objects.filter(
            unit_id__in=units, date__gte=start, date__lt=start + timedelta(days=7)
        ).select_related("unit", "duty_log", "duty_log__to_shift")
    )
    counts = dict(
        DutyEntry.objects.filter(log__shift__in=shifts)
        .values_list("log__shift")
        .annotate(n=Count("id"))
        .values_list("log__shift", "n")
    )
    rows = []
    for s in shifts:
        log = _log_of(s)
        rows.append(
            {
                "s": s,
                "log": log,
                "entries": counts.get(s.pk, 0),
                "readable": log_rules.may_read(user, s, log),
            }
        )
    return render(
        request,
        "reports/duty.html",
        {
            "rows": rows,
            "mine": _my_shifts(user, units),
            "start": start,
            "end": start + timedelta(days=6),
            "prev": start - timedelta(days=7),
            "next": start + timedelta(days=7),
            "form": form if editable else None,
            "editable": {u.pk for u in editable},
        },
        status=400 if form.errors else 200,
    )


def _my_shifts(user: Any, units: list[int]) -> list[dict[str, Any]]:
    """The user's shifts that want something of them: today's, earlier ones not handed over,
    and those with a handover waiting for their confirmation."""
    today = timezone.localdate()
    near = (
        DutyShift.objects.filter(
            unit_id__in=units,
            date__gte=today - timedelta(days=OPEN_DAYS),
            date__lte=today + timedelta(days=1),
        )
        .select_related("unit", "duty_log")
        .order_by("date", "start")
    )
    shifts = [s for s in near if log_rules.is_officer(user, s)]
    waiting = set(
        DutyLog.objects.filter(
            to_shift__in=shifts, handed_over_at__isnull=False, confirmed_at__isnull=True
        ).values_list("to_shift_id", flat=True)
    )
    out = []
    for s in shifts:
        log = _log_of(s)
        handed = log is not None and log.handed_over_at is not None
        if s.date == today or s.pk in waiting or (s.date < today and not handed):
            out.append(
                {
                    "s": s,
                    "log": log,
                    "handed": handed,
                    "past": s.date < today,
                    "to_confirm": s.pk in waiting,
                }
            )
    return out


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
        # the log knows the officers by these names (reception.duty.officer_names)
        self.fields["staff"].help_text = _("填写系统中的姓名，多人用顿号分隔，如：李明、赵红")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("start") and data.get("end") and data["end"] <= data["start"]:
            self.add_error("end", _("结束时间应晚于开始时间"))
        return data


@require_POST
@login_required
def duty_add(request: HttpRequest) -> HttpResponse:
    """Add a shift to the roster of one of the user's units (leaders and supervisors)."""
    user = _gate(request)
    editable = _roster_units(user)
    if not editable:
        raise Http404
    form = DutyShiftForm(editable, request.POST)
    if not form.is_valid():
        day = form.cleaned_data.get("date") or timezone.localdate()
        return _duty_page(request, user, day - timedelta(days=day.weekday()), form, editable)
    shift = form.save()
    return redirect(_week_url(shift.date))


@require_POST
@login_required
def duty_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Remove a shift from the roster of one of the user's units; a shift that has a log
    or received a handover stays, for the log is the record of that shift."""
    user = _gate(request)
    shift = get_object_or_404(DutyShift, pk=pk, unit__in=_roster_units(user))
    if DutyLog.objects.filter(Q(shift=shift) | Q(to_shift=shift)).exists():
        messages.error(request, _("该班次已有值班日志或交接班记录，不能删除"))
    else:
        shift.delete()
    return redirect(_week_url(shift.date))


# --- the log ------------------------------------------------------------------------------


def _readable_shift(request: HttpRequest, pk: int) -> tuple[Any, Any]:
    user = _gate(request)
    shift = get_object_or_404(
        DutyShift.objects.select_related("unit", "duty_log", "duty_log__to_shift"), pk=pk
    )
    if not log_rules.may_read(user, shift, _log_of(shift)):
        raise Http404
    return user, shift


def _log_url(shift: Any) -> str:
    return reverse("reports:duty_log", args=[shift.pk])


@require_GET
@login_required
def duty_log(request: HttpRequest, pk: int) -> HttpResponse:
    """One shift's log: the handover it received, its entries, and for its officers the
    forms to write, hand over and confirm."""
    user, shift = _readable_shift(request, pk)
    return _log_page(request, user, shift)


def _log_page(
    request: HttpRequest,
    user: Any,
    shift: Any,
    *,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    log = _log_of(shift)
    entries = list(
        DutyEntry.objects.filter(log__shift=shift).select_related("written_by", "corrects")
        if log is not None
        else []
    )
    corrected = {e.corrects_id for e in entries if e.corrects_id is not None}
    incoming = log_rules.incoming(shift)
    officer = log_rules.is_officer(user, shift)
    today = timezone.localdate()
    handed = log is not None and log.handed_over_at is not None
    writable = officer and shift.date <= today
    log_access(
        user=user,
        what="duty_log",
        detail=f"{shift.unit.short_name or shift.unit.name} {shift.date:%Y-%m-%d} "
        f"{shift.start:%H:%M}-{shift.end:%H:%M}",
        request=request,
    )
    now = timezone.localtime()
    default_at = now.strftime("%H:%M") if shift.date == today else shift.start.strftime("%H:%M")
    return render(
        request,
        "web/duty/log.html",
        {
            "shift": shift,
            "log": log,
            "entries": [
                {"e": e, "at": present.ymd_hm(e.at), "corrected": e.pk in corrected}
                for e in entries
            ],
            "incoming": [
                {
                    "log": i,
                    "at": present.ymd_hm(i.handed_over_at),
                    "confirmed": present.ymd_hm(i.confirmed_at) if i.confirmed_at else "",
                    "carried": sorted(i.carried.all(), key=lambda e: (e.at, e.pk)),
                }
                for i in incoming
            ],
            "officer": officer,
            "can_write": writable,
            "can_hand_over": writable and not handed,
            "handed": handed,
            "handed_at": present.ymd_hm(log.handed_over_at) if handed and log else "",
            "confirmed_at": present.ymd_hm(log.confirmed_at) if log and log.confirmed_at else "",
            "next": log.to_shift if handed and log else log_rules.next_shift(shift),
            "unfinished": log_rules.unfinished(shift) if writable and not handed else [],
            "carried": set(log.carried.values_list("pk", flat=True)) if handed and log else set(),
            # handed over, the log takes corrections only; a correction needs an entry
            "kinds": [
                (k, v)
                for k, v in EntryKind.choices
                if (k == EntryKind.CORRECTION) == handed
                or (not handed and k == EntryKind.CORRECTION and entries)
            ],
            "f": posted or {"at": default_at, "kind": EntryKind.CALL},
            "date": present.ymd(shift.date),
        },
        status=status,
    )


# A time as people type it: 9:30, 09:30, 9：30.
_HM = re.compile(r"^\s*(\d{1,2})[:：](\d{2})\s*$")


def _time_on(day: date, raw: str) -> datetime:
    found = _HM.match(raw)
    if found is None or int(found[1]) > 23 or int(found[2]) > 59:
        raise UserError(
            "bad_time", "请按“时:分”填写时间，如 09:30", "Enter the time as HH:MM", field="at"
        )
    t = time(int(found[1]), int(found[2]))
    return timezone.make_aware(datetime.combine(day, t))


@require_POST
@login_required
def duty_entry(request: HttpRequest, pk: int) -> HttpResponse:
    """Append an entry (or, after the handover, a correction) to the shift's log."""
    user, shift = _readable_shift(request, pk)
    p = request.POST
    try:
        seq = p.get("corrects", "")
        corrects = (
            DutyEntry.objects.filter(log__shift=shift, seq=int(seq)).first()
            if seq.isdigit()
            else None
        )
        e = log_rules.write_entry(
            shift=shift,
            by=user,
            at=_time_on(shift.date, p.get("at", "")),
            kind=p.get("kind", ""),
            summary=p.get("summary", ""),
            action=p.get("action", ""),
            pending=bool(p.get("pending")),
            corrects=corrects,
        )
    except UserError as err:
        messages.error(request, present.user_message(err))
        return _log_page(request, user, shift, posted=p.dict(), status=400)
    messages.success(request, _("已记录第 %(n)s 条") % {"n": e.seq})
    return redirect(_log_url(shift))


@require_POST
@login_required
def duty_handover(request: HttpRequest, pk: int) -> HttpResponse:
    """Hand the shift over to the next shift of the roster, with the note and the items."""
    user, shift = _readable_shift(request, pk)
    carry = [int(i) for i in request.POST.getlist("carry") if i.isdigit()]
    try:
        log = log_rules.hand_over(
            shift=shift, by=user, note=request.POST.get("note", ""), carry=carry
        )
    except UserError as err:
        messages.error(request, present.user_message(err))
        return _log_page(request, user, shift, posted=request.POST.dict(), status=400)
    to = log.to_shift
    messages.success(
        request,
        _("已交班给 %(staff)s（%(date)s %(start)s）")
        % {"staff": to.staff, "date": present.ymd(to.date), "start": f"{to.start:%H:%M}"}
        if to is not None
        else _("已交班"),
    )
    return redirect(_log_url(shift))


@require_POST
@login_required
def duty_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """The officer of the shift confirms receipt of the handover addressed to it."""
    user = _gate(request)
    shift = get_object_or_404(DutyShift.objects.select_related("unit"), pk=pk)
    if not log_rules.is_officer(user, shift):
        raise Http404
    raw = request.POST.get("log", "")
    log = get_object_or_404(
        DutyLog.objects.select_related("to_shift"),
        pk=int(raw) if raw.isdigit() else 0,
        to_shift=shift,
    )
    try:
        log_rules.confirm(log=log, by=user)
    except UserError as err:
        messages.error(request, present.user_message(err))
    else:
        messages.success(request, _("已确认接班"))
    return redirect(_log_url(shift))
