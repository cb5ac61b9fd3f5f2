"""The deadline sweep and supervision escalation (XFGZ Art. 40; BJ Art. 23).

``sweep(today)`` is idempotent: alerts and notifications are unique per matter, deadline,
due date and level, so a second run on the same day writes nothing. It runs as on the day
it is given, whatever the wall clock says (``sweep_instant``). It selects the keys from the
indexes on ``(status, current_due)`` and ``supervision_due`` and reads the rows by key in
batches.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from xinfang.actions.workflow import RULES, transition
from xinfang.cases.models import NOT_OPEN, Event, Matter, Status
from xinfang.core.bulk import insert_new
from xinfang.core.errors import UserError
from xinfang.deadlines.clock import LABELS
from xinfang.notices.models import Notification
from xinfang.org.models import Membership, Role

from .followups import schedule
from .marks import sweep_instant
from .models import Alert, Level
from .visits import create_due_visits


def warning_days(kind: str) -> int:
    """Days before a deadline that a warning is raised (setting per deadline kind)."""
    cfg = settings.XINFANG.get("WARNING_DAYS", {})
    return int(cfg.get(kind, cfg.get("default", 3)))


@dataclass
class SweepResult:
    scanned: int = 0
    warnings: int = 0
    overdue: int = 0
    escalated: int = 0
    notifications: int = 0
    visits: int = 0
    # unanswered supervision left to a later day's sweep: the matter has events recorded
    # after the day swept, and the event log cannot take an escalation dated before them
    deferred: int = 0


def sweep(today: date | None = None, *, batch: int = 2000) -> SweepResult:
    """Warnings, overdue alerts, return-visit tasks, 回头看 checks and the escalation of
    unanswered supervision notices, as on the day ``today`` (default: the current day).

    Everything is decided as of ``today``, never by the wall clock: which deadlines are
    near or past, which matters are late for a return visit, the window of conclusions
    that get 回头看 checks, which supervision notices are unanswered (reply date before
    ``today``) and the new reply date of an escalation (``today`` plus 5 days, by the
    transition's ``Ctx.today``). What it writes — alerts, notifications, return visits,
    the escalation events, the jobs' marks — carries the instant ``sweep_instant(today)``;
    rows and dates are the same whatever the wall clock says, and only a run on the current
    day records its own time of day.

    The event log is append-only and kept in order of time: an escalation is never dated
    before the matter's latest event. If that event falls later on the same day, the
    escalation takes its instant; if it falls on a later day than ``today`` (a past day
    swept after the matter moved on), the matter is not escalated by this run but left to
    the sweep of a day on or after that event (``SweepResult.deferred``), which dates the
    escalation and its reply date by its own day.

    A second run for the same day writes nothing: alerts, notifications, visits and checks
    are unique per what they are about, and an escalated notice's reply date is after the
    day swept."""
    today = today or timezone.localdate()
    now = sweep_instant(today)
    res = SweepResult()
    horizon = today + timedelta(days=max(warning_days("default"), 7))
    live = [s for s in Status.values if s not in NOT_OPEN]
    near = Matter.objects.open().filter(status__in=live, current_due__lte=horizon)
    # The keys first, from the (status, current_due) index alone (it holds the key), then
    # each batch by primary key: walking the table in key order with ``pk > last`` made
    # SQLite read every matter ever registered to find the open ones near a deadline.
    ids = sorted(near.order_by().values_list("pk", flat=True))
    for i in range(0, len(ids), batch):
        # only what deciding on an alert needs, as tuples: on a day's second run every
        # alert exists, and building a model instance per matter was most of its time
        rows = [
            _Near(*r)
            for r in near.filter(pk__in=ids[i : i + batch])
            .order_by("pk")
            .values_list(*_Near._fields)
        ]
        res.scanned += len(rows)
        with transaction.atomic():
            _alert_batch(rows, today, now, res)
    # Unanswered supervision notices climb one level (XFGZ Art. 40).
    # The keys from the partial supervision_due index, then the rows by key in batches
    # (ordered by key, SQLite would rather walk the whole table than sort a few rows).
    unanswered = Matter.objects.filter(supervision_due__lt=today, supervision_level__lt=4)
    esc_ids = sorted(unanswered.order_by().values_list("pk", flat=True))
    for m in (
        m
        for i in range(0, len(esc_ids), 500)
        for m in unanswered.filter(pk__in=esc_ids[i : i + 500])
        .select_related("lead_unit", "registered_unit", "dispatched_by")
        .order_by("pk")
    ):
        try:
            _escalate(m, today, now, res)
        except UserError:
            continue
    # After the escalations, so that the jobs' marks pass this run's own events too and a
    # second run for the day finds nothing new to read.

    res.visits = create_due_visits(today, now)
    schedule(today, now)
    return res


def _escalate(m: Matter, today: date, now: datetime, res: SweepResult) -> None:
    """Escalate one unanswered notice as on ``today`` and tell the next level, in one
    transaction; or count it as deferred (see ``sweep``)."""
    with transaction.atomic():
        # the row lock before reading the latest event, so that none is appended between
        list(Matter.objects.select_for_update().filter(pk=m.pk).values_list("pk", flat=True))
        if m.status not in RULES["escalate_supervision"].sources:
            return  # a finished matter's notice is not escalated (the transition refuses)
        last = Event.objects.filter(matter_id=m.pk).aggregate(at=Max("at"))["at"]
        at = now if last is None or last <= now else last
        if timezone.localdate(at) != today:
            res.deferred += 1
            return
        m2 = transition(m, "escalate_supervision", actor=None, system=True, at=at)
        res.escalated += 1
        # the event's messages (notices.staff) went to the next level in the same transaction
        key = f"esc:{m2.supervision_level}"
        res.notifications += Notification.objects.filter(matter=m2, key=key).count()


# Duties that lie with the registering organ or office (XFGZ Arts. 22, 23): the receipt
# notice, routing, and deciding an objection. Every other obligation lies with the unit
# handling the matter (acceptance, handling, review decisions).
OFFICE_DUTIES = frozenset({"receipt", "routing", "intake", "decide_objection"})
HANDLING_ROLES = (Role.HANDLER, Role.LEADER)
OFFICE_ROLES = (Role.REGISTRAR, Role.SUPERVISOR, Role.LEADER)


def duty_unit(m: _Near, kind: str) -> int:
    """The unit that owes the deadline ``kind`` of matter ``m``."""
    if kind in OFFICE_DUTIES:
        return m.registered_unit_id
    return m.lead_unit_id or m.registered_unit_id


class _Near(NamedTuple):
    """A matter near or past its deadline, as far as the sweep needs to know."""

    pk: int
    current_due: date | None
    current_due_kind: str
    lead_unit_id: int | None
    registered_unit_id: int


def _alert_batch(rows: list[_Near], today: date, now: datetime, res: SweepResult) -> None:
    """Alerts and notifications for one batch in a few queries: which alerts exist, the
    new ones in bulk, the handlers and leaders of their units, the receipt numbers and
    titles of the new ones, their notifications."""
    due: list[tuple[_Near, str, str]] = []
    for m in rows:
        if m.current_due is None:
            continue
        kind = m.current_due_kind
        if m.current_due < today:
            due.append((m, kind, Level.OVERDUE))
        elif (m.current_due - today).days <= warning_days(kind):
            due.append((m, kind, Level.WARNING))
    if not due:
        return
    existing = set(
        Alert.objects.filter(matter_id__in=[m.pk for m, _, _ in due]).values_list(
            "matter_id", "deadline_kind", "due", "level"
        )
    )
    new = [(m, k, lv) for m, k, lv in due if (m.pk, k, m.current_due, lv) not in existing]
    if not new:
        return
    ops = connection.ops
    at = ops.adapt_datetimefield_value(now)
    insert_new(
        Alert,
        ("matter", "deadline_kind", "due", "level", "unit", "created_at"),
        [
            (
                m.pk,
                k,
                ops.adapt_datefield_value(m.current_due or today),
                lv,
                duty_unit(m, k),
                at,
            )
            for m, k, lv in new
        ],
    )
    units = {duty_unit(m, k) for m, k, _ in new}
    staff: dict[tuple[int, bool], set[int]] = {}
    for unit_id, user_id, role in Membership.objects.filter(
        unit_id__in=units, role__in=[*HANDLING_ROLES, *OFFICE_ROLES], user__is_active=True
    ).values_list("unit_id", "user_id", "role"):
        for office in (False, True):
            if role in (OFFICE_ROLES if office else HANDLING_ROLES):
                staff.setdefault((unit_id, office), set()).add(user_id)
    keys = {}
    for m, k, lv in new:
        keys[m.pk] = f"{lv}:{k}:{m.current_due}"[:80]
    sent = set(
        Notification.objects.filter(
            matter_id__in=list(keys), key__in=set(keys.values())
        ).values_list("user_id", "matter_id", "key")
    )
    texts = {
        pk: (no, title)
        for pk, no, title in Matter.objects.filter(pk__in=list(keys)).values_list(
            "pk", "receipt_no", "title"
        )
    }
    notes: list[tuple[Any, ...]] = []
    for m, k, lv in new:
        if lv == Level.OVERDUE:
            res.overdue += 1
        else:
            res.warnings += 1
        label = LABELS.get(k, (k, ""))[0]
        assert m.current_due is not None
        receipt_no, title = texts.get(m.pk, ("", ""))
        text = f"{receipt_no}《{title[:30]}》{label}" + (
            f"已于{m.current_due:%Y-%m-%d}届满，已超期"
            if lv == Level.OVERDUE
            else f"将于{m.current_due:%Y-%m-%d}届满"
        )
        for user_id in sorted(staff.get((duty_unit(m, k), k in OFFICE_DUTIES), ())):
            if (user_id, m.pk, keys[m.pk]) in sent:
                continue
            notes.append((user_id, m.pk, lv, keys[m.pk], text[:300], at))
    insert_new(Notification, ("user", "matter", "level", "key", "text", "created_at"), notes)
    res.notifications += len(notes)
