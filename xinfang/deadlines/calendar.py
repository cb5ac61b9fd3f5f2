"""Working-day arithmetic over the holiday calendar (procedure.md §5; CC Arts. 200–204).

``Calendar`` is an immutable value: the set of holiday dates and the set of make-up
working days. All date arithmetic is pure; loading from the database is separate.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta


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
        if self.published is None:
            return False
        return any(y not in self.published for y in range(start.year, end.year + 1))

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


def load_calendar() -> Calendar:
    """The calendar from the database, cached per process (``invalidate()`` clears it)."""
    with _lock:
        hit = _cache.get("cal")
    if hit is not None and time.monotonic() - hit[0] < CACHE_SECONDS:
        return hit[1]
    from .models import CalendarDay, DayKind

    holidays: set[date] = set()
    workdays: set[date] = set()
    for d, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(d)
    cal = Calendar(frozenset(holidays), frozenset(workdays))
    with _lock:
        _cache["cal"] = (time.monotonic(), cal)
    return cal


def invalidate() -> None:
    with _lock:
        _cache.clear()
