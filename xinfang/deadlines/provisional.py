"""The words that mark a provisional deadline, the same on every surface.

A deadline is provisional when its period crosses a year whose State Council arrangement
is not loaded (``Calendar.provisional``; ``clock.Deadline.provisional``): it is counted on
the statutory days of the 办法 alone and may still move. The staff pages, the portal and
the written notices say so next to the date, naming the years, in one language:
"（暂定：2027年节假日安排尚未公布）" or "(provisional: the 2027 public holiday arrangement
has not been published yet)". A year before the current one was published long ago: for
it the note says that the arrangement is not loaded.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from django.utils import timezone
from django.utils.translation import get_language

from .calendar import Calendar, load_calendar


def is_english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def note(years: Sequence[int], *, english: bool | None = None, today: date | None = None) -> str:
    """The bracketed note for a deadline that depends on the arrangements of ``years``
    (none known: the note names no year). Chinese unless ``english`` (default: the
    active language is English)."""
    english = is_english() if english is None else english
    today = today or timezone.localdate()
    years = sorted(set(years))
    pending = all(y > today.year for y in years)  # a notice not yet due, or not yet out
    if english:
        named = " and ".join(map(str, years))
        plural = len(years) > 1
        what = (
            f"the {named} public holiday arrangement{'s' if plural else ''}"
            if years
            else "the public holiday arrangement"
        )
        verb = "have" if plural else "has"
        state = "not been published yet" if pending else "not been loaded"
        return f"(provisional: {what} {verb} {state})"
    named = f"{'、'.join(map(str, years))}年" if years else ""
    return f"（暂定：{named}节假日安排{'尚未公布' if pending else '尚未载入'}）"


def years_of(d: Any) -> tuple[int, ...]:
    """The years without a loaded arrangement that deadline ``d`` depends on; () unless
    ``d.provisional``."""
    if not getattr(d, "provisional", False):
        return ()
    end = d.due or d.start  # paused: its end is not known, the years from its start are
    return load_calendar().unpublished_years(d.start, end)


def note_for(d: Any, *, english: bool | None = None, today: date | None = None) -> str:
    """The note for deadline ``d``, or "" when it is final."""
    if not getattr(d, "provisional", False):
        return ""
    return note(years_of(d), english=english, today=today)


def years_until(due: date | None, since: date, cal: Calendar | None = None) -> tuple[int, ...]:
    """For a date known without its period (a list's ``current_due``, a date stored in an
    event's data): the years from ``since`` (or ``due``, if earlier) to ``due`` without a
    loaded arrangement. The period began on or before ``since``, so a year before it is
    missed; in practice the years without an arrangement are the coming ones. A deadline
    of the clock, which knows its period, is exact (``years_of``)."""
    if due is None:
        return ()
    return (cal or load_calendar()).unpublished_years(min(since, due), due)


def note_until(due: date | None, since: date, *, english: bool | None = None) -> str:
    """The note for such a date, or "" when it is final."""
    years = years_until(due, since)
    return note(years, english=english, today=since) if years else ""
