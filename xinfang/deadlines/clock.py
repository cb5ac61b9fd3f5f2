"""The statutory clock: every deadline of a matter, from its events and the calendar.

``compute()`` is the one pure function behind every deadline shown to anyone
(procedure.md §5). It reads nothing but its arguments: the matter's kind and category,
its events in order, the calendar, the policy and ``today``.

Rules (article numbers from 信访工作条例 2022 = XFGZ):

============== ============================================ ===========================
kind           period                                       article
============== ============================================ ===========================
receipt        15 days from receipt: tell the petitioner    XFGZ Art. 23 para 1
routing        15 days from receipt: forward or assign      XFGZ Art. 22
objection      5 working days from dispatch: object         XFGZ Art. 23 para 3
handling       60 days from acceptance, +≤30 once            XFGZ Art. 34
               (assignment 交办 may fix its own date)        XFGZ Art. 22
review_window  30 days from the written reply: ask 复查      XFGZ Art. 35
review         30 days from the request: decide              XFGZ Art. 35
reexam_window  30 days from the review reply: ask 复核       XFGZ Art. 36
reexam         30 days from the request, hearings excluded   XFGZ Art. 36
============== ============================================ ===========================

A matter merged into another (并案办理) has no handling clock of its own while merged:
its handling deadline is the main matter's (computed by this same function from the
main's events and passed in as ``main``), shown with ``follows`` set and never counted
as the merged matter's own obligation. Its petitioner's review window runs from the day
the main matter's written reply was relayed to them (their own copy). A split (解除并案)
returns the matter to the registering organ, and the 15-day routing period of XFGZ
Art. 22 runs again from the split.

Counting: the start day is not counted (CC Art. 201); a period whose last day is not a
working day ends on the next working day when ``roll_forward`` is on (CC Art. 203).
Paused days (every calendar day from a pause to its resumption, both included) are added
to the period of a clock that the pause stops.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from .calendar import Calendar

TZ = ZoneInfo("Asia/Shanghai")


class ClockEvent(Protocol):
    action: str
    at: datetime
    data: Mapping[str, Any]


@dataclass(frozen=True)
class Policy:
    """The settings of procedure.md that the law leaves open."""

    roll_forward: bool = True
    suggestion_days: int = 60  # XFGZ Art. 29 gives no count
    report_days: int = 60  # XFGZ Art. 30 gives no count
    claim_days: int = 60  # XFGZ Art. 34
    pause_for_material: bool = True
    max_extension_days: int = 30  # XFGZ Art. 34


@dataclass(frozen=True)
class Deadline:
    kind: str
    label: str
    article: str
    start: date
    due: date | None  # None while paused
    state: str  # running | paused | overdue | met | late | expired | used
    met_on: date | None = None
    days_left: int | None = None
    obligation: bool = True  # False for a petitioner's window (review/reexam request)
    paused_days: int = 0
    extended_days: int = 0
    follows: str = ""  # receipt number of the main matter whose deadline this is (并案)
    # The period crosses a year whose holiday arrangement is not yet published: its end may
    # still move (derived statutory holidays only, no 调休 days yet).
    provisional: bool = False

    @property
    def is_open(self) -> bool:
        return self.state in ("running", "paused", "overdue")


@dataclass
class Clock:
    deadlines: list[Deadline] = field(default_factory=list)

    def get(self, kind: str) -> Deadline | None:
        for d in self.deadlines:
            if d.kind == kind:
                return d
        return None

    def current(self) -> Deadline | None:
        """The nearest open obligation: what a queue sorts by."""
        open_ = [
            d
            for d in self.deadlines
            if d.obligation and d.is_open and d.due is not None and not d.follows
        ]
        return min(open_, key=lambda d: d.due or date.max, default=None)


LABELS = {
    "receipt": ("书面告知期限", "信访工作条例第二十三条"),
    "routing": ("转送交办期限", "信访工作条例第二十二条"),
    "objection": ("异议期限（5个工作日）", "信访工作条例第二十三条第三款"),
    "handling": ("办理期限", "信访工作条例第三十四条"),
    "review_window": ("申请复查期限", "信访工作条例第三十五条"),
    "review": ("复查期限", "信访工作条例第三十五条"),
    "reexam_window": ("申请复核期限", "信访工作条例第三十六条"),
    "reexam": ("复核期限", "信访工作条例第三十六条"),
}

DISPATCH = {"forward", "assign"}
ROUTED = {
    "forward",
    "assign",
    "redirect",
    "not_accept",
    "emergency_transfer",
    "answer_on_spot",
    "link_repeat",
    "merge",
}
RECEIPT_GIVEN = ROUTED | {"accept", "accept_direct", "send_receipt"}


def local_date(at: datetime) -> date:
    return at.astimezone(TZ).date()


def _day(value: Any, fallback: date) -> date:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        return date.fromisoformat(value[:10])
    return fallback


def _paused_days(spans: list[tuple[date, date]], start: date, end_exclusive: date | None) -> int:
    days: set[date] = set()
    for a, b in spans:
        d = max(a, start + timedelta(days=1))
        while d <= b and (end_exclusive is None or d < end_exclusive):
            days.add(d)
            d += timedelta(days=1)
    return len(days)


def _finish(
    kind: str,
    start: date,
    raw_due: date | None,
    met_on: date | None,
    today: date,
    cal: Calendar,
    policy: Policy,
    *,
    obligation: bool = True,
    working: bool = False,
    paused_days: int = 0,
    extended_days: int = 0,
    paused_now: bool = False,
) -> Deadline:
    label, article = LABELS[kind]
    due: date | None = raw_due
    if due is not None and not working and policy.roll_forward:
        due = cal.next_working_day(due)
    if met_on is not None:
        late = due is not None and met_on > due
        state = ("late" if late else "met") if obligation else "used"
        left = None
    elif paused_now:
        state, left, due = "paused", None, None
    else:
        assert due is not None
        left = (due - today).days
        state = "running" if left >= 0 else "overdue" if obligation else "expired"
    return Deadline(
        kind=kind,
        label=label,
        article=article,
        start=start,
        due=due,
        state=state,
        met_on=met_on,
        days_left=left,
        obligation=obligation,
        paused_days=paused_days,
        extended_days=extended_days,
        provisional=cal.provisional(start, due or raw_due or start),
    )


def _follow_main(
    out: Clock,
    evs: list[Any],
    main: Clock | None,
    main_no: str,
    today: date,
    cal: Calendar,
    policy: Policy,
) -> None:
    """The deadlines of a merged matter after the merge (see the module docstring)."""
    handling = main.get("handling") if main is not None else None
    if handling is not None:
        out.deadlines.append(replace(handling, follows=main_no or "—"))
    reply = None
    for e in evs:
        if e.action == "relay" and e.data.get("main_action") == "approve_opinion":
            reply = e
            break
    if reply is None:
        return
    served = _day(reply.data.get("served_on"), local_date(reply.at))
    served = max(served, local_date(reply.at))  # their copy cannot reach them earlier
    requested = None
    for e in evs:
        if e.action == "request_review":
            requested = local_date(e.at)
            break
    out.deadlines.append(
        _finish(
            "review_window",
            served,
            served + timedelta(days=30),
            requested,
            today,
            cal,
            policy,
            obligation=False,
        )
    )


def compute(
    *,
    matter_kind: str,
    category: str,
    events: Iterable[ClockEvent],
    calendar: Calendar,
    today: date,
    policy: Policy | None = None,
    main: Clock | None = None,
    main_no: str = "",
) -> Clock:
    """All deadlines of one matter. ``matter_kind`` is original | review | reexam.

    ``main`` is the clock of the matter this one is merged into (并案), if it is.
    """
    policy = policy or Policy()
    cal = calendar
    evs = sorted(events, key=lambda e: e.at)
    out = Clock()
    if not evs:
        return out

    first = evs[0]
    received = _day(first.data.get("received_on"), local_date(first.at))
    anonymous = bool(first.data.get("anonymous"))
    office = bool(first.data.get("office"))  # registered by a letters-and-visits office

    def first_on(actions: set[str], after: datetime | None = None) -> date | None:
        for e in evs:
            if e.action in actions and (after is None or e.at >= after):
                return local_date(e.at)
        return None

    # Pauses: (kind, from, to-or-None).
    pauses: list[tuple[str, date, date | None]] = []
    for e in evs:
        if e.action == "pause":
            pauses.append((str(e.data.get("reason_kind", "material")), local_date(e.at), None))
        elif e.action == "resume" and pauses and pauses[-1][2] is None:
            k, a, _ = pauses[-1]
            pauses[-1] = (k, a, local_date(e.at))

    def stopping(kind_of_clock: str) -> tuple[list[tuple[date, date]], bool]:
        kinds = set()
        if policy.pause_for_material:
            kinds.add("material")
        if kind_of_clock == "reexam":
            kinds.add("hearing")  # XFGZ Art. 36: 听证所需时间不计算在内
        spans = [(a, b or today) for k, a, b in pauses if k in kinds]
        open_now = any(b is None for k, a, b in pauses if k in kinds)
        return spans, open_now

    # 并案: the last merge not undone by a split decides whether this matter follows a main.
    merged_at: datetime | None = None
    split_at: datetime | None = None
    for e in evs:
        if e.action == "merge":
            merged_at, split_at = e.at, None
        elif e.action == "split":
            merged_at, split_at = None, e.at

    if matter_kind == "original":
        if not anonymous:
            out.deadlines.append(
                _finish(
                    "receipt",
                    received,
                    received + timedelta(days=15),
                    first_on(RECEIPT_GIVEN),
                    today,
                    cal,
                    policy,
                )
            )
        if office or split_at is not None:
            # After a split the office must route the matter again (XFGZ Art. 22).
            route_from = local_date(split_at) if split_at is not None else received
            out.deadlines.append(
                _finish(
                    "routing",
                    route_from,
                    route_from + timedelta(days=15),
                    first_on(ROUTED - {"merge"}, after=split_at)
                    if split_at is not None
                    else first_on(ROUTED),
                    today,
                    cal,
                    policy,
                )
            )
        if merged_at is not None:
            _follow_main(out, evs, main, main_no, today, cal, policy)
            return out
        # The latest dispatch opens an objection window unless the unit was designated
        # after a dispute (WF Art. 22) — then there is nothing to object to.
        last_dispatch = None
        for e in evs:
            if e.action in DISPATCH or e.action == "reject_objection":
                last_dispatch = e
        if last_dispatch is not None and not last_dispatch.data.get("designated"):
            sent = local_date(last_dispatch.at)
            closed = first_on({"accept", "object"}, after=last_dispatch.at)
            out.deadlines.append(
                _finish(
                    "objection",
                    sent,
                    cal.add_working_days(sent, 5),
                    closed,
                    today,
                    cal,
                    policy,
                    obligation=False,
                    working=True,
                )
            )

    # Handling / decision clock.
    start: date | None
    if matter_kind == "original":
        accepted = first_on({"accept", "accept_direct"})
        clock_kind = "handling"
        period = {
            "suggestion": policy.suggestion_days,
            "report": policy.report_days,
        }.get(category, policy.claim_days)
        start = accepted
    else:
        clock_kind = matter_kind
        period = 30  # XFGZ Arts. 35, 36
        start = received
    if start is not None:
        fixed: date | None = None
        for e in evs:
            if e.action == "assign" and e.data.get("due_on"):
                fixed = _day(e.data["due_on"], received)
        # XFGZ Art. 34: one extension of at most 30 days. The workflow enforces this on
        # entry; the cap here keeps imported or hand-made event logs inside the law too.
        ext = min(
            sum(int(e.data.get("days", 0)) for e in evs if e.action == "approve_extension"),
            policy.max_extension_days,
        )
        done = first_on({"approve_opinion"})
        spans, open_now = stopping(clock_kind)
        paused = _paused_days(spans, start, done + timedelta(days=1) if done else None)
        base = fixed if fixed is not None else start + timedelta(days=period)
        raw = base + timedelta(days=ext + paused)
        out.deadlines.append(
            _finish(
                clock_kind,
                start,
                raw,
                done,
                today,
                cal,
                policy,
                paused_days=paused,
                extended_days=ext,
                paused_now=open_now and done is None,
            )
        )
        # The petitioner's window to ask the next step runs from the written reply.
        if done is not None and matter_kind in ("original", "review"):
            served = done
            for e in evs:
                if e.action in ("approve_opinion", "record_service") and e.data.get("served_on"):
                    served = _day(e.data["served_on"], done)
            wkind = "review_window" if matter_kind == "original" else "reexam_window"
            req = first_on({"request_review" if matter_kind == "original" else "request_reexam"})
            out.deadlines.append(
                _finish(
                    wkind,
                    served,
                    served + timedelta(days=30),
                    req,
                    today,
                    cal,
                    policy,
                    obligation=False,
                )
            )
    return out
