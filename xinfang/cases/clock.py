"""Glue between matters and the pure clock in ``xinfang.deadlines.clock``."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from django.conf import settings
from django.utils import timezone

from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.clock import Clock, ClockEvent, Policy, compute

from .models import Event, Matter


def policy() -> Policy:
    cfg: dict[str, Any] = settings.XINFANG
    return Policy(
        roll_forward=cfg["ROLL_FORWARD"],
        suggestion_days=cfg["SUGGESTION_DAYS"],
        report_days=cfg["REPORT_DAYS"],
        pause_for_material=cfg["PAUSE_FOR_MATERIAL"],
    )


def today() -> date:
    return timezone.localdate()


def clock_for(
    matter: Matter, *, on: date | None = None, events: Iterable[ClockEvent] | None = None
) -> Clock:
    """All deadlines of ``matter`` as of ``on`` (default: today in Asia/Shanghai)."""
    evs = (
        list(events)
        if events is not None
        else list(Event.objects.filter(matter=matter).only("action", "at", "data").order_by("seq"))
    )
    return compute(
        matter_kind=matter.kind,
        category=matter.category,
        events=evs,
        calendar=load_calendar(),
        today=on or today(),
        policy=policy(),
    )
