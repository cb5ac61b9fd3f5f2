"""Where the daily sweep's jobs left off in the event log (``SweepMark``).

A job that looks for matters *newly* in some state (answered, concluded) reads only the
events written since its last run, instead of every matter that ever reached that state:
the cost of a daily run follows the day's work, not the years kept. The first run of a
job (no mark yet) reads everything, so nothing recorded before the mark existed is missed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, time

from django.utils import timezone

from xinfang.cases.models import Event

from .models import SweepMark

# Event ids are taken when a transaction inserts and become visible when it commits, so a
# run can see id N while a slower transaction still holds a lower one. Re-reading the last
# MARGIN ids covers that; the jobs are idempotent, so reading an event twice is harmless.
MARGIN = 5000


@contextmanager
def events_after(job: str, now: datetime) -> Iterator[int | None]:
    """The event id after which ``job`` must look (None: look at everything). The mark moves
    to the newest event, dated ``now``, when the block finishes without an error; with no
    new event it is left as it is, so a run that found nothing writes nothing."""
    top = Event.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    mark = SweepMark.objects.filter(job=job).values_list("event_id", flat=True).first()
    yield None if mark is None else max(0, mark - MARGIN)
    if mark != top:
        SweepMark.objects.update_or_create(job=job, defaults={"event_id": top, "updated_at": now})


def matters_touched(after: int) -> list[int]:
    """Ids of the matters with an event after ``after``, in order. Unordered in SQL: with
    the events' default order (matter, seq) SQLite walked that index over every event ever
    recorded to find the newest few."""
    touched = Event.objects.filter(pk__gt=after).order_by().values_list("matter_id", flat=True)
    return sorted(set(touched))


def sweep_instant(today: date) -> datetime:
    """The instant at which the sweep for ``today`` dates what it writes: the wall-clock
    time when ``today`` is the current day in the deployment's time zone (Asia/Shanghai by
    default), so that a live run records when it ran; for any other day, the last second
    of that day (23:59:59), after everything recorded during the day, as the day's own
    sweep would have been. Either way its date is ``today``."""
    now = timezone.now()
    if timezone.localdate(now) == today:
        return now
    return timezone.make_aware(datetime.combine(today, time(23, 59, 59)))
