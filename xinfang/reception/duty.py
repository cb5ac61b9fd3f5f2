"""The office's duty log (值班日志) and handover (交接班): who is on duty, who reads a log,
and every write to it.

Who is on duty is what the roster says (``supervision.DutyShift``, kept on the staff
roster page): a member of the shift's unit, in a role that opens the duty pages
(``cases.access.PAGES["duty"]``), whose name is among the shift's ``staff``. The log of a
shift is read by its officers, by the unit's leaders, and — once handed over — by the
officers of the shift it was handed to. Entries are never changed (``DutyEntry.save``);
after the handover the log takes corrections only.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone

from xinfang.cases import access
from xinfang.core.errors import UserError, check_text
from xinfang.org.models import Role

from .models import DutyEntry, DutyLog, EntryKind

MAX_TEXT = 2000
MAX_NOTE = 4000

# The roster lists the officers as people write names: 李明、赵红 / 李明，赵红 / 李明 赵红;
# a remark in brackets (李明（主班）) is not part of the name.
_SEPARATORS = re.compile(r"[、，,；;/／\s]+")
_REMARK = re.compile(r"[（(][^）)]*[）)]")

# Who reads every log of their unit.
LOG_READERS = (Role.LEADER,)


def officer_names(shift: Any) -> list[str]:
    """The names of the people on duty in ``shift``, in the roster's order."""
    names: list[str] = []
    for n in _SEPARATORS.split(_REMARK.sub("", shift.staff or "")):
        if n and n not in names:
            names.append(n)
    return names


def _name(user: Any) -> str:
    return (getattr(user, "display_name", "") or user.get_username()).strip()


def is_officer(user: Any, shift: Any) -> bool:
    """Whether ``user`` is on duty in ``shift``: named on it and working in its unit in a
    role that opens the duty pages. A name alone is not enough (another unit may have a
    李明)."""
    if shift is None or not getattr(user, "is_authenticated", False):
        return False
    works_there = any(
        m.unit_id == shift.unit_id and m.role in access.PAGES["duty"]
        for m in user.memberships.all()
    )
    return works_there and _name(user) in officer_names(shift)


def _leads(user: Any, unit_id: int) -> bool:
    return any(m.unit_id == unit_id and m.role in LOG_READERS for m in user.memberships.all())


def may_read(user: Any, shift: Any, log: DutyLog | None = None) -> bool:
    """Whether ``user`` may read the log of ``shift``: its officers, the unit's leaders,
    and after the handover the officers of the shift that received it. ``log``: the
    shift's log as the caller just read it (a page listing many shifts), else read here."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_officer(user, shift) or _leads(user, shift.unit_id):
        return True
    if log is None:
        log = DutyLog.objects.filter(shift=shift).select_related("to_shift").first()
    return log is not None and log.handed_over_at is not None and is_officer(user, log.to_shift)


def next_shift(shift: Any) -> Any:
    """The unit's next shift on the roster after ``shift`` (by day and start), or None."""
    return (
        type(shift)
        .objects.filter(unit_id=shift.unit_id)
        .filter(Q(date__gt=shift.date) | Q(date=shift.date, start__gt=shift.start))
        .order_by("date", "start", "pk")
        .first()
    )


def incoming(shift: Any) -> list[DutyLog]:
    """The handovers addressed to ``shift``, oldest first."""
    return list(
        DutyLog.objects.filter(to_shift=shift, handed_over_at__isnull=False)
        .select_related("shift", "handed_over_by", "confirmed_by")
        .prefetch_related("carried")
        .order_by("handed_over_at", "pk")
    )


def unfinished(shift: Any) -> list[DutyEntry]:
    """What a handover of ``shift`` may carry on: its own entries marked unfinished and the
    items handed over to it, oldest first."""
    own = DutyEntry.objects.filter(log__shift=shift, pending=True)
    carried_in = DutyEntry.objects.filter(carried_by__to_shift=shift)
    found = {e.pk: e for e in [*own, *carried_in]}
    return sorted(found.values(), key=lambda e: (e.at, e.pk))


def _refuse_unless_officer(user: Any, shift: Any) -> None:
    if not is_officer(user, shift):
        raise UserError(
            "not_on_duty",
            "您不在本班次的值班人员名单中",
            "You are not on duty in this shift",
        )


def _refuse_before_the_day(shift: Any, now: datetime) -> None:
    if shift.date > timezone.localdate(now):
        raise UserError("not_started", "本班次尚未开始", "This shift has not begun yet")


def _locked_log(shift: Any, now: datetime) -> DutyLog:
    log, _created = DutyLog.objects.get_or_create(shift=shift, defaults={"opened_at": now})
    return DutyLog.objects.select_for_update().get(pk=log.pk)


def write_entry(
    *,
    shift: Any,
    by: Any,
    at: datetime,
    kind: str,
    summary: str,
    action: str = "",
    pending: bool = False,
    corrects: DutyEntry | None = None,
    now: datetime | None = None,
) -> DutyEntry:
    """Append one entry to the log of ``shift`` (opening the log with its first entry).

    Refuses (``UserError``, nothing written) unless ``by`` is on duty in the shift, the
    shift's day has come, ``at`` is on that day and not later than ``now``, and the text
    is given and readable. After the handover only a correction is taken, and a
    correction names an entry of the same log.
    """
    now = now or timezone.now()
    summary, action = summary.strip(), action.strip()
    if kind not in EntryKind.values:
        raise UserError("bad_kind", "请选择记录类别", "Choose what kind of entry this is")
    if not summary:
        raise UserError("required", "请填写情况", "Say what came in", field="summary")
    check_text(summary, field="summary", zh="情况", en="What came in", max_length=MAX_TEXT)
    check_text(action, field="action", zh="处理情况", en="What was done", max_length=MAX_TEXT)
    _refuse_unless_officer(by, shift)
    _refuse_before_the_day(shift, now)
    if timezone.localdate(at) != shift.date:
        raise UserError(
            "other_day", "记录时间应在本班次当日", "The time must be on the shift's day", field="at"
        )
    if at > now:
        raise UserError(
            "future", "记录时间不能晚于现在", "The time cannot be in the future", field="at"
        )
    if corrects is not None and kind != EntryKind.CORRECTION:
        raise UserError(
            "corrects_kind",
            "指明更正哪一条时，类别应为“更正”",
            "Only a correction names an entry it corrects",
        )
    with transaction.atomic():
        log = _locked_log(shift, now)
        if log.handed_over_at is not None and kind != EntryKind.CORRECTION:
            raise UserError(
                "handed_over",
                "本班已交班，只能以更正记录补充",
                "This shift is handed over: only corrections may be added",
            )
        if kind == EntryKind.CORRECTION and (corrects is None or corrects.log_id != log.pk):
            raise UserError(
                "corrects_required",
                "请选择要更正的本班记录",
                "Choose the entry of this log that is corrected",
                field="corrects",
            )
        last = log.entries.aggregate(n=Max("seq"))["n"] or 0
        return DutyEntry.objects.create(
            log=log,
            seq=last + 1,
            at=at,
            kind=kind,
            summary=summary,
            action=action,
            pending=pending and kind != EntryKind.CORRECTION,
            corrects=corrects,
            written_at=now,
            written_by=by,
        )


def hand_over(
    *,
    shift: Any,
    by: Any,
    note: str,
    carry: Iterable[int] | None = None,
    now: datetime | None = None,
) -> DutyLog:
    """Hand the shift over to the unit's next shift on the roster, once, with a note and
    the unfinished items to carry on (``carry``: entry ids among ``unfinished(shift)``;
    ``None`` carries them all). Refuses when ``by`` is not on duty, the note is empty,
    the roster has no next shift, or the shift is already handed over."""
    now = now or timezone.now()
    note = note.strip()
    if not note:
        raise UserError(
            "required",
            "请填写交班说明（没有遗留事项的，请写“无”）",
            "Write a handover note ('none' if nothing is left)",
            field="note",
        )
    check_text(note, field="note", zh="交班说明", en="The handover note", max_length=MAX_NOTE)
    _refuse_unless_officer(by, shift)
    _refuse_before_the_day(shift, now)
    to = next_shift(shift)
    if to is None:
        raise UserError(
            "no_next_shift",
            "值班表中还没有下一班次，无法交班。请单位负责人或督办员先排班。",
            "The roster has no next shift to hand over to; ask for it to be planned first",
        )
    with transaction.atomic():
        log = _locked_log(shift, now)
        if log.handed_over_at is not None:
            raise UserError("handed_over", "本班已交班", "This shift is already handed over")
        open_items = {e.pk for e in unfinished(shift)}
        chosen = open_items if carry is None else {int(i) for i in carry}
        if not chosen <= open_items:
            raise UserError(
                "bad_carry",
                "只能移交本班未办结的事项",
                "Only this shift's unfinished items can be carried on",
            )
        log.handed_over_at, log.handed_over_by = now, by
        log.handover_note, log.to_shift = note, to
        log.save(update_fields=["handed_over_at", "handed_over_by", "handover_note", "to_shift"])
        log.carried.set(sorted(chosen))
    return log


def confirm(*, log: DutyLog, by: Any, now: datetime | None = None) -> DutyLog:
    """The next officer confirms receipt of the handover (接班确认), once."""
    now = now or timezone.now()
    if log.handed_over_at is None:
        raise UserError("not_handed_over", "本班尚未交班", "This shift is not handed over yet")
    _refuse_unless_officer(by, log.to_shift)
    with transaction.atomic():
        locked = DutyLog.objects.select_for_update().get(pk=log.pk)
        if locked.confirmed_at is not None:
            raise UserError("confirmed", "已确认接班", "Receipt is already confirmed")
        locked.confirmed_at, locked.confirmed_by = now, by
        locked.save(update_fields=["confirmed_at", "confirmed_by"])
    return locked
