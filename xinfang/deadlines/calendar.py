"""Working-day arithmetic over the holiday calendar (procedure.md §5; CC Arts. 200–204).

``Calendar`` is an immutable value: the set of holiday dates, the set of make-up working
days and the years whose State Council arrangement is loaded. All date arithmetic is
pure; loading from the database is separate (``load_calendar``).

A year without a loaded arrangement is not counted on weekends alone: ``load_calendar``
adds the statutory days of the 全国年节及纪念日放假办法 (``statutory``) for it, and every
deadline whose period crosses it is provisional (``Calendar.provisional``) until the
arrangement, with its 调休 days, is loaded.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import statutory
from .models import CalendarDay, DayKind, PublishedYear


@dataclass(frozen=True)
class Calendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)
    # Years whose State Council arrangement (holidays with their 调休 days) is loaded;
    # ``None``: the calendar does not say, and no deadline is marked provisional.
    published: frozenset[int] | None = None

    def provisional(self, start: date, end: date) -> bool:
        """Whether a period from ``start`` to ``end`` crosses a year whose arrangement is not
        loaded, so that its end may still move when the State Council publishes it."""
        return bool(self.unpublished_years(start, end))

    def unpublished_years(self, start: date, end: date) -> tuple[int, ...]:
        """The years from ``start``'s to ``end``'s whose arrangement is not loaded (none
        when the calendar does not say which are)."""
        if self.published is None:
            return ()
        lo, hi = sorted((start.year, end.year))
        return tuple(y for y in range(lo, hi + 1) if y not in self.published)

    def is_working_day(self, d: date) -> bool:
        """Weekdays that are not holidays, plus make-up working days (调休)."""
        if d in self.workdays:
            return True
        if d in self.holidays:
            return False
        return d.weekday() < 5

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the next one."""
        while not self.is_working_day(d):
            d += timedelta(days=1)
        return d

    def add_calendar_days(self, start: date, days: int, *, roll_forward: bool) -> date:
        """The last day of a period of ``days`` calendar days beginning after ``start``.

        The start day is not counted (CC Art. 201). If the last day is not a working day
        and ``roll_forward`` is set, the period ends on the next working day (CC Art. 203).
        """
        end = start + timedelta(days=days)
        return self.next_working_day(end) if roll_forward else end

    def add_working_days(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (start day not counted)."""
        d = start
        counted = 0
        while counted < days:
            d += timedelta(days=1)
            if self.is_working_day(d):
                counted += 1
        return d

    def working_days_between(self, start: date, end: date) -> int:
        """Working days in (start, end]: how many working days have run since ``start``."""
        n = 0
        d = start
        while d < end:
            d += timedelta(days=1)
            if self.is_working_day(d):
                n += 1
        return n


_lock = threading.Lock()
_cache: dict[str, tuple[float, Calendar]] = {}
CACHE_SECONDS = 300.0  # other worker processes see an administrator's edit within this time


# Years after today's whose statutory days are derived when no arrangement is loaded. A
# period running past them (years of pauses) is still marked provisional.
YEARS_AHEAD = 5


def load_calendar() -> Calendar:
    """The calendar from the database, cached per process (``invalidate()`` clears it).

    The years with a loaded arrangement (``PublishedYear``) are ``published`` and counted
    on their rows alone. For every other year from ``statutory.EFFECTIVE_YEAR`` to
    ``YEARS_AHEAD`` years after today, the statutory days of the 办法 are added as holidays
    (no make-up working days: those are unknown until the notice); rows entered for such
    a year before it is marked loaded count as well.
    """
    with _lock:
        hit = _cache.get("cal")
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    from django.utils import timezone

    holidays: set[date] = set()
    workdays: set[date] = set()
    for d, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(d)
    published = _published_years()
    if published is None:  # before the migration that records them: the years with rows
        published = frozenset(d.year for d in holidays | workdays)
    for year in range(statutory.EFFECTIVE_YEAR, timezone.localdate().year + YEARS_AHEAD + 1):
        if year not in published:
            holidays |= statutory.statutory_dates(year)
    cal = Calendar(frozenset(holidays), frozenset(workdays), published)
    with _lock:
        _cache["cal"] = (time.monotonic(), cal)
    return cal


def _published_years() -> frozenset[int] | None:
    """The years marked loaded; ``None`` while their table does not exist yet (a data
    migration of another app that counts deadlines before ``deadlines.0003`` ran)."""
    from django.db import DatabaseError, connection, transaction

    def read() -> frozenset[int]:
        return frozenset(PublishedYear.objects.values_list("year", flat=True))

    try:
        if connection.in_atomic_block:
            # A savepoint, so that a missing table does not abort the caller's transaction
            # on PostgreSQL. Outside a transaction no block is opened: on SQLite every
            # atomic block takes the writers' lock.
            with transaction.atomic():
                return read()
        return read()
    except DatabaseError:
        return None


def invalidate() -> None:
    with _lock:
        _cache.clear()
