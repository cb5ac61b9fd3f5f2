"""Deadline cases with expected dates worked out by hand from the State Council's holiday
notices for 2024–2026 (weekday names checked against a printed calendar).

Rules: the start day is not counted (民法典第二百零一条); a period whose last day is not a
working day ends on the next working day when roll-forward is on (第二百零三条); make-up
working days (调休) are working days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.clock import Policy, compute

TZ = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat

# (start, days, working days?, roll forward?, expected last day)
CALENDAR_CASES = [
    ("2026-09-20", 15, False, True, "2026-10-08"),  # 10/5 in National Day → Thu 10/8
    ("2026-09-20", 15, False, False, "2026-10-05"),
    ("2026-09-28", 5, True, True, "2026-10-10"),  # 9/29, 9/30, 10/8, 10/9, Sat 10/10 调休
    ("2025-09-26", 5, True, True, "2025-10-10"),  # Sun 9/28 调休, 9/29, 9/30, 10/9, 10/10
    ("2024-09-27", 5, True, True, "2024-10-10"),  # Sun 9/29 调休, 9/30, 10/8, 10/9, 10/10
    ("2026-02-12", 5, True, True, "2026-02-26"),  # 2/13, Sat 2/14 调休, 2/24, 2/25, 2/26
    ("2025-01-24", 5, True, True, "2025-02-07"),  # Sun 1/26 调休, 1/27, 2/5, 2/6, 2/7
    ("2024-02-08", 5, True, True, "2024-02-21"),  # 2/9, Sun 2/18 调休, 2/19, 2/20, 2/21
    ("2024-12-27", 5, True, True, "2025-01-06"),  # 12/30, 12/31, 1/2, 1/3, 1/6
    ("2026-02-01", 15, False, True, "2026-02-24"),  # 2/16 in Spring Festival → Tue 2/24
    ("2026-02-01", 15, False, False, "2026-02-16"),
    ("2026-02-13", 1, False, True, "2026-02-14"),  # Sat 2/14 is a 调休 working day
    ("2026-02-27", 1, False, True, "2026-02-28"),  # Sat 2/28 is a 调休 working day
    ("2026-03-06", 1, False, True, "2026-03-09"),  # Sat 3/7 → Mon 3/9
    ("2026-03-06", 1, False, False, "2026-03-07"),
    ("2026-03-02", 60, False, True, "2026-05-06"),  # 5/1 in Labour Day → Wed 5/6
    ("2026-03-02", 60, False, False, "2026-05-01"),
    ("2025-12-20", 15, False, True, "2026-01-04"),  # Sun 1/4 is a 调休 working day
    ("2025-12-17", 15, False, True, "2026-01-04"),  # 1/1-1/3 holiday → Sun 1/4 调休
    ("2024-12-17", 15, False, True, "2025-01-02"),  # New Year's Day → Thu 1/2
    ("2025-09-15", 15, False, True, "2025-09-30"),
    ("2025-09-16", 15, False, True, "2025-10-09"),  # 10/1-10/8 → Thu 10/9
    ("2024-09-16", 30, False, True, "2024-10-16"),
    ("2024-09-01", 30, False, True, "2024-10-08"),  # 10/1-10/7 → Tue 10/8
    ("2025-04-01", 30, False, True, "2025-05-06"),  # 5/1-5/5 → Tue 5/6
    ("2024-05-20", 20, False, True, "2024-06-11"),  # 6/9 Sun, 6/10 端午 → Tue 6/11
]

WORKING = [
    ("2024-09-14", True),  # Sat 调休
    ("2024-09-16", False),  # Mon 中秋
    ("2025-05-31", False),  # Sat 端午
    ("2025-06-02", False),  # Mon 端午
    ("2026-06-19", False),  # Fri 端午
    ("2026-01-04", True),  # Sun 调休
    ("2026-10-10", True),  # Sat 调休
    ("2026-10-11", False),  # ordinary Sunday
    ("2026-11-23", True),  # ordinary Monday
]


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "days", "working", "roll", "expected"), CALENDAR_CASES)
def test_calendar_case(start: str, days: int, working: bool, roll: bool, expected: str) -> None:
    cal = load_calendar()
    if working:
        got = cal.add_working_days(D(start), days)
    else:
        got = cal.add_calendar_days(D(start), days, roll_forward=roll)
    assert got == D(expected)


@pytest.mark.django_db
@pytest.mark.parametrize(("day", "working"), WORKING)
def test_working_day(day: str, working: bool) -> None:
    assert load_calendar().is_working_day(D(day)) is working


@dataclass
class E:
    action: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def ev(action: str, day: str, **data: Any) -> E:
    return E(action, datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ), data)


def reg(day: str, **data: Any) -> E:
    return ev("register", day, received_on=day, **data)


def clock(
    events: list[E], today: str, *, kind: str = "original", category: str = "claim", **policy: Any
) -> Any:
    return compute(
        matter_kind=kind,
        category=category,
        events=events,
        calendar=load_calendar(),
        today=D(today),
        policy=Policy(**policy),
    )


ACCEPTED = [reg("2026-03-01"), ev("forward", "2026-03-02"), ev("accept", "2026-03-03")]

# (events, today, matter kind, policy, deadline kind, expected due, expected state)
CLOCK_CASES: list[tuple[list[E], str, str, dict[str, Any], str, str | None, str]] = [
    (ACCEPTED, "2026-03-10", "original", {}, "handling", "2026-05-06", "running"),
    (
        ACCEPTED,
        "2026-03-10",
        "original",
        {"roll_forward": False},
        "handling",
        "2026-05-02",
        "running",
    ),
    (
        [
            *ACCEPTED,
            ev("request_extension", "2026-04-20", days=30),
            ev("approve_extension", "2026-04-21", days=30),
        ],
        "2026-04-21",
        "original",
        {},
        "handling",
        "2026-06-01",
        "running",
    ),
    (
        [*ACCEPTED, ev("pause", "2026-03-10", reason_kind="material"), ev("resume", "2026-03-14")],
        "2026-03-20",
        "original",
        {},
        "handling",
        "2026-05-07",
        "running",
    ),
    (
        [*ACCEPTED, ev("pause", "2026-03-10", reason_kind="material"), ev("resume", "2026-03-14")],
        "2026-03-20",
        "original",
        {"pause_for_material": False},
        "handling",
        "2026-05-06",
        "running",
    ),
    (
        [*ACCEPTED, ev("pause", "2026-03-10", reason_kind="hearing"), ev("resume", "2026-03-12")],
        "2026-03-20",
        "original",
        {},
        "handling",
        "2026-05-06",
        "running",
    ),
    (
        [*ACCEPTED, ev("pause", "2026-03-10", reason_kind="material")],
        "2026-03-20",
        "original",
        {},
        "handling",
        None,
        "paused",
    ),
    (
        [*ACCEPTED, ev("submit_opinion", "2026-05-07"), ev("approve_opinion", "2026-05-08")],
        "2026-05-08",
        "original",
        {},
        "handling",
        "2026-05-06",
        "late",
    ),
    (ACCEPTED, "2026-05-07", "original", {}, "handling", "2026-05-06", "overdue"),
    (
        [
            reg("2026-04-13"),
            ev("pause", "2026-04-20", reason_kind="hearing"),
            ev("resume", "2026-04-22"),
        ],
        "2026-04-23",
        "reexam",
        {},
        "reexam",
        "2026-05-18",
        "running",
    ),
    ([reg("2026-04-13")], "2026-04-23", "reexam", {}, "reexam", "2026-05-13", "running"),
    ([reg("2026-09-10")], "2026-09-11", "review", {}, "review", "2026-10-10", "running"),
    ([reg("2026-09-05")], "2026-09-11", "review", {}, "review", "2026-10-08", "running"),
    (
        [reg("2026-09-28"), ev("forward", "2026-09-28")],
        "2026-10-11",
        "original",
        {},
        "objection",
        "2026-10-10",
        "expired",
    ),
    (
        [reg("2026-09-20", office=True)],
        "2026-10-09",
        "original",
        {},
        "routing",
        "2026-10-08",
        "overdue",
    ),
    (
        [reg("2026-09-20", office=True), ev("forward", "2026-09-25")],
        "2026-10-09",
        "original",
        {},
        "routing",
        "2026-10-08",
        "met",
    ),
    (
        [*ACCEPTED, ev("submit_opinion", "2026-04-01"), ev("approve_opinion", "2026-04-02")],
        "2026-04-02",
        "original",
        {},
        "review_window",
        "2026-05-06",
        "running",
    ),
    (
        [
            *ACCEPTED,
            ev("submit_opinion", "2026-04-01"),
            ev("approve_opinion", "2026-04-02", served_on="2026-04-10"),
        ],
        "2026-04-10",
        "original",
        {},
        "review_window",
        "2026-05-11",
        "running",
    ),
    (
        [
            reg("2026-03-01"),
            ev("assign", "2026-03-02", due_on="2026-03-31"),
            ev("accept", "2026-03-03"),
        ],
        "2026-03-03",
        "original",
        {},
        "handling",
        "2026-03-31",
        "running",
    ),
    (
        [reg("2025-11-14"), ev("accept_direct", "2025-11-15")],
        "2025-11-20",
        "original",
        {},
        "handling",
        "2026-01-14",
        "running",
    ),
    (
        [reg("2025-12-01"), ev("accept_direct", "2025-12-02")],
        "2025-12-03",
        "original",
        {},
        "handling",
        "2026-02-02",
        "running",
    ),  # Sat 1/31 → Mon 2/2
    ([reg("2026-09-20")], "2026-09-21", "original", {}, "receipt", "2026-10-08", "running"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("events", "today", "kind", "policy", "which", "due", "state"), CLOCK_CASES
)
def test_clock_case(
    events: list[E],
    today: str,
    kind: str,
    policy: dict[str, Any],
    which: str,
    due: str | None,
    state: str,
) -> None:
    got = clock(events, today, kind=kind, **policy).get(which)
    assert got is not None
    assert (got.due, got.state) == (D(due) if due else None, state)


@pytest.mark.django_db
def test_suggestion_period_is_a_setting() -> None:
    got = clock(ACCEPTED, "2026-03-10", category="suggestion", suggestion_days=30).get("handling")
    assert got is not None and got.due == D("2026-04-02")


@pytest.mark.django_db
def test_no_receipt_deadline_for_anonymous() -> None:
    assert clock([reg("2026-09-20", anonymous=True)], "2026-09-21").get("receipt") is None


@pytest.mark.django_db
def test_days_left() -> None:
    got = clock(ACCEPTED, "2026-05-03").get("handling")
    assert got is not None and got.days_left == 3


def test_table_has_enough_cases() -> None:
    assert len(CALENDAR_CASES) + len(WORKING) + len(CLOCK_CASES) >= 40
