"""Deadline cases with the expected dates worked out by hand.

Every expected date below was counted on a printed calendar against the State Council
General Office's notices (2024 国办发明电〔2023〕7号, 2025 〔2024〕12号, 2026 〔2025〕7号);
none is computed by the code under test. The comment on a case shows the count.

Rules being checked (procedure.md §5):
* the start day is not counted (民法典第二百零一条; 民事诉讼法第八十五条第二款);
* a period whose last day is not a working day ends on the next working day when
  roll-forward is on (民法典第二百零三条; 民事诉讼法第八十五条第三款); a make-up Saturday
  or Sunday (调休上班日) IS a working day, so a period ending on it does not move;
* "5个工作日" counts working days only (信访工作条例第二十三条第三款);
* handling 60 days from acceptance, extension once ≤30 days (第三十四条); review and
  re-examination 30 days, hearing time excluded only from re-examination (第三十五、三十六条);
  a pause for missing material adds its days (setting, default on).

Most cases go through ``clock.compute()`` with small fake events, so the whole rule is
tested (which event starts which clock, pauses, extensions, states); the rest test the
``Calendar`` arithmetic directly.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple
from zoneinfo import ZoneInfo

import pytest

from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.clock import Clock, Policy, compute

TZ = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat

# ---------------------------------------------------------------------------------------
# Calendar arithmetic, directly.
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


# ---------------------------------------------------------------------------------------
# The whole rule, through clock.compute().


@dataclass
class E:
    """A stand-in for ``cases.models.Event``: what the clock reads and nothing else."""

    action: str
    at: datetime
    data: dict[str, Any] = field(default_factory=dict)


def ev(action: str, day: str, **data: Any) -> E:
    return E(action, datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ), data)


def reg(day: str, **data: Any) -> E:
    """Registration: the first event; ``received_on`` is the receipt date."""
    return E(
        "register",
        datetime.fromisoformat(day).replace(hour=9, tzinfo=TZ),
        {
            "received_on": day,
            **data,
        },
    )


def pause(day: str, until: str | None, why: str = "material") -> list[E]:
    out = [ev("pause", day, reason_kind=why)]
    return [*out, ev("resume", until)] if until else out


def clock(events: list[E], today: str, *, kind: str = "original", **policy: Any) -> Clock:
    return compute(
        matter_kind=kind,
        category=policy.pop("category", "claim"),
        events=events,
        calendar=load_calendar(),
        today=D(today),
        policy=Policy(**policy),
    )


class C(NamedTuple):
    """One hand-counted case: the matter's events, ``today``, the deadline looked at and
    the due date and state expected."""

    events: list[E]
    today: str
    which: str
    due: str | None
    state: str
    kind: str = "original"
    policy: dict[str, Any] = {}


ACCEPTED = [reg("2026-03-01"), ev("forward", "2026-03-02"), ev("accept", "2026-03-03")]
# Accepted 3/3: 3/3 + 60 days = Sat 5/2, inside Labour Day 5/1-5/5 → Wed 5/6.
OPINION_0402 = [*ACCEPTED, ev("submit_opinion", "2026-04-01"), ev("approve_opinion", "2026-04-02")]
HANDLING_2025_08 = [reg("2025-07-31"), ev("accept_direct", "2025-08-01")]
# Accepted 8/1/2025: 8/1 + 60 = Tue 9/30/2025, a working day.
REVIEW_2025_03 = [
    reg("2025-03-01"),
    ev("approve_opinion", "2025-03-31", served_on="2025-04-01"),
]
# Review received 3/1/2025: + 30 = Mon 3/31. Reply served 4/1: + 30 = Thu 5/1, Labour Day
# 5/1-5/5 → Tue 5/6.

CLOCK_CASES: dict[str, C] = {
    # --- handling (XFGZ Art. 34) -------------------------------------------------------
    "2026 handling 60d ends in Labour Day": C(
        ACCEPTED, "2026-03-10", "handling", "2026-05-06", "running"
    ),
    "2026 handling without roll-forward": C(
        ACCEPTED, "2026-03-10", "handling", "2026-05-02", "running", policy={"roll_forward": False}
    ),
    "2026 handling +30 extension": C(
        [
            *ACCEPTED,
            ev("request_extension", "2026-04-20", days=30),
            ev("approve_extension", "2026-04-21", days=30),
        ],
        "2026-04-21",
        "handling",
        "2026-06-01",  # Sat 5/2 + 30 = Mon 6/1
        "running",
    ),
    "2026 material pause adds 5 days": C(
        [*ACCEPTED, *pause("2026-03-10", "2026-03-14")],
        "2026-03-20",
        "handling",
        "2026-05-07",  # 5/2 + 5 paused days (3/10..3/14) = Thu 5/7
        "running",
    ),
    "2026 material pause off by policy": C(
        [*ACCEPTED, *pause("2026-03-10", "2026-03-14")],
        "2026-03-20",
        "handling",
        "2026-05-06",
        "running",
        policy={"pause_for_material": False},
    ),
    "2026 hearing pause does not stop handling": C(
        [*ACCEPTED, *pause("2026-03-10", "2026-03-12", "hearing")],
        "2026-03-20",
        "handling",
        "2026-05-06",
        "running",
    ),
    "2026 open material pause": C(
        [*ACCEPTED, *pause("2026-03-10", None)], "2026-03-20", "handling", None, "paused"
    ),
    "2026 pause before acceptance not counted": C(
        [
            reg("2026-03-01"),
            *pause("2026-03-01", "2026-03-02"),
            ev("accept", "2026-03-03"),
        ],
        "2026-03-10",
        "handling",
        "2026-05-06",
        "running",
    ),
    "2026 opinion a day late": C(
        [*ACCEPTED, ev("submit_opinion", "2026-05-07"), ev("approve_opinion", "2026-05-08")],
        "2026-05-08",
        "handling",
        "2026-05-06",
        "late",
    ),
    "2026 opinion on the rolled last day is in time": C(
        [*ACCEPTED, ev("submit_opinion", "2026-05-05"), ev("approve_opinion", "2026-05-06")],
        "2026-05-06",
        "handling",
        "2026-05-06",
        "met",
    ),
    "2026 handling overdue": C(ACCEPTED, "2026-05-07", "handling", "2026-05-06", "overdue"),
    "2026 assignment fixes its own date": C(
        [
            reg("2026-03-01"),
            ev("assign", "2026-03-02", due_on="2026-03-31"),
            ev("accept", "2026-03-03"),
        ],
        "2026-03-03",
        "handling",
        "2026-03-31",
        "running",
    ),
    "2026 handling ends on make-up Sat 5/9": C(
        [reg("2026-03-09"), ev("accept_direct", "2026-03-10")],
        "2026-03-11",
        "handling",
        "2026-05-09",  # 3/10 + 21 = 3/31, + 30 = 4/30, + 9 = Sat 5/9 调休: no roll
        "running",
    ),
    "2026 pause pushes handling onto make-up Sat 10/10": C(
        [reg("2026-08-01"), ev("accept_direct", "2026-08-02"), *pause("2026-08-10", "2026-08-18")],
        "2026-08-20",
        "handling",
        "2026-10-10",  # 8/2 + 60 = 10/1; + 9 paused days (8/10..8/18) = Sat 10/10 调休
        "running",
    ),
    "2025→2026 handling ends in New Year → make-up Sun 1/4": C(
        [reg("2025-11-02"), ev("accept_direct", "2025-11-03")],
        "2025-11-10",
        "handling",
        "2026-01-04",  # 11/3 + 27 = 11/30, + 31 = 12/31, + 2 = 1/2; 1/1-1/3 off → Sun 1/4
        "running",
    ),
    "2025→2026 handling overdue after year boundary": C(
        [reg("2025-11-02"), ev("accept_direct", "2025-11-03")],
        "2026-01-05",
        "handling",
        "2026-01-04",
        "overdue",
    ),
    "2025→2026 handling ends in Spring Festival": C(
        [reg("2025-12-17"), ev("accept_direct", "2025-12-18")],
        "2025-12-20",
        "handling",
        "2026-02-24",  # 12/18 + 13 = 12/31, + 31 = 1/31, + 16 = 2/16; 2/15-2/23 → Tue 2/24
        "running",
    ),
    "2025→2026 Spring Festival handling +30": C(
        [
            reg("2025-12-17"),
            ev("accept_direct", "2025-12-18"),
            ev("request_extension", "2026-02-09", days=30),
            ev("approve_extension", "2026-02-10", days=30),
        ],
        "2026-02-10",
        "handling",
        "2026-03-18",  # 2/16 + 30: 2/16 + 12 = 2/28, + 18 = Wed 3/18
        "running",
    ),
    "2025 handling 60d": C(HANDLING_2025_08, "2025-08-10", "handling", "2025-09-30", "running"),
    "2025 material pause pushes into National Day": C(
        [*HANDLING_2025_08, *pause("2025-08-05", "2025-08-06")],
        "2025-08-10",
        "handling",
        "2025-10-09",  # 9/30 + 2 = 10/2, 10/1-10/8 off → Thu 10/9
        "running",
    ),
    "2025 material pause off by policy": C(
        [*HANDLING_2025_08, *pause("2025-08-05", "2025-08-06")],
        "2025-08-10",
        "handling",
        "2025-09-30",
        "running",
        policy={"pause_for_material": False},
    ),
    "2025 pause lands on make-up Sun 9/28": C(
        [reg("2025-07-19"), ev("accept_direct", "2025-07-20"), *pause("2025-08-01", "2025-08-10")],
        "2025-08-20",
        "handling",
        "2025-09-28",  # 7/20 + 11 = 7/31, + 31 = 8/31, + 18 = 9/18; + 10 paused = Sun 9/28 调休
        "running",
    ),
    "2025→2026 handling ending on Sat rolls to Mon": C(
        [reg("2025-12-01"), ev("accept_direct", "2025-12-02")],
        "2025-12-03",
        "handling",
        "2026-02-02",  # 12/2 + 29 = 12/31, + 31 = Sat 1/31 → Mon 2/2
        "running",
    ),
    "2025→2026 handling 60d across the year": C(
        [reg("2025-11-14"), ev("accept_direct", "2025-11-15")],
        "2025-11-20",
        "handling",
        "2026-01-14",  # 11/15 + 15 = 11/30, + 31 = 12/31, + 14 = Wed 1/14
        "running",
    ),
    "2024 handling 60d ends on 10/1": C(
        [reg("2024-08-01"), ev("accept_direct", "2024-08-02")],
        "2024-08-10",
        "handling",
        "2024-10-08",  # 8/2 + 29 = 8/31, + 30 = 9/30, + 1 = 10/1; 10/1-10/7 → Tue 10/8
        "running",
    ),
    "2024 handling ending on Sat": C(
        [reg("2024-10-14"), ev("accept_direct", "2024-10-15")],
        "2024-10-20",
        "handling",
        "2024-12-16",  # 10/15 + 16 = 10/31, + 30 = 11/30, + 14 = Sat 12/14 → Mon 12/16
        "running",
    ),
    "2024→2025 handling +30 across the year": C(
        [
            reg("2024-10-14"),
            ev("accept_direct", "2024-10-15"),
            ev("approve_extension", "2024-12-01", days=30),
        ],
        "2024-12-01",
        "handling",
        "2025-01-13",  # Sat 12/14 + 30: + 17 = 12/31, + 13 = Mon 1/13
        "running",
    ),
    "extension is capped at 30 days (XFGZ Art. 34)": C(
        [
            reg("2024-10-14"),
            ev("accept_direct", "2024-10-15"),
            ev("approve_extension", "2024-12-01", days=45),
        ],
        "2024-12-01",
        "handling",
        "2025-01-13",
        "running",
    ),
    "2024→2025 handling ends on New Year's Day": C(
        [reg("2024-11-01"), ev("accept_direct", "2024-11-02")],
        "2024-11-10",
        "handling",
        "2025-01-02",  # 11/2 + 28 = 11/30, + 31 = 12/31, + 1 = 1/1 → Thu 1/2
        "running",
    ),
    # --- receipt notice (XFGZ Art. 23 para 1) and routing (Art. 22): 15 days ------------
    "2026 receipt ends in National Day": C(
        [reg("2026-09-20")], "2026-09-21", "receipt", "2026-10-08", "running"
    ),
    "2026 receipt ends on make-up Sat 2/28": C(
        [reg("2026-02-13")], "2026-02-14", "receipt", "2026-02-28", "running"
    ),
    "2026 receipt ends in Spring Festival": C(
        [reg("2026-02-06")], "2026-02-07", "receipt", "2026-02-24", "running"
    ),
    "2026 routing overdue": C(
        [reg("2026-09-20", office=True)], "2026-10-09", "routing", "2026-10-08", "overdue"
    ),
    "2026 routing met": C(
        [reg("2026-09-20", office=True), ev("forward", "2026-09-25")],
        "2026-10-09",
        "routing",
        "2026-10-08",
        "met",
    ),
    "2026 routing ends in Mid-Autumn": C(
        [reg("2026-09-10", office=True)],
        "2026-09-11",
        "routing",
        "2026-09-28",  # 9/10 + 15 = Fri 9/25; 9/25-9/27 off → Mon 9/28
        "running",
    ),
    "2025 routing ends in Spring Festival": C(
        [reg("2025-01-13", office=True)],
        "2025-01-20",
        "routing",
        "2025-02-05",  # 1/13 + 15 = 1/28; 1/28-2/4 off → Wed 2/5
        "running",
    ),
    "2025 routing without roll-forward": C(
        [reg("2025-01-13", office=True)],
        "2025-01-20",
        "routing",
        "2025-01-28",
        "running",
        policy={"roll_forward": False},
    ),
    "2025 receipt on make-up Sun 1/26, sent that day": C(
        [reg("2025-01-11"), ev("send_receipt", "2025-01-26")],
        "2025-01-27",
        "receipt",
        "2025-01-26",  # 1/11 + 15 = Sun 1/26 调休: no roll
        "met",
    ),
    "2025 receipt ends in Dragon Boat": C(
        [reg("2025-05-16")],
        "2025-05-20",
        "receipt",
        "2025-06-03",  # 5/16 + 15 = Sat 5/31; 5/31-6/2 off → Tue 6/3
        "running",
    ),
    "2024→2025 receipt ends on Sat 1/4": C(
        [reg("2024-12-20")],
        "2024-12-21",
        "receipt",
        "2025-01-06",  # 12/20 + 11 = 12/31, + 4 = Sat 1/4 → Mon 1/6
        "running",
    ),
    "2023→2024 receipt ends on New Year's Day": C(
        [reg("2023-12-17")], "2023-12-20", "receipt", "2024-01-02", "running"
    ),
    "2024 receipt ends in National Day": C(
        [reg("2024-09-16")], "2024-09-20", "receipt", "2024-10-08", "running"
    ),
    "2024 receipt without roll-forward": C(
        [reg("2024-09-16")],
        "2024-09-20",
        "receipt",
        "2024-10-01",
        "running",
        policy={"roll_forward": False},
    ),
    "2024 receipt ends on make-up Sun 4/7": C(
        [reg("2024-03-23")], "2024-03-25", "receipt", "2024-04-07", "running"
    ),
    "2024 routing ends in Spring Festival → make-up Sun 2/18": C(
        [reg("2024-01-27", office=True)],
        "2024-02-01",
        "routing",
        "2024-02-18",  # 1/27 + 15 = Sun 2/11; 2/10-2/17 off → Sun 2/18 调休
        "running",
    ),
    # --- objection window: 5 working days (XFGZ Art. 23 para 3) ------------------------
    "2026 objection across National Day expired": C(
        [reg("2026-09-28"), ev("forward", "2026-09-28")],
        "2026-10-11",
        "objection",
        "2026-10-10",  # 9/29, 9/30, 10/8, 10/9, Sat 10/10 调休
        "expired",
    ),
    "2026 objection across Spring Festival": C(
        [reg("2026-02-12"), ev("forward", "2026-02-13")],
        "2026-02-24",
        "objection",
        "2026-02-27",  # Sat 2/14 调休, 2/24, 2/25, 2/26, 2/27
        "running",
    ),
    "2025→2026 objection across New Year": C(
        [reg("2025-12-26"), ev("forward", "2025-12-29")],
        "2025-12-30",
        "objection",
        "2026-01-06",  # 12/30, 12/31, Sun 1/4 调休, 1/5, 1/6
        "running",
    ),
    "2025 objection across Spring Festival, objected": C(
        [reg("2025-01-24"), ev("assign", "2025-01-27"), ev("object", "2025-02-10")],
        "2025-02-10",
        "objection",
        "2025-02-10",  # 2/5, 2/6, 2/7, Sat 2/8 调休, Mon 2/10
        "used",
    ),
    "2025 objection across National Day expired": C(
        [reg("2025-09-26"), ev("forward", "2025-09-29")],
        "2025-10-14",
        "objection",
        "2025-10-13",  # 9/30, 10/9, 10/10, Sat 10/11 调休, Mon 10/13
        "expired",
    ),
    "2024 objection across Mid-Autumn, accepted": C(
        [reg("2024-09-12"), ev("forward", "2024-09-13"), ev("accept", "2024-09-19")],
        "2024-09-19",
        "objection",
        "2024-09-23",  # Sat 9/14 调休, 9/18, 9/19, 9/20, Mon 9/23
        "used",
    ),
    "2024 objection across National Day, last day": C(
        [reg("2024-09-29"), ev("forward", "2024-09-30")],
        "2024-10-12",
        "objection",
        "2024-10-12",  # 10/8, 10/9, 10/10, 10/11, Sat 10/12 调休
        "running",
    ),
    # --- review / re-examination (XFGZ Arts. 35, 36) -----------------------------------
    "2026 review ends on make-up Sat 10/10": C(
        [reg("2026-09-10")], "2026-09-11", "review", "2026-10-10", "running", kind="review"
    ),
    "2026 review ends in National Day": C(
        [reg("2026-09-05")], "2026-09-11", "review", "2026-10-08", "running", kind="review"
    ),
    "2026 review paused for material": C(
        [reg("2026-09-10"), *pause("2026-09-14", None)],
        "2026-09-20",
        "review",
        None,
        "paused",
        kind="review",
    ),
    "2026 reexam plain": C(
        [reg("2026-04-13")], "2026-04-23", "reexam", "2026-05-13", "running", kind="reexam"
    ),
    "2026 reexam excludes hearing": C(
        [reg("2026-04-13"), *pause("2026-04-20", "2026-04-22", "hearing")],
        "2026-04-23",
        "reexam",
        "2026-05-18",  # 5/13 + 3 hearing days = Sat 5/16 → Mon 5/18
        "running",
        kind="reexam",
    ),
    "2026 reexam hearing moves off make-up Sat": C(
        [reg("2026-09-10"), *pause("2026-09-14", "2026-09-15", "hearing")],
        "2026-09-16",
        "reexam",
        "2026-10-12",  # 10/10 + 2 = Mon 10/12
        "running",
        kind="reexam",
    ),
    "2026 reexam material + hearing into Qingming": C(
        [
            reg("2026-03-02"),
            *pause("2026-03-05", "2026-03-06"),
            *pause("2026-03-10", "2026-03-12", "hearing"),
        ],
        "2026-03-13",
        "reexam",
        "2026-04-07",  # 3/2 + 30 = 4/1, + 2 + 3 = 4/6; 4/4-4/6 off → Tue 4/7
        "running",
        kind="reexam",
    ),
    "2025 reexam hearing to make-up Sat 10/11": C(
        [reg("2025-09-01"), *pause("2025-09-10", "2025-09-19", "hearing")],
        "2025-09-25",
        "reexam",
        "2025-10-11",  # 9/1 + 30 = 10/1, + 10 hearing days = Sat 10/11 调休
        "running",
        kind="reexam",
    ),
    "2025 review does not exclude hearing": C(
        [reg("2025-09-01"), *pause("2025-09-10", "2025-09-19", "hearing")],
        "2025-09-25",
        "review",
        "2025-10-09",  # 9/1 + 30 = 10/1; 10/1-10/8 off → Thu 10/9
        "running",
        kind="review",
    ),
    "2025 review decided on its last day": C(
        REVIEW_2025_03, "2025-04-02", "review", "2025-03-31", "met", kind="review"
    ),
    "2024 reexam ends after Dragon Boat": C(
        [reg("2024-05-10")],
        "2024-05-11",
        "reexam",
        "2024-06-11",  # 5/10 + 30 = Sun 6/9; 6/10 端午 → Tue 6/11
        "running",
        kind="reexam",
    ),
    "2024 review ends in Labour Day": C(
        [reg("2024-04-01")], "2024-04-02", "review", "2024-05-06", "running", kind="review"
    ),
    "2024 review ends on make-up Sat 5/11": C(
        [reg("2024-04-11")], "2024-04-12", "review", "2024-05-11", "running", kind="review"
    ),
    # --- the petitioner's windows (XFGZ Arts. 35, 36): 30 days from the written reply --
    "2026 review window from approval": C(
        OPINION_0402, "2026-04-02", "review_window", "2026-05-06", "running"
    ),
    "2026 review window from service": C(
        [
            *ACCEPTED,
            ev("submit_opinion", "2026-04-01"),
            ev("approve_opinion", "2026-04-02", served_on="2026-04-10"),
        ],
        "2026-04-10",
        "review_window",
        "2026-05-11",  # 4/10 + 30 = Sun 5/10 → Mon 5/11
        "running",
    ),
    "2026 review window used": C(
        [*OPINION_0402, ev("request_review", "2026-04-20")],
        "2026-04-20",
        "review_window",
        "2026-05-06",
        "used",
    ),
    "2026 review window ends in Dragon Boat": C(
        [*ACCEPTED, ev("submit_opinion", "2026-05-19"), ev("approve_opinion", "2026-05-20")],
        "2026-05-21",
        "review_window",
        "2026-06-22",  # 5/20 + 30 = Fri 6/19; 6/19-6/21 off → Mon 6/22
        "running",
    ),
    "2025 reexam window ends in Labour Day": C(
        REVIEW_2025_03, "2025-04-02", "reexam_window", "2025-05-06", "running", kind="review"
    ),
    "2025 reexam window expired": C(
        REVIEW_2025_03, "2025-05-07", "reexam_window", "2025-05-06", "expired", kind="review"
    ),
    "2025 reexam window used": C(
        [*REVIEW_2025_03, ev("request_reexam", "2025-04-20")],
        "2025-04-21",
        "reexam_window",
        "2025-05-06",
        "used",
        kind="review",
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("case", CLOCK_CASES.values(), ids=CLOCK_CASES.keys())
def test_clock_case(case: C) -> None:
    got = clock(case.events, case.today, kind=case.kind, **case.policy).get(case.which)
    assert got is not None
    assert (got.due, got.state) == (D(case.due) if case.due else None, case.state)


@pytest.mark.django_db
def test_pause_and_extension_are_reported() -> None:
    events = [
        *ACCEPTED,
        *pause("2026-03-10", "2026-03-14"),
        ev("approve_extension", "2026-04-21", days=20),
    ]
    got = clock(events, "2026-04-21").get("handling")
    assert got is not None
    # 5/2 + 5 paused + 20 extension = Wed 5/27
    assert (got.due, got.paused_days, got.extended_days) == (D("2026-05-27"), 5, 20)


@pytest.mark.django_db
def test_suggestion_period_is_a_setting() -> None:
    got = clock(ACCEPTED, "2026-03-10", category="suggestion", suggestion_days=30).get("handling")
    assert got is not None and got.due == D("2026-04-02")  # 3/3 + 30 = Thu 4/2


@pytest.mark.django_db
def test_no_receipt_deadline_for_anonymous() -> None:
    assert clock([reg("2026-09-20", anonymous=True)], "2026-09-21").get("receipt") is None


@pytest.mark.django_db
def test_no_objection_window_for_designated_unit() -> None:
    # WF Art. 22: a unit designated after a dispute may not return the matter again.
    events = [reg("2026-03-01"), ev("forward", "2026-03-02", designated=True)]
    assert clock(events, "2026-03-03").get("objection") is None


@pytest.mark.django_db
def test_days_left() -> None:
    got = clock(ACCEPTED, "2026-05-03").get("handling")
    assert got is not None and got.days_left == 3


@pytest.mark.django_db
def test_current_is_the_nearest_open_obligation() -> None:
    cl = clock([reg("2026-09-20", office=True)], "2026-09-21")
    current = cl.current()
    assert current is not None and (current.kind, current.due) in {
        ("receipt", D("2026-10-08")),
        ("routing", D("2026-10-08")),
    }


def test_table_is_big_enough_and_mostly_clock() -> None:
    assert len(CALENDAR_CASES) + len(WORKING) + len(CLOCK_CASES) >= 40
    assert len(CLOCK_CASES) > len(CALENDAR_CASES) + len(WORKING)
