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
        objection_decision_days=cfg["OBJECTION_DECISION_DAYS"],
        pause_review_days=cfg["PAUSE_REVIEW_DAYS"],
    )


def today() -> date:
    return timezone.localdate()


def clock_for(
    matter: Matter, *, on: date | None = None, events: Iterable[ClockEvent] | None = None
) -> Clock:
    """All deadlines of ``matter`` as of ``on`` (default: today in Asia/Shanghai).

    A matter merged into another (并案) is given the main matter's clock, whose handling
    deadline it follows (``deadlines.clock``)."""
    evs = list(events) if events is not None else _events(matter.pk)
    main = None
    main_no = ""
    if matter.merged_into_id is not None:
        parent = Matter.objects.only("pk", "kind", "category", "receipt_no", "merged_into").get(
            pk=matter.merged_into_id
        )
        main = clock_for(parent, on=on)
        main_no = parent.receipt_no
    return compute(
        matter_kind=matter.kind,
        category=matter.category,
        events=evs,
        calendar=load_calendar(),
        today=on or today(),
        policy=policy(),
        main=main,
        main_no=main_no,
    )


def _events(pk: int) -> list[Event]:
    return list(Event.objects.filter(matter_id=pk).only("action", "at", "data").order_by("seq"))


def answered_on_time(clock: Clock, matter_kind: str) -> bool | None:
    """Whether the opinion met the deadline it answers (handling for an original matter,
    the review or re-examination decision period otherwise); None before an opinion."""
    d = clock.get("handling") or clock.get(matter_kind)
    if d is None or d.state not in ("met", "late") or d.closed_by:
        return None
    return d.state == "met"
