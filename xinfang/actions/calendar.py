"""A change of the holiday calendar, carried to the matters it moves.

The pages, the API and the portal compute deadlines afresh; the verdicts stored on matter
rows (what queues, lists and the sweep read) are recomputed here after the calendar
changes (``deadlines.admin``, ``xinfang loadholidays``, the migration that introduced
derived years)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta

from django.db import transaction

from xinfang.actions.workflow import refresh_deadlines
from xinfang.cases.models import Event, Matter
from xinfang.deadlines import calendar
from xinfang.deadlines.clock import TZ

# How far after a changed day a stored due date can lie and still move with it: a period
# rolled forward past a holiday block, or five working days counted across one.
REACH = timedelta(days=31)
# The columns of a matter that the clock and the stored verdicts need (also run by the
# migration that introduced derived years: no other column need exist yet).
READS = (
    "pk",
    "kind",
    "category",
    "status",
    "merged_into",
    "receipt_no",
    "current_due",
    "current_due_kind",
    "answered_on_time",
    "version",
)


def refresh_matters(since: date, until: date, *, batch: int = 500) -> int:
    """Recompute the clock's verdicts stored on matter rows (``current_due``,
    ``current_due_kind``, ``answered_on_time``: what queues, lists and the sweep read) that
    a change of the calendar between ``since`` and ``until`` can move: matters whose stored
    nearest deadline lies from ``since`` to ``until`` plus ``REACH``, and matters answered
    in that window (plus ``REACH`` again). The pages, the API and the portal compute
    deadlines afresh; without this the queue and the sweep would keep the date counted on
    the old calendar.

    Each row is written only if its verdict changed and no transition changed it
    meanwhile (its ``version``); returns the number of rows written."""
    calendar.invalidate()
    near = Matter.objects.filter(current_due__gte=since, current_due__lte=until + REACH)
    ids = set(near.values_list("pk", flat=True))
    # An answer's verdict can flip only if it came within a few days of a moved due date.
    answered = Event.objects.filter(
        action="approve_opinion",
        at__gte=datetime.combine(since, time.min, tzinfo=TZ),
        at__lt=datetime.combine(until + 2 * REACH, time.min, tzinfo=TZ),
    )
    ids |= set(answered.values_list("matter_id", flat=True))
    fields = ("current_due", "current_due_kind", "answered_on_time")
    written = 0
    ordered = sorted(ids)
    for i in range(0, len(ordered), batch):
        with transaction.atomic():
            rows = Matter.objects.filter(pk__in=ordered[i : i + batch]).only(*READS)
            for m in rows.order_by("pk"):
                before = tuple(getattr(m, f) for f in fields)
                refresh_deadlines(m)
                after = tuple(getattr(m, f) for f in fields)
                if after != before:
                    written += Matter.objects.filter(pk=m.pk, version=m.version).update(
                        **dict(zip(fields, after, strict=True))
                    )
    return written


def refresh_years(years: Iterable[int]) -> int:
    """``refresh_matters`` for whole years (an arrangement loaded, or a year unmarked)."""
    ys = sorted(set(years))
    if not ys:
        return 0
    return refresh_matters(date(ys[0], 1, 1), date(ys[-1], 12, 31))
