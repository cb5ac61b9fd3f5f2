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
               (again from a split or an agreed objection)
intake         15 days from receipt at any other organ:     XFGZ Art. 23
               accept, forward or close
acceptance     15 days from a dispatch: the receiving       XFGZ Arts. 22, 23
               organ accepts in writing (or objects)
objection      5 working days from dispatch: object         XFGZ Art. 23 para 3
decide_        the office decides an objection (setting,     XFGZ Art. 23 para 3
objection      15 days: the routing period of Art. 22)
handling       60 days from acceptance, +≤30 once            XFGZ Art. 34
               (an assignment's fixed date binds from the    XFGZ Art. 22
               assignment)
resume         while a clock is paused: look at it again     (setting, 30 days)
conclude       answered: close the file (办结) by the end of    XFGZ Arts. 35, 36
               the petitioner's window
review_window  30 days from the reply's service: ask 复查   XFGZ Art. 35
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

A matter that ends without an opinion (redirected, not accepted, transferred, answered on
the spot, linked as a repeat) has every obligation still open closed on that day
(``closed_by``): a closed matter owes nothing and shows nothing overdue. A request for
复查/复核 is judged by the day the organ received it (``received_on``).

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
    objection_decision_days: int = 15  # XFGZ Art. 23 para 3 gives no count (settings)
    pause_review_days: int = 30  # a paused clock is looked at again after this (settings)


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
    # The terminal action that ended this obligation without its own act (a redirect while
    # handling, …): the period closed, but it was not "answered" by an opinion.
    closed_by: str = ""

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
    "intake": ("受理期限", "信访工作条例第二十三条"),
    "acceptance": ("受理告知期限", "信访工作条例第二十二条、第二十三条"),
    "objection": ("异议期限（5个工作日）", "信访工作条例第二十三条第三款"),
    "decide_objection": ("异议处理期限", "信访工作条例第二十二条、第二十三条第三款"),
    "handling": ("办理期限", "信访工作条例第三十四条"),
    "resume": ("暂停计时复核期限", "信访工作条例第三十四条"),
    "conclude": ("办结期限", "信访工作条例第三十五条、第三十六条"),
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
# Actions after which a matter is closed without an opinion (status in TERMINAL): every
# obligation still open ends with them, so a closed matter has no running period.
ENDING = {"redirect", "not_accept", "emergency_transfer", "answer_on_spot", "link_repeat"}


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
        # the days counted up to the end: none when a fixed date lies before the start
        provisional=cal.provisional(min(start, end := due or raw_due or start), end),
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
    for e in evs:
        if e.action == "record_service" and e.data.get("served_on"):
            served = _day(e.data["served_on"], served)  # their own copy's service (送达)
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

    dispatch: Any = None  # the forward or assignment in force (original matters)
    # 并案: the last merge not undone by a split decides whether this matter follows a main.
    merged_at: datetime | None = None
    for e in evs:
        if e.action == "merge":
            merged_at = e.at
        elif e.action == "split":
            merged_at = None

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
        # The routing duty (XFGZ Art. 22) runs from receipt at a letters-and-visits office,
        # and runs again wherever the matter came back to the registering organ: after a
        # split, or after the office agreed to an objection and took it back (Art. 23 para 3).
        reopened = None
        for e in evs:
            if e.action in ("split", "agree_objection"):
                reopened = e
        # Any other organ that registers a matter itself decides within 15 days whether it
        # accepts it or where it goes (XFGZ Art. 23): the same duty under its own name.
        route_from = local_date(reopened.at) if reopened is not None else received
        routed = ROUTED | {"accept_direct"}
        if reopened is not None:
            # only what follows the return; a merge before a split is what it undid
            met = first_on(routed - {"merge"}, after=reopened.at)
            if reopened.action == "agree_objection":
                met = first_on(routed, after=reopened.at)
        else:
            met = first_on(routed)
        out.deadlines.append(
            _finish(
                "routing" if office or reopened is not None else "intake",
                route_from,
                route_from + timedelta(days=15),
                met,
                today,
                cal,
                policy,
            )
        )
        if merged_at is not None:
            _follow_main(out, evs, main, main_no, today, cal, policy)
            return _ended(out, evs)
        # The dispatch in force: the latest forward or assignment that the office has not
        # taken back since (an agreed objection undoes it; a rejected one confirms it).
        dispatch = None
        for e in evs:
            if e.action in DISPATCH:
                dispatch = e
            elif e.action == "agree_objection":
                dispatch = None
        if dispatch is not None:
            # The receiving organ owes the petitioner its written acceptance within 15 days
            # of receiving a forwarded or assigned matter (XFGZ Arts. 22, 23); a designation
            # after a rejected objection hands it over again.
            handed = dispatch
            for e in evs:
                if e.action == "reject_objection" and e.at >= dispatch.at:
                    handed = e
            got = local_date(handed.at)
            out.deadlines.append(
                _finish(
                    "acceptance",
                    got,
                    got + timedelta(days=15),
                    first_on({"accept", "object"}, after=handed.at),
                    today,
                    cal,
                    policy,
                )
            )
        # The latest dispatch opens an objection window unless the unit was designated
        # after a dispute (WF Art. 22) — then there is nothing to object to.
        last_dispatch = None
        for e in evs:
            if e.action in DISPATCH or e.action == "reject_objection":
                last_dispatch = e
        if last_dispatch is not None and not last_dispatch.data.get("designated"):
            sent = local_date(last_dispatch.at)
            closed = first_on({"accept", "object"}, after=last_dispatch.at)
            window = _finish(
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
            # accepting ends the window as surely as objecting, but does not use it
            ended_by = next(
                (
                    e.action
                    for e in evs
                    if e.action in ("accept", "object") and e.at >= last_dispatch.at
                ),
                "",
            )
            if ended_by == "accept":
                window = replace(window, closed_by="accept")
            out.deadlines.append(window)
        # An objection puts the decision back on the office (XFGZ Art. 23 para 3): agree
        # and take the matter back, or reject it and designate the unit.
        objected = None
        for e in evs:
            if e.action == "object":
                objected = e
        if objected is not None:
            on = local_date(objected.at)
            out.deadlines.append(
                _finish(
                    "decide_objection",
                    on,
                    on + timedelta(days=policy.objection_decision_days),
                    first_on({"agree_objection", "reject_objection"}, after=objected.at),
                    today,
                    cal,
                    policy,
                )
            )

    # Handling / decision clock.
    start: date | None
    fixed: date | None = None
    if matter_kind == "original":
        accepted = first_on({"accept", "accept_direct"})
        clock_kind = "handling"
        period = {
            "suggestion": policy.suggestion_days,
            "report": policy.report_days,
        }.get(category, policy.claim_days)
        start = accepted
        # An assignment's fixed date (交办, XFGZ Art. 22) binds from the assignment, before
        # the unit accepts; a later forward or an agreed objection replaces it.
        if dispatch is not None and dispatch.action == "assign" and dispatch.data.get("due_on"):
            fixed = _day(dispatch.data["due_on"], received)
            if start is None:
                start = local_date(dispatch.at)
    else:
        clock_kind = matter_kind
        period = 30  # XFGZ Arts. 35, 36
        start = received
    if start is not None:
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
        # A paused clock has no end date, so the pause itself is dated: the unit looks at it
        # again (resumes, or records why it still waits) within the setting's days.
        if open_now and done is None:
            since = max(a for k, a, b in pauses if b is None)
            out.deadlines.append(
                _finish(
                    "resume",
                    since,
                    since + timedelta(days=policy.pause_review_days),
                    None,
                    today,
                    cal,
                    policy,
                )
            )
        # The petitioner's window to ask the next step runs from the written reply's
        # service (送达), recorded with the approval or afterwards.
        if done is not None and matter_kind in ("original", "review"):
            served = done
            for e in evs:
                if e.action in ("approve_opinion", "record_service") and e.data.get("served_on"):
                    served = max(_day(e.data["served_on"], done), done)
            wkind = "review_window" if matter_kind == "original" else "reexam_window"
            req = first_on({"request_review" if matter_kind == "original" else "request_reexam"})
            for e in evs:
                if e.action in ("request_review", "request_reexam") and e.data.get("received_on"):
                    # judged by the day the organ received the request, not its registration
                    req = _day(e.data["received_on"], req or done)
                    break
            window = _finish(
                wkind,
                served,
                served + timedelta(days=30),
                req,
                today,
                cal,
                policy,
                obligation=False,
            )
            out.deadlines.append(window)
            # Once the petitioner's window has run out (or a review was asked for, which
            # concludes it), the answered matter is closed (办结): the unit's last duty,
            # so no answered matter is left open with nothing dated.
            concluded = first_on({"conclude", "request_review", "request_reexam"})
            out.deadlines.append(
                _finish("conclude", done, window.due or served, concluded, today, cal, policy)
            )
    return _ended(out, evs)


def _ended(out: Clock, evs: list[Any]) -> Clock:
    """Close every obligation still open once the matter ended without an opinion (a
    redirect under XFGZ Art. 31, not accepted under Arts. 19/36, an emergency transfer, an
    answer on the spot, a repeat linked to its original): a closed matter owes nothing."""
    end = next((e for e in evs if e.action in ENDING or _relayed_end(e)), None)
    if end is None:
        return out
    on = local_date(end.at)
    out.deadlines = [
        replace(
            d,
            state="late" if d.due is not None and on > d.due else "met",
            met_on=on,
            days_left=None,
            closed_by=end.action if end.action != "relay" else end.data.get("main_action", ""),
        )
        if d.obligation and d.is_open and not d.follows
        else d
        for d in out.deadlines
    ]
    return out


def _relayed_end(e: Any) -> bool:
    return e.action == "relay" and e.data.get("main_action") in ("redirect", "emergency_transfer")
