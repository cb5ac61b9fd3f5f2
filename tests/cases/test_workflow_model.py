"""The workflow as a state machine: random actions, by random entitled users, on a few
matters, at random dates across holiday periods, with sweeps (issue 23).

Hypothesis drives the sequences (``RuleBasedStateMachine``); after every step the
invariants below are checked against what the law asks of the event log:

1. every matter that is not terminal has an open, dated obligation (``current_due`` set,
   equal to the clock's nearest open obligation), which the queue and the sweep see; a
   merged matter follows its main matter, which is itself still being handled; an
   answered matter owes its conclusion (办结) by the end of the petitioner's window to
   ask for 复查 or 复核 (ADR 0005);
2. no terminal matter has an open obligation or shows anything overdue, anywhere;
3. ``current_due``, ``current_due_kind`` and ``answered_on_time`` are what the clock
   computes from the events read back from the database, and every period ends on a
   working day (a year without a loaded arrangement: its statutory holidays count);
4. every path to a terminal state issued the written notices the petitioner is owed,
   unless no notice is owed (XFGZ Art. 23: name or address unclear);
5. the portal shows the same status, deadlines (and whether they are provisional) and
   notices as the staff side (the API, the staff page);
6. ``sweep(D)`` writes nothing twice and writes the same whatever the wall clock says.

After each action, what the law forbids even where the table allows it (an assignment's
date past the handling period, service before the reply, an extension of an expired
period, …); a refused action (``UserError``) is an allowed outcome but must change
nothing, and some refusals are themselves unlawful (a request received in time refused as
late). Each example runs in a savepoint that is rolled back, so examples never see each
other's rows; ``django.utils.timezone.now`` follows the model's clock.

The default run is short, with a fixed seed, for ``make test``. A longer run:
``XINFANG_MODEL_EXAMPLES=300 XINFANG_MODEL_STEPS=60 pytest tests/cases/test_workflow_model.py``
(``XINFANG_MODEL_SEED=<n>`` explores other sequences than the fixed one).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import astuple
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.cache import cache
from django.db import models, transaction
from django.test import Client
from django.utils import timezone
from hypothesis import HealthCheck, note, seed, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from lunar_python import Lunar

from xinfang.actions.registration import register_matter
from xinfang.actions.workflow import RULES, allowed_actions, transition
from xinfang.cases import access
from xinfang.cases.clock import answered_on_time, clock_for
from xinfang.cases.models import TERMINAL, Event, Kind, Matter, Status
from xinfang.core.errors import UserError
from xinfang.deadlines.clock import LABELS as DEADLINE_LABELS
from xinfang.deadlines.models import CalendarDay, DayKind
from xinfang.notices.models import Notice, NoticeKind, Notification
from xinfang.portal.views import PLAIN
from xinfang.supervision import models as supervision_models
from xinfang.supervision.models import Alert
from xinfang.supervision.services import sweep, warning_days

from ..factories import World, opinion

TZ = ZoneInfo("Asia/Shanghai")

EXAMPLES = int(os.environ.get("XINFANG_MODEL_EXAMPLES", "8"))
STEPS = int(os.environ.get("XINFANG_MODEL_STEPS", "30"))
SEED = os.environ.get("XINFANG_MODEL_SEED", "")

# First days of an example: just before and inside the 2026 中秋/国庆 holidays (with their
# 调休 working days), before 劳动节 2026, and before and inside 春节 2027 (a year whose
# arrangement is not loaded: counted on the statutory days, provisional).
STARTS = [
    date(2026, 9, 18),
    date(2026, 9, 30),
    date(2026, 10, 6),
    date(2026, 4, 28),
    date(2027, 1, 28),
    date(2027, 2, 8),
]
# How far the model's day moves in one step (mostly a little, sometimes past a period).
ADVANCE = st.sampled_from([0, 0, 0, 0, 1, 1, 2, 3, 5, 6, 9, 14, 16, 20, 31, 61])
# What a step does (see ``WorkflowModel.step``), weighted towards moving matters on.
MODES = ["onwards", "onwards", "onwards", "move", "any", "any", "unoffered", "sweep"]
# Wall clocks (days from the day swept) under which a sweep must write the same rows.
WALLS = [-400, -30, -1, 1, 7, 61, 400]

STAFF = [
    "registrar",
    "supervisor",
    "handler",
    "leader",
    "registrar_town",
    "other_handler",
    "other_leader",
    "housing_handler",
    "housing_leader",
    "county_handler",
    "county_leader",
    "county_registrar",
    "city_handler",
    "city_leader",
]
CITIZEN = "citizen"
ACTORS = [*STAFF, CITIZEN]
# Actions only the system performs (relays, back-links); never chosen by the model.
SYSTEM_ONLY = {a for a, r in RULES.items() if set(r.who) == {"system"}}

PEOPLE = {
    "full": [{"name": "张三", "phone": "13800001234", "address": "城关镇桃园路8号"}],
    "no_address": [{"name": "王五", "phone": "13800005678"}],
    "anonymous": [],
    "collective": [
        {"name": "李四", "phone": "13900005678", "address": "城关镇桃园路10号"},
        {"name": "赵六", "phone": "13900001111", "address": "城关镇桃园路12号"},
    ],
}
REDIRECT = [
    ("litigation", "青山县人民法院"),
    ("arbitration", "青山县劳动人事争议仲裁委员会"),
    ("reconsideration", "江州市人民政府"),
    ("discipline", "青山县纪律检查委员会"),
]
OPINION_KIND = {
    Kind.ORIGINAL: NoticeKind.OPINION,
    Kind.REVIEW: NoticeKind.REVIEW_OPINION,
    Kind.REEXAM: NoticeKind.REEXAM_OPINION,
}
OPEN_STATES = ("running", "paused", "overdue")


class WallClock:
    """Stands in for ``django.utils.timezone.now`` (every wall-clock read in the product
    goes through it): the model's current instant, or another one for a sweep."""

    def __init__(self) -> None:
        self.value = timezone.now()

    def now(self) -> datetime:
        return self.value


def cn(d: date) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def local(dt: datetime) -> date:
    return dt.astimezone(TZ).date()


def statutory_days(year: int) -> set[date]:
    """The rest days of 全国年节及纪念日放假办法 Art. 2 (as amended in 2024) in ``year``:
    元旦, 春节 (除夕 and 正月初一 to 初三), 清明, 劳动节 (2 days), 端午, 中秋, 国庆 (3 days);
    lunar dates and the solar term from ``lunar_python``."""

    def lunar(month: int, day: int) -> date:
        s = Lunar.fromYmd(year, month, day).getSolar()
        return date(s.getYear(), s.getMonth(), s.getDay())

    new_year = lunar(1, 1)
    qingming = Lunar.fromYmd(year, 1, 1).getJieQiTable()["清明"]
    return {
        date(year, 1, 1),
        *(new_year + timedelta(days=i) for i in range(-1, 3)),
        date(qingming.getYear(), qingming.getMonth(), qingming.getDay()),
        date(year, 5, 1),
        date(year, 5, 2),
        lunar(5, 5),
        lunar(8, 15),
        *(date(year, 10, i) for i in (1, 2, 3)),
    }


class Days:
    """Working days as the law counts them (procedure.md §5): a year with a loaded State
    Council arrangement by its rows (holidays and 调休 working days), any other year by the
    办法's statutory days and weekends; such a year's deadlines are provisional."""

    def __init__(self) -> None:
        rows = list(CalendarDay.objects.values_list("date", "kind"))
        self.loaded = {d.year for d, _ in rows}
        self.holidays = {d for d, k in rows if k == DayKind.HOLIDAY}
        self.workdays = {d for d, k in rows if k != DayKind.HOLIDAY}
        self.derived: dict[int, set[date]] = {}

    def working(self, d: date) -> bool:
        if d.year in self.loaded:
            return d in self.workdays or (d not in self.holidays and d.weekday() < 5)
        if d.year not in self.derived:
            self.derived[d.year] = statutory_days(d.year)
        return d.weekday() < 5 and d not in self.derived[d.year]

    def provisional(self, start: date, end: date) -> bool:
        return any(y not in self.loaded for y in range(start.year, end.year + 1))


class WorkflowModel(RuleBasedStateMachine):
    """One example: a few matters of one county, acted on day by day."""

    world: World
    wall: WallClock

    def __init__(self) -> None:
        super().__init__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()
        cache.clear()
        # Nothing of an earlier example is left (each one is rolled back).
        assert not Matter.objects.exists() and not Event.objects.exists()
        assert not Alert.objects.exists() and not Notice.objects.exists()
        self.now = datetime.combine(STARTS[0], time(9, 0), TZ)
        self.secrets: dict[int, str] = {}
        self.originals: list[int] = []
        self.staff_clients: dict[str, Client] = {}
        self.viewers: dict[int, str] = {}
        self.shown: dict[int, tuple[Any, ...]] = {}
        self.portal = Client()
        self.days = Days()

    def teardown(self) -> None:
        transaction.set_rollback(True)
        self._atomic.__exit__(None, None, None)

    # --- the model's time ---------------------------------------------------------------

    def _tick(self, days: int = 0) -> None:
        """Move the model's instant on: ``days`` whole days, or a few minutes."""
        if days:
            day = local(self.now) + timedelta(days=days)
            self.now = datetime.combine(day, time(9, 0), TZ)
            note(f"--- day {day}")
        else:
            self.now += timedelta(minutes=7)
        self.wall.value = self.now

    @property
    def today(self) -> date:
        return local(self.now)

    # --- rules --------------------------------------------------------------------------

    @initialize(
        start=st.sampled_from(STARTS),
        where=st.sampled_from(["office", "office", "town", "county"]),
        people=st.sampled_from(list(PEOPLE)),
        category=st.sampled_from(["claim", "claim", "suggestion", "report"]),
        days_ago=st.sampled_from([0, 0, 1, 4]),
    )
    def start(self, start: date, where: str, people: str, category: str, days_ago: int) -> None:
        self.now = datetime.combine(start, time(9, 0), TZ)
        self.wall.value = self.now
        note(f"start on {start}")
        self._register(where, people, category, days_ago)

    @precondition(lambda self: len(self.originals) < 3)
    @rule(
        where=st.sampled_from(["office", "office", "town", "county"]),
        people=st.sampled_from(list(PEOPLE)),
        category=st.sampled_from(["claim", "claim", "suggestion", "report"]),
        days_ago=st.sampled_from([0, 0, 1, 4]),
    )
    def register(self, where: str, people: str, category: str, days_ago: int) -> None:
        self._register(where, people, category, days_ago)

    def _register(self, where: str, people: str, category: str, days_ago: int) -> None:
        w = self.world
        self._tick()
        by, unit = {
            "office": (w.registrar, w.office),
            "town": (w.registrar_town, w.town),
            "county": (w.county_registrar, w.county),
        }[where]
        received = self.now - timedelta(days=days_ago, minutes=30)
        m, secret = register_matter(
            by=by,
            unit=unit,
            channel="letter" if days_ago else "visit",
            category=category,
            title="小区楼顶漏水三年未修",
            content="请求督促开发商维修楼顶防水层。",
            facts="2023年起每逢下雨顶楼渗水，多次向物业反映无果。",
            received_at=received,
            petitioners=PEOPLE[people],
            topic=w.topic,
            area=w.town,
            is_collective=people == "collective",
            headcount=5 if people == "collective" else 1,
            anonymous=people == "anonymous",
            at=self.now,
        )
        self.originals.append(m.pk)
        self.secrets[m.pk] = secret
        note(f"{self.today} {by.username} registers {m.receipt_no} ({people}, {category}) #{m.pk}")

    @rule(
        mode=st.sampled_from(MODES),
        days=ADVANCE,
        which=st.integers(0, 50),
        pick=st.integers(0, 5000),
        variant=st.integers(0, 7),
        wall=st.sampled_from(WALLS),
    )
    def step(self, mode: str, days: int, which: int, pick: int, variant: int, wall: int) -> None:
        """After ``days``, one of: an action offered to some user on one of the matters
        (``any``; ``move``: one that changes the status; ``onwards``: one that leads to a
        status that is not terminal, so that examples reach answers, 复查 and 复核), an action
        offered to nobody or by someone it is not offered to (``unoffered``: if refused, it
        changes nothing), or the day's sweep (``sweep``, also under a wall clock ``wall``
        days away)."""
        if mode == "sweep":
            self._sweep(days, wall)
        elif mode == "unoffered":
            self._unoffered(days, which, pick, variant)
        else:
            self._act(days, which, pick, variant, moving=mode != "any", onwards=mode == "onwards")

    def _unoffered(self, days: int, which: int, pick: int, variant: int) -> None:
        self._tick(days)
        m = self._matter(which)
        taken = set(self._offered(m))
        pairs = [
            (who, a)
            for who in ACTORS
            for a in sorted(RULES)
            if a not in SYSTEM_ONLY and (who, a) not in taken
        ]
        who, action = pairs[pick % len(pairs)]
        reason, data = self._data(action, m, variant)
        self._perform(m, who, action, reason, data)

    def _act(
        self, days: int, which: int, pick: int, variant: int, *, moving: bool, onwards: bool
    ) -> None:
        self._tick(days)

        def fits(action: str) -> bool:
            target = RULES[action].target
            if not moving:
                return True
            return target is not None and not (onwards and target in TERMINAL)

        # the first matter from ``which`` on that has such an action
        matters = list(Matter.objects.order_by("pk"))
        for i in range(len(matters)):
            m = matters[(which + i) % len(matters)]
            offered = self._offered(m)
            actions = sorted({a for _, a in offered if fits(a)})
            if actions:
                break
        else:
            return
        # an action first (so that one offered to many users is not favoured), then who
        action = actions[pick % len(actions)]
        users = [who for who, a in offered if a == action]
        who = users[(pick // len(actions)) % len(users)]
        reason, data = self._data(action, m, variant)
        self._perform(m, who, action, reason, data)

    def _matter(self, which: int) -> Matter:
        matters = list(Matter.objects.order_by("pk"))
        return matters[which % len(matters)]

    def _offered(self, m: Matter) -> list[tuple[str, str]]:
        return sorted(
            (who, a)
            for who in ACTORS
            for a in allowed_actions(m, self._user(who), by_citizen=who == CITIZEN)
            if a not in SYSTEM_ONLY
        )

    def _sweep(self, days: int, wall: int) -> None:
        """``xinfang sweep --today D`` on the model's (new) day, also under another wall
        clock: the same rows either way, and nothing new when run again."""
        self._tick(days)
        swept = self.today
        before = self._sweep_rows()
        sid = transaction.savepoint()
        self.wall.value = self.now + timedelta(days=wall, hours=5)
        elsewhere = sweep(swept)
        rows_elsewhere = self._sweep_rows() - before
        self.wall.value = self.now
        transaction.savepoint_rollback(sid)
        result = sweep(swept)
        rows = self._sweep_rows() - before
        note(f"{swept} sweep: {result}")
        assert astuple(result) == astuple(elsewhere), (
            f"sweep({swept}) under a wall clock {wall:+d} days away gave {elsewhere}, "
            f"under the day itself {result}"
        )
        assert rows == rows_elsewhere, (
            f"sweep({swept}) wrote other rows under a wall clock {wall:+d} days away: "
            f"only then {sorted(rows_elsewhere - rows)}; "
            f"only on the day {sorted(rows - rows_elsewhere)}"
        )
        counts = self._counts()
        again = sweep(swept)
        assert self._counts() == counts, (
            f"a second sweep({swept}) wrote rows: {counts} → {self._counts()} ({again})"
        )
        # The sweep saw every open obligation that is past or near its date.
        alerts = set(Alert.objects.values_list("matter_id", "deadline_kind", "due", "level"))
        for m in Matter.objects.exclude(status__in=TERMINAL).exclude(current_due=None):
            assert m.current_due is not None
            if m.status == Status.MERGED:
                continue
            if m.current_due < swept:
                level = "overdue"
            elif (m.current_due - swept).days <= warning_days(m.current_due_kind):
                level = "warning"
            else:
                continue
            assert (m.pk, m.current_due_kind, m.current_due, level) in alerts, (
                f"sweep({swept}) raised no {level} for {m.receipt_no} "
                f"({m.current_due_kind} due {m.current_due})"
            )

    # --- the invariants -----------------------------------------------------------------

    @invariant()
    def every_matter_checks(self) -> None:
        for m in Matter.objects.select_related("merged_into").order_by("pk"):
            events = list(Event.objects.filter(matter=m).order_by("seq"))
            clock = clock_for(m, on=self.today, events=events)
            self._check_recomputed(m, clock)
            if m.status in TERMINAL:
                self._check_terminal(m, clock)
                self._check_notices(m, events)
            else:
                self._check_open(m, clock)
            # The pages are read again only when something they show may have changed.
            shown = (
                self.today,
                m.version,
                m.merged_into.version if m.merged_into else None,
                m.followups.count(),
            )
            if self.shown.get(m.pk) != shown:
                self._check_surfaces(m, clock)
                self.shown[m.pk] = shown

    def _check_recomputed(self, m: Matter, clock: Any) -> None:
        """Invariant 3: the row's deadline fields are the clock's verdict on the log."""
        cur = clock.current()
        due, kind = (cur.due, cur.kind) if cur else (None, "")
        assert (m.current_due, m.current_due_kind) == (due, kind), (
            f"{m.receipt_no} ({m.status}): current_due {m.current_due} {m.current_due_kind!r} "
            f"but the events give {due} {kind!r}"
        )
        # CC Arts. 201, 203: a period whose last day is not a working day ends on the next
        # working day; statutory holidays of a year not yet arranged are not working days.
        for d in clock.deadlines:
            assert d.due is None or self.days.working(d.due), (
                f"{m.receipt_no}: the {d.kind} period ends on {d.due}, not a working day"
            )
        on_time = answered_on_time(clock, m.kind)
        assert m.answered_on_time == on_time, (
            f"{m.receipt_no}: answered_on_time {m.answered_on_time} but the events give {on_time}"
        )

    def _check_open(self, m: Matter, clock: Any) -> None:
        """Invariant 1: a matter not finished has an open, dated obligation in the queue."""
        if m.status == Status.MERGED:
            main = m.merged_into
            assert main is not None, f"{m.receipt_no} is merged into nothing"
            assert main.status not in TERMINAL and main.status != Status.ANSWERED, (
                f"{m.receipt_no} is still merged (并案办理) but its main matter "
                f"{main.receipt_no} is {main.status}"
            )
            return
        cur = clock.current()
        assert cur is not None and cur.due is not None, (
            f"{m.receipt_no} is {m.status} (not terminal) with no open, dated obligation: "
            + ", ".join(f"{d.kind}={d.state}/{d.due}" for d in clock.deadlines)
        )
        assert m.current_due == cur.due, (
            f"{m.receipt_no}: current_due {m.current_due}, clock {cur.kind} due {cur.due}"
        )
        viewer = self._viewer(m)
        assert access.open_visible(self._user(viewer)).filter(pk=m.pk).exists(), (
            f"{m.receipt_no} ({m.status}) is not in {viewer}'s queue"
        )

    def _check_terminal(self, m: Matter, clock: Any) -> None:
        """Invariant 2: a terminal matter has no open obligation and nothing overdue."""
        assert m.current_due is None, (
            f"{m.receipt_no} is {m.status} (terminal) but current_due is {m.current_due} "
            f"({m.current_due_kind})"
        )
        still = [d for d in clock.deadlines if d.obligation and d.state in OPEN_STATES]
        assert not still, (
            f"{m.receipt_no} is {m.status} (terminal) with open obligations: "
            + ", ".join(f"{d.kind} {d.state} due {d.due}" for d in still)
        )
        assert not Matter.objects.overdue(self.today).filter(pk=m.pk).exists()
        viewer = self._viewer(m)
        assert not access.open_visible(self._user(viewer)).filter(pk=m.pk).exists(), (
            f"{m.receipt_no} ({m.status}) is still in {viewer}'s queue"
        )

    def _check_notices(self, m: Matter, events: list[Event]) -> None:
        """Invariant 4: the written notices the petitioner is owed on the way to the end."""
        if not self._notice_owed(m):
            return
        notices = list(Notice.objects.filter(matter=m).select_related("event"))
        kinds = [n.kind for n in notices]
        if m.status == Status.REDIRECTED:
            last = [e for e in events if e.action == "redirect" or _relayed(e, "redirect")][-1]
            named = [n for n in notices if n.kind == NoticeKind.REDIRECT and n.event_id == last.pk]
            assert named, f"{m.receipt_no} was redirected (Art. 31) without a notice: {kinds}"
            channel = last.data.get("channel_name")
            assert named[0].context.get("channel") == channel, (
                f"{m.receipt_no}: the redirect notice names {named[0].context.get('channel')!r}, "
                f"the redirect {channel!r}"
            )
        elif m.status == Status.NOT_ACCEPTED:
            assert NoticeKind.NOT_ACCEPTED in kinds, (
                f"{m.receipt_no} was not accepted without a 不予受理告知书: {kinds}"
            )
        elif m.status == Status.LINKED:
            assert {NoticeKind.REPEAT, NoticeKind.NOT_ACCEPTED} & set(kinds), (
                f"{m.receipt_no} was linked as a repeat without a notice of the existing "
                f"matter's status (Art. 19): {kinds}"
            )
        elif m.status == Status.CONCLUDED:
            assert OPINION_KIND[m.kind] in kinds, (
                f"{m.receipt_no} ({m.kind}) concluded without its written opinion "
                f"({OPINION_KIND[m.kind]}): {kinds}"
            )
        # Art. 23: the organ that accepts tells the petitioner in writing that it received
        # the matter and how it will be handled (para 3: a forwarded or assigned one within
        # 15 days of receiving it).
        if m.kind == Kind.ORIGINAL:
            for e in events:
                if e.action not in ("accept", "accept_direct"):
                    continue
                told = [
                    n
                    for n in notices
                    if n.kind == NoticeKind.RECEIPT
                    and n.organ_id == e.actor_unit_id
                    and n.event.seq >= _dispatch_seq(events, e)
                ]
                assert told, (
                    f"{m.receipt_no}: accepted by unit #{e.actor_unit_id} on {local(e.at)} "
                    f"(event {e.seq}) but that organ issued no 受理告知书 (Art. 23): {kinds}"
                )
        # Art. 34: the petitioner is told of an extension and its reason.
        if any(e.action == "approve_extension" for e in events):
            assert NoticeKind.EXTENSION in kinds, (
                f"{m.receipt_no}: the handling period was extended without telling the "
                f"petitioner (Art. 34): {kinds}"
            )

    def _check_surfaces(self, m: Matter, clock: Any) -> None:
        """Invariant 5: the portal and the staff side (API) say the same."""
        viewer = self._viewer(m)
        r = self._staff(viewer).get(f"/api/v1/matters/{m.pk}")
        assert r.status_code == 200, f"{m.receipt_no}: API {r.status_code} for {viewer}"
        api = r.json()
        # The API's deadlines are the clock's on the log.
        shown = [(d["kind"], d["due"], d["state"]) for d in api["deadlines"]]
        computed = [
            (d.kind, d.due.isoformat() if d.due else None, d.state) for d in clock.deadlines
        ]
        assert shown == computed, f"{m.receipt_no}: API deadlines {shown}, the log {computed}"
        # A period that crosses a year whose arrangement is not loaded is marked provisional.
        for d in api["deadlines"]:
            if d["due"]:
                crosses = self.days.provisional(
                    date.fromisoformat(d["start"]), date.fromisoformat(d["due"])
                )
                assert d.get("provisional") == crosses, (
                    f"{m.receipt_no}: the API shows the {d['kind']} period "
                    f"{d['start']} – {d['due']} with provisional={d.get('provisional')}"
                )
        html = self._portal_page(m)
        status = re.search(r'<p class="status">([^<]*)</p>', html)
        assert status is not None, f"{m.receipt_no}: no status on the portal page"
        assert status.group(1) == str(PLAIN[api["status"]][0]), (
            f"{m.receipt_no}: the portal says {status.group(1)!r}, staff {api['status_label']!r}"
        )
        # The nearest obligation: the portal shows the one the staff queue sorts by.
        cur = re.search(r"<dt>([^<]*)</dt><dd><b>(\d+年\d+月\d+日)</b>（", html)
        expected = (
            (DEADLINE_LABELS[m.current_due_kind][0], cn(m.current_due)) if m.current_due else None
        )
        got = (cur.group(1), cur.group(2)) if cur else None
        assert got == expected, f"{m.receipt_no} ({m.status}): portal shows {got}, queue {expected}"
        current = clock.current()
        if cur and current and current.due:
            marked = "暂定" in html[cur.end() : html.index("</dd>", cur.end())]
            crosses = self.days.provisional(current.start, current.due)
            assert marked == crosses, (
                f"{m.receipt_no}: the portal shows {got} {'as' if marked else 'not as'} "
                f"provisional (period {current.start} – {current.due})"
            )
        # A merged matter's handling period is its main matter's, on the portal too.
        for d in api["deadlines"]:
            if d["follows"] and d["state"] in OPEN_STATES:
                shown_due = cn(date.fromisoformat(d["due"])) if d["due"] else "暂停计时"
                assert shown_due in html, (
                    f"{m.receipt_no}: the portal does not show the {d['label']} {shown_due} "
                    f"it follows from {d['follows']}"
                )
        if m.status in TERMINAL:
            assert "已超期" not in html, f"{m.receipt_no} ({m.status}): the portal shows 已超期"
            page = self._staff(viewer).get(f"/matters/{m.pk}/")
            assert page.status_code == 200, f"{m.receipt_no}: staff page {page.status_code}"
            late = re.findall(r"超期 \d+ 天", page.content.decode())
            assert not late, f"{m.receipt_no} ({m.status}): the staff page shows {late}"
        # The petitioner's own windows (复查, 复核): the same dates as the staff side.
        for d in api["deadlines"]:
            if d["kind"] not in ("review_window", "reexam_window") or not d["due"]:
                continue
            if d["state"] == "used":  # the portal says when the request was made instead
                assert "您已于" in html, f"{m.receipt_no}: the portal hides the {d['label']}"
                continue
            due = cn(date.fromisoformat(d["due"]))
            assert due in html, f"{m.receipt_no}: the portal does not show the {d['label']} {due}"
        # The same notices, with the same dates.
        on_portal = re.findall(r'<li><span>([^<]*) <span class="muted">([^<]*)</span>', html)
        on_staff = [
            (n["title"], cn(local(datetime.fromisoformat(n["issued_at"])))) for n in api["notices"]
        ]
        assert sorted(on_portal) == sorted(on_staff), (
            f"{m.receipt_no}: notices on the portal {on_portal}, staff side {on_staff}"
        )

    # --- performing an action -----------------------------------------------------------

    def _perform(self, m: Matter, who: str, action: str, reason: str, data: dict) -> None:
        before = self._snapshot()
        law = self._law_before(m, action)
        try:
            with transaction.atomic():
                out = transition(
                    m.pk,
                    action,
                    actor=self._user(who),
                    by_citizen=who == CITIZEN,
                    reason=reason,
                    data=dict(data),
                    at=self.now,
                )
        except UserError as e:
            note(f"{self.today} {who} {action} {m.receipt_no} {data} → refused ({e.code})")
            assert self._snapshot() == before, (
                f"{who} {action} on {m.receipt_no} was refused ({e.code}) but changed things"
            )
            self._law_refused(m, who, action, data, e, law)
            return
        note(f"{self.today} {who} {action} {m.receipt_no} {data} → {out.status}")
        version, count = before[0][m.pk][:2]
        assert (out.version, out.event_count) == (version + 1, count + 1)
        last = Event.objects.filter(matter=out).order_by("-seq").first()
        assert last is not None and last.action == action
        self._law_after(m, out, action, last, law)

    def _law_before(self, m: Matter, action: str) -> dict[str, Any]:
        return {"clock": clock_for(m, on=self.today)}

    def _law_refused(
        self, m: Matter, who: str, action: str, data: dict, e: UserError, law: dict
    ) -> None:
        """Refusals the law does not allow."""
        if action in ("request_review", "request_reexam") and e.code == "window_closed":
            # XFGZ Arts. 35, 36: the window is judged by the day the request was received.
            window = law["clock"].get(
                "review_window" if action == "request_review" else "reexam_window"
            )
            received = date.fromisoformat(data.get("received_on") or self.today.isoformat())
            assert window is None or window.due is None or received > window.due, (
                f"{m.receipt_no}: a request received on {received}, within the window "
                f"({window.start} – {window.due}), was refused as late"
            )
        if who == CITIZEN and e.code == "no_organ":
            # A citizen cannot name the deciding organ: the request is registered and the
            # choice is put to staff (issue 23, item 11).
            raise AssertionError(
                f"{m.receipt_no}: the citizen's {action} was refused ({e.code}): {e}"
            )
        if action == "object" and e.code == "designated":
            # XFGZ Art. 23 para 3: every receiving organ may object; only a unit designated
            # after a dispute (the office rejected an objection) may not (WF Art. 22).
            last = (
                Event.objects.filter(matter=m, action__in=("forward", "assign", "reject_objection"))
                .order_by("-seq")
                .first()
            )
            assert last is not None and last.action == "reject_objection", (
                f"{m.receipt_no}: the unit it was {last.action if last else '?'}ed to may not "
                "object, though it was not designated after a dispute"
            )

    def _law_after(self, m: Matter, out: Matter, action: str, ev: Event, law: dict) -> None:
        """What the law forbids even when the table allows the action."""
        today = self.today
        if action == "assign":
            # XFGZ Arts. 22, 34: an assignment cannot fix more than the handling period.
            latest = today + timedelta(days=60)
            while not self.days.working(latest):  # CC Art. 203
                latest += timedelta(days=1)
            due = date.fromisoformat(ev.data["due_on"])
            assert due <= latest, (
                f"{m.receipt_no}: assigned on {today} with a due date {due}, "
                f"past the 60-day period ({latest})"
            )
        if action in ("approve_opinion", "record_service") and ev.data.get("served_on"):
            # XFGZ Art. 35: the window runs from service of the written reply, which cannot
            # precede the reply.
            approved = next(
                e
                for e in Event.objects.filter(matter=out).order_by("-seq")
                if e.action == "approve_opinion" or _relayed(e, "approve_opinion")
            )
            served = date.fromisoformat(ev.data["served_on"])
            assert served >= local(approved.at), (
                f"{m.receipt_no}: service recorded on {served}, before the opinion was "
                f"approved on {local(approved.at)}"
            )
        if action in ("request_extension", "approve_extension"):
            # XFGZ Art. 34 extends a running period, not an expired one.
            handling = law["clock"].get("handling")
            assert handling is None or handling.state != "overdue", (
                f"{m.receipt_no}: {action} on {today} after the handling period expired"
            )
        if action == "not_accept" and ev.data.get("ground") == "art19":
            # XFGZ Art. 19 para 3: not accepted again only while the existing matter is
            # handled within its period; the registrar names one they may see.
            existing = out.repeat_of
            assert existing is not None
            actor = ev.actor
            assert access.visible(actor).filter(pk=existing.pk).exists(), (
                f"{m.receipt_no}: not accepted as a repeat of {existing.receipt_no}, "
                f"which {actor} may not see"
            )
            assert existing.status not in (*TERMINAL, Status.ANSWERED), (
                f"{m.receipt_no}: not accepted under Art. 19 para 3 though "
                f"{existing.receipt_no} is {existing.status}"
            )
            late = [
                d
                for d in clock_for(existing, on=today).deadlines
                if d.obligation and d.state == "overdue"
            ]
            assert not late, (
                f"{m.receipt_no}: not accepted under Art. 19 para 3 though {existing.receipt_no} "
                f"is past its {late[0].kind} period ({late[0].due})"
            )
        if action == "redirect":
            # XFGZ Art. 31 (procedure.md §3): redirecting is for appeals and claims.
            assert m.category != "suggestion", (
                f"{m.receipt_no}: a 建议意见 was redirected to another channel (Art. 31)"
            )

    def _data(self, action: str, m: Matter, v: int) -> tuple[str, dict[str, Any]]:
        """The reason and the data for ``action``; ``v`` picks one of a few variants
        (some of them wrong, to be refused)."""
        w = self.world
        today = self.today
        reason = "" if v == 7 else "依据有关规定"
        units = [w.town, w.town2, w.housing, w.labour, w.village, w.county, w.town, w.office]
        others = [
            x.receipt_no for x in Matter.objects.exclude(pk=m.pk).order_by("pk").only("receipt_no")
        ] or ["360421-2026-999999"]
        other = others[v % len(others)]
        approvals = [
            local(e.at)
            for e in Event.objects.filter(matter=m).order_by("seq")
            if e.action == "approve_opinion" or _relayed(e, "approve_opinion")
        ]
        approved = approvals[-1] if approvals else today
        d: dict[str, Any] = {
            "forward": {"unit": units[v].pk, "override_reason": "属地管理"},
            "assign": {
                "unit": units[v % 4].pk,
                "due_on": today + timedelta(days=[20, 60, 61, 90, 1, 45, 59, 75][v]),
                "override_reason": "属地管理",
            },
            "redirect": dict(zip(("channel", "organ"), REDIRECT[v % len(REDIRECT)], strict=True)),
            "not_accept": {"ground": "art36" if v == 3 else "art19", "existing": other},
            "emergency_transfer": {"line": ["120", "110", "119", "122"][v % 4]},
            "set_units": {"lead": units[v % 4].pk, "assisting": [w.housing.pk]},
            "appoint_leader": {
                "leader": w.leader.pk,
                "plan": "三日内入户核实",
                "due_on": today + timedelta(days=30),
            },
            "contact": {"method": "phone", "summary": "电话联系信访人，约定现场查看"},
            "record_hearing": {"held_on": today, "place": "镇政府会议室", "summary": "各方陈述"},
            "record_mediation": {"outcome": ["settlement", "failed"][v % 2], "summary": "调解"},
            "pause": {"reason_kind": ["material", "hearing"][v % 2]},
            "request_extension": {"days": [20, 30, 10, 31][v % 4]},
            "approve_extension": {} if v % 2 else {"days": 5},
            "submit_opinion": opinion(["support", "explain", "reject"][v % 3]),
            "approve_opinion": [
                {},
                {"served_on": today},
                {"served_on": today + timedelta(days=3)},
                {"served_on": today - timedelta(days=2)},
            ][v % 4],
            "record_service": {
                "served_on": [today, approved, approved - timedelta(days=1), today][v % 4]
            },
            "record_execution": {"summary": "已督促落实"},
            "report_completion": {"summary": "已办结，报送办结报告"},
            "request_review": {"grounds": "对答复不服：维修责任认定有误"}
            | ({} if v % 2 else {"received_on": today - timedelta(days=3)}),
            "request_reexam": {"grounds": "复查意见未回应维修资金问题"}
            | ({} if v % 2 else {"received_on": today - timedelta(days=3)}),
            "rate": {"rating": ["satisfied", "basic", "unsatisfied"][v % 3]},
            "add_material": {"note": "补充照片"},
            "supervise": {
                "demand": "三日内书面报告办理进展",
                "reply_due": today + timedelta(days=[5, 1, 10, 3][v % 4]),
            },
            "answer_supervision": {"reply": "已入户核实，正在协调维修"},
            "link_repeat": {"existing": other},
            "merge": {"main": other},
        }.get(action, {})
        return reason, {k: (x.isoformat() if isinstance(x, date) else x) for k, x in d.items()}

    # --- helpers ------------------------------------------------------------------------

    def _user(self, who: str) -> Any:
        return None if who == CITIZEN else self.world.users[who]

    def _viewer(self, m: Matter) -> str:
        """A staff user who may see ``m`` (its registering organ, else its supervisors)."""
        if m.pk in self.viewers:
            return self.viewers[m.pk]
        for who in ("registrar", "supervisor", "county_leader", "city_leader", "leader"):
            if access.visible(self._user(who)).filter(pk=m.pk).exists():
                self.viewers[m.pk] = who
                return who
        raise AssertionError(f"nobody of the model may see {m.receipt_no}")

    def _staff(self, who: str) -> Client:
        c = self.staff_clients.get(who)
        if c is None:
            c = self.staff_clients[who] = Client()
            c.force_login(self._user(who))
        return c

    def _portal_page(self, m: Matter) -> str:
        """The portal's page of ``m``, looked up as the petitioner does (the receipt number
        of the chain's original matter and its secret) when this browser has not yet."""
        page = self.portal.get(f"/portal/m/{m.receipt_no}/")
        if page.status_code == 404:
            root = m
            while root.parent_id is not None:
                root = Matter.objects.get(pk=root.parent_id)
            r = self.portal.post(
                "/portal/track/", {"receipt_no": root.receipt_no, "secret": self.secrets[root.pk]}
            )
            assert r.status_code == 302, f"{root.receipt_no}: portal lookup {r.status_code}"
            page = self.portal.get(f"/portal/m/{m.receipt_no}/")
        assert page.status_code == 200, f"{m.receipt_no}: portal page {page.status_code}"
        return page.content.decode()

    def _notice_owed(self, m: Matter) -> bool:
        """XFGZ Art. 23: no written notice is owed when the name or address is unclear."""
        if m.anonymous:
            return False
        return any(p.name and p.address for p in m.petitioners.all())

    def _snapshot(self) -> tuple[dict[int, tuple[Any, ...]], tuple[int, ...]]:
        rows = {
            pk: rest
            for pk, *rest in Matter.objects.values_list(
                "pk",
                "version",
                "event_count",
                "status",
                "current_due",
                "current_due_kind",
                "lead_unit_id",
                "is_paused",
                "extension_state",
                "supervision_due",
                "merged_into_id",
            )
        }
        return {k: tuple(v) for k, v in rows.items()}, self._counts()

    def _counts(self) -> tuple[int, ...]:
        return tuple(
            model.objects.count()
            for model in (
                Matter,
                Event,
                Notice,
                Alert,
                Notification,
                supervision_models.ReturnVisit,
                supervision_models.FollowupCheck,
            )
        )

    def _sweep_rows(self) -> set[tuple[Any, ...]]:
        """What a sweep may write, with instants as the day they fall on (a sweep for day D
        dates its rows on D whatever the wall clock says; the hour is the job's own)."""
        out: set[tuple[Any, ...]] = set()
        for model in (
            Alert,
            Notification,
            Event,
            supervision_models.ReturnVisit,
            supervision_models.FollowupCheck,
        ):
            for row in model.objects.values():
                out.add((model.__name__, *_canonical(model, row)))
        for pk, level, due, version, status in Matter.objects.values_list(
            "pk", "supervision_level", "supervision_due", "version", "status"
        ):
            out.add(("Matter", pk, level, due, version, status))
        return out


def _canonical(model: type[models.Model], row: dict[str, Any]) -> tuple[Any, ...]:
    skip = {"id", "hash", "prev_hash"}
    out = []
    for k in sorted(row):
        if k in skip:
            continue
        v = row[k]
        if isinstance(v, datetime):
            v = local(v)
        elif isinstance(v, dict | list):
            v = json.dumps(v, sort_keys=True, ensure_ascii=False)
        out.append((k, v))
    return tuple(out)


def _relayed(e: Event, action: str) -> bool:
    return e.action == "relay" and e.data.get("main_action") == action


def _dispatch_seq(events: list[Event], accept: Event) -> int:
    """The seq after which the accepting organ's 受理告知书 counts: the dispatch
    (forward, assign, reject_objection) that ``accept`` answers; for a matter the organ
    received directly (``accept_direct``) its notice may come first (``send_receipt``)."""
    seq = 0
    if accept.action == "accept":
        for e in events:
            if e.seq < accept.seq and e.action in ("forward", "assign", "reject_objection"):
                seq = e.seq
    return seq


@pytest.fixture
def model_world(world: World, settings: Any, monkeypatch: pytest.MonkeyPatch) -> World:
    # Sessions outlive the model's months (the wall clock follows the model).
    settings.SESSION_COOKIE_AGE = 20 * 365 * 86400
    settings.XINFANG = {**settings.XINFANG, "SESSION_IDLE_MINUTES": 10**6}
    wall = WallClock()
    monkeypatch.setattr(timezone, "now", wall.now)
    WorkflowModel.world = world
    WorkflowModel.wall = wall
    return world


def test_workflow_model(model_world: World) -> None:
    config = settings(
        max_examples=EXAMPLES,
        stateful_step_count=STEPS,
        deadline=None,
        derandomize=not SEED,
        database=None,
        print_blob=False,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    machine = WorkflowModel
    if SEED:
        machine = seed(int(SEED))(WorkflowModel)  # type: ignore[assignment]
    run_state_machine_as_test(machine, settings=config)
