"""The staff side of leaders' reception days (领导接访日, XFGZ Art. 18): a day's bookings,
who came (到场/未到), 登记为信访事项 through the normal registration page, and the days
created and published by the office and the leaders.

For the roles of ``access.PAGES["reception"]``, on the days of the units they keep
(``reception.services.staff_units``). Names and phones are shown as the identity rule
allows (``services.may_see_identity``), phones masked; the full phone reaches the
registration form only, and that read is logged. Nothing changes on GET.
"""

from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

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
from xinfang.core.masks import HIDDEN, mask_phone
from xinfang.org.models import Unit
from xinfang.reception import services
from xinfang.reception.models import Arrival, Booking, BookingStatus, ReceptionDay

from . import present
from .forms import petitioner_rows

# Upcoming days listed for publishing at most.
UPCOMING = 60


def _units(request: HttpRequest) -> set[int]:
    """The units whose reception days the user keeps; a 404 for anyone the page is not for."""
    if not access.may(request.user, "reception"):
        raise Http404
    return services.staff_units(request.user)


def _day_url(on: date) -> str:
    return f"{reverse('web:reception')}?date={on.isoformat()}"


@require_GET
@login_required
def day_page(request: HttpRequest) -> HttpResponse:
    """The bookings of the reception days on one date (today unless ``?date=``), and the
    coming days to publish."""
    units = _units(request)
    return _page(request, units, _date(request.GET.get("date", "")))


def _date(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        return timezone.localdate()


def _page(
    request: HttpRequest,
    units: set[int],
    on: date,
    *,
    posted: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    today = timezone.localdate()
    days = list(
        ReceptionDay.objects.filter(unit_id__in=units, date=on)
        .select_related("unit")
        .order_by("start", "pk")
    )
    bookings = (
        Booking.objects.filter(reception__in=days)
        .select_related("matter", "matter__registered_unit", "matter__lead_unit")
        .order_by("created_at", "pk")
    )
    by_day: dict[int, list[dict[str, Any]]] = {d.pk: [] for d in days}
    for b in bookings:
        by_day[b.reception_id].append(_row(user, b, on, today))
    for d in days:
        if by_day[d.pk]:
            # a list of citizens' names is a read of personal data (scope.md principle 4)
            log_access(
                user=user,
                what="booking",
                detail=f"{d.date:%Y-%m-%d} {d.leader} 接访预约名单 {len(by_day[d.pk])} 人",
                request=request,
            )
    coming = (
        ReceptionDay.objects.filter(unit_id__in=units, date__gte=today)
        .select_related("unit")
        .annotate(taken=Count("bookings", filter=Q(bookings__status=BookingStatus.BOOKED)))
        .order_by("date", "start", "pk")[:UPCOMING]
    )
    return render(
        request,
        "web/duty/reception.html",
        {
            "on": on,
            "on_text": present.ymd(on),
            "today": on == today,
            "prev": on - timedelta(days=1),
            "next": on + timedelta(days=1),
            "days": [{"d": d, "rows": by_day[d.pk]} for d in days],
            "coming": [{"d": d, "date": present.ymd(d.date)} for d in coming],
            "units": Unit.objects.filter(pk__in=units).order_by("path"),
            "f": posted or {"capacity": "10", "start": "09:00", "end": "11:30"},
        },
        status=status,
    )


def _row(user: Any, b: Booking, on: date, today: date) -> dict[str, Any]:
    forgotten = b.forgotten_at is not None
    shown = not forgotten and services.may_see_identity(user, b)
    booked = b.status == BookingStatus.BOOKED
    m = b.matter
    return {
        "b": b,
        "name": b.name if shown else (_("（已删除）") if forgotten else _(HIDDEN)),
        "phone": mask_phone(b.phone) if shown and b.phone else ("" if forgotten else _(HIDDEN)),
        "description": b.description,
        "matter": m,
        "matter_visible": m is not None and access.can_see(user, m),
        # once registered as a matter, the visit happened: the mark stays
        "can_mark": booked and not forgotten and m is None and on <= today,
        "can_register": (
            booked
            and not forgotten
            and m is None
            and b.arrival == Arrival.ARRIVED
            and access.may(user, "register")
        ),
    }


@require_POST
@login_required
def arrival(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark a booking 到场 or 未到."""
    units = _units(request)
    b = get_object_or_404(
        Booking.objects.select_related("reception"), pk=pk, reception__unit_id__in=units
    )
    try:
        marked = services.mark_arrival(
            booking=b, arrival=request.POST.get("arrival", ""), by=request.user
        )
    except UserError as e:
        messages.error(request, present.user_message(e))
    else:
        messages.success(
            request,
            _("预约 %(no)s：%(arrival)s")
            % {"no": marked.number, "arrival": marked.get_arrival_display()},
        )
    return redirect(_day_url(b.reception.date))


@require_POST
@login_required
def day_add(request: HttpRequest) -> HttpResponse:
    """Create a reception day (not yet published)."""
    units = _units(request)
    p = request.POST
    try:
        unit = Unit.objects.filter(pk=int(p["unit"]) if p.get("unit", "").isdigit() else 0).first()
        if unit is None:
            raise UserError("required", "请选择单位", "Choose the unit", field="unit")
        d = services.create_day(
            by=request.user,
            unit=unit,
            leader=p.get("leader", ""),
            title=p.get("title", ""),
            date=_parse_date(p.get("date", "")),
            start=_parse_time(p.get("start", ""), "start"),
            end=_parse_time(p.get("end", ""), "end"),
            place=p.get("place", ""),
            topics=p.get("topics", ""),
            capacity=_parse_capacity(p.get("capacity", "")),
        )
    except UserError as e:
        messages.error(request, present.user_message(e))
        return _page(request, units, timezone.localdate(), posted=p.dict(), status=400)
    messages.success(
        request,
        _("已新增 %(date)s %(leader)s 接访日，尚未对外公布。")
        % {"date": present.ymd(d.date), "leader": d.leader},
    )
    return redirect(_day_url(d.date))


def _parse_date(raw: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise UserError(
            "bad_date", "请按“年-月-日”填写日期", "Enter the date as YYYY-MM-DD", field="date"
        ) from None


def _parse_time(raw: str, field: str) -> time:
    try:
        return time.fromisoformat(raw.strip())
    except ValueError:
        raise UserError(
            "bad_time", "请按“时:分”填写时间，如 09:30", "Enter the time as HH:MM", field=field
        ) from None


def _parse_capacity(raw: str) -> int:
    raw = raw.strip()
    if not raw.isdigit():
        raise UserError(
            "bad_capacity", "可预约人数应为数字", "Places must be a number", field="capacity"
        )
    return int(raw)


@require_POST
@login_required
def day_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """Publish a reception day on the portal (``published=1``) or withdraw it."""
    units = _units(request)
    d = get_object_or_404(ReceptionDay, pk=pk, unit_id__in=units)
    published = request.POST.get("published") == "1"
    services.publish(days=ReceptionDay.objects.filter(pk=d.pk), published=published)
    messages.success(
        request,
        (
            _("已对外公布 %(date)s %(leader)s 接访日")
            if published
            else _("已撤回 %(date)s %(leader)s 接访日")
        )
        % {"date": present.ymd(d.date), "leader": d.leader},
    )
    return redirect(_day_url(d.date))


# --- 登记为信访事项: the registration page opened from a booking ------------------------------


def booking_for(request: HttpRequest) -> Booking | None:
    """The booking named by ``?booking=`` on the registration page (the form posts back to
    the same address), among the days the user keeps (a 404 otherwise); None without one."""
    raw = request.GET.get("booking", "")
    if not raw:
        return None
    if not raw.isdigit() or not access.may(request.user, "reception"):
        raise Http404
    return get_object_or_404(
        Booking.objects.select_related("reception", "matter"),
        pk=int(raw),
        reception__unit_id__in=services.staff_units(request.user),
    )


def registration_prefill(request: HttpRequest, b: Booking | None) -> dict[str, Any]:
    """The registration form's values from the booking ``b`` (channel 来访, the citizen's
    name and phone, what they came about, when they arrived), or nothing. The full phone
    is a read of personal data: logged."""
    if b is None:
        return {}
    if b.forgotten_at is not None:
        messages.error(request, _("该预约的个人信息已删除，不能登记为信访事项"))
        return {}
    if b.matter is not None:
        messages.info(request, _("该预约已登记为信访事项 %(no)s") % {"no": b.matter.receipt_no})
        return {}
    if b.arrival != Arrival.ARRIVED:
        messages.error(request, _("请先在接访页登记到场，再登记为信访事项"))
        return {}
    log_access(
        user=request.user,
        what="booking",
        detail=f"{b.number} 登记为信访事项（完整电话）",
        request=request,
    )
    messages.info(
        request,
        _("来自接访预约 %(no)s（%(date)s %(leader)s）：登记后将关联该预约。")
        % {"no": b.number, "date": present.ymd(b.reception.date), "leader": b.reception.leader},
    )
    received = timezone.localtime(b.arrival_at or timezone.now())
    return {
        "f": {
            "channel": "visit",
            "title": b.description.splitlines()[0][:120] if b.description else "",
            "content": b.description,
            "received_at": received.strftime("%Y-%m-%d %H:%M"),
        },
        "rows": petitioner_rows({"p0_name": b.name, "p0_phone": b.phone}),
    }


def link_registered(request: HttpRequest, b: Booking | None, matter: Any) -> None:
    """After a registration opened from the booking ``b``, link it to the new matter."""
    if b is None:
        return
    try:
        services.link_matter(booking=b, matter=matter, by=request.user)
    except UserError as e:
        messages.warning(request, present.user_message(e))
    else:
        messages.info(request, _("已关联接访预约 %(no)s") % {"no": b.number})
