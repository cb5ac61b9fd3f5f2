"""``sweep(D)`` runs as on day D whatever the wall clock says (issue 23, finding 8).

The wall clock is left running: the matters are written days before or after the real
today, and D falls in the past or in the future of it. What the sweep decides (alerts,
return visits, 回头看 checks, the escalation of an unanswered 督办 and its new reply date,
XFGZ Art. 40) and the instant its writes carry (the last second of D, or the time of the
run when D is the current day) follow D. A second run for the same day writes nothing;
a run with the wall clock set to another day writes exactly the same rows; an escalation
is never dated before the matter's latest event.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from io import StringIO
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Event, Matter
from xinfang.notices.models import Notification
from xinfang.supervision.marks import sweep_instant
from xinfang.supervision.models import Alert, FollowupCheck, ReturnVisit, SweepMark
from xinfang.supervision.services import SweepResult, sweep

from ..factories import World, answered, handled

TZ = ZoneInfo("Asia/Shanghai")


def at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), TZ)


def last_second(day: date) -> datetime:
    return datetime.combine(day, time(23, 59, 59), TZ)


def local_today() -> date:
    return datetime.now(TZ).date()


@contextmanager
def wall_clock(monkeypatch: pytest.MonkeyPatch, now: datetime) -> Iterator[None]:
    """``timezone.now()`` (and so ``localdate()``) reads ``now`` inside the block."""
    with monkeypatch.context() as mp:
        mp.setattr(timezone, "now", lambda: now)
        yield


@dataclass
class Scene:
    late: Matter  # handling period over by D: overdue alert, a visit for the deadline
    supervised: Matter  # also late; its 督办 unanswered since reply_due
    answered: Matter  # a visit after the answer
    concluded: Matter  # a visit, and 回头看 checks 30 and 90 days after the conclusion
    reply_due: date
    concluded_on: date
    day: date  # D: the day after the handling period ended


def scene(w: World, start: date) -> Scene:
    """Four matters whose events start on ``start``; D is the day after the handling
    period of the two still handled ends (start + about 60 days)."""
    b = at(start)
    late = handled(w, at=b)
    supervised = handled(w, at=b)
    reply_due = start + timedelta(days=3)
    transition(
        supervised,
        "supervise",
        actor=w.supervisor,
        reason="群众反映强烈",
        data={"demand": "一周内报告进展", "reply_due": reply_due.isoformat()},
        at=b + timedelta(days=1),
    )
    ans = answered(w, at=b)
    con = transition(answered(w, at=b), "conclude", actor=w.handler, at=b + timedelta(days=1))
    late.refresh_from_db()
    supervised.refresh_from_db()
    assert late.current_due_kind == supervised.current_due_kind == "handling"
    assert late.current_due == supervised.current_due and late.current_due is not None
    return Scene(
        late,
        supervised,
        ans,
        con,
        reply_due,
        start + timedelta(days=1),
        late.current_due + timedelta(days=1),
    )


def state() -> dict[str, list[Any]]:
    """Every row the sweep may write or change, without keys taken from sequences."""
    return {
        "alerts": sorted(
            Alert.objects.values_list(
                "matter_id", "deadline_kind", "due", "level", "unit_id", "created_at"
            )
        ),
        "notifications": sorted(
            Notification.objects.values_list(
                "user_id", "matter_id", "level", "key", "text", "created_at"
            )
        ),
        "visits": sorted(
            ReturnVisit.objects.values_list("matter_id", "unit_id", "trigger", "created_at")
        ),
        "checks": sorted(FollowupCheck.objects.values_list("matter_id", "offset_days", "due_on")),
        "events": sorted(
            Event.objects.values_list("matter_id", "seq", "action", "at", "data", "hash")
        ),
        "matters": sorted(
            Matter.objects.values_list(
                "pk", "status", "current_due", "supervision_level", "supervision_due", "version"
            )
        ),
        # the event a job's mark stands at, by matter and place in its log (an event's key
        # comes from a sequence that a rolled-back run advances on PostgreSQL)
        "marks": sorted(
            (job, *Event.objects.values_list("matter_id", "seq").get(pk=event_id), updated_at)
            for job, event_id, updated_at in SweepMark.objects.values_list(
                "job", "event_id", "updated_at"
            )
        ),
    }


def as_dates(s: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``s`` with every instant replaced by its day in Asia/Shanghai."""

    def day(v: Any) -> Any:
        return v.astimezone(TZ).date() if isinstance(v, datetime) else v

    def hashless(row: tuple[Any, ...], table: str) -> tuple[Any, ...]:
        # an event's hash covers its instant; the rest of the row is compared
        return row[:-1] if table == "events" else row

    return {t: [tuple(day(v) for v in hashless(r, t)) for r in rows] for t, rows in s.items()}


def written_by(res: SweepResult) -> tuple[int, int, int, int, int, int]:
    return (res.warnings, res.overdue, res.escalated, res.notifications, res.visits, res.deferred)


# D before and after the real today; the events all lie before the real today.
PAST, FUTURE = -300, -10


@pytest.mark.parametrize("offset", [PAST, FUTURE], ids=["past", "future"])
def test_sweep_runs_as_on_the_day_given(world: World, offset: int) -> None:
    w = world
    s = scene(w, local_today() + timedelta(days=offset))
    d = s.day
    assert (d < local_today()) == (offset == PAST)
    assert (d > local_today()) == (offset == FUTURE)
    stamp = last_second(d)
    assert sweep_instant(d) == stamp
    events_before = Event.objects.count()
    # the scene's own messages (its 督办, its submitted opinion) are not the sweep's
    earlier = set(Notification.objects.values_list("pk", flat=True))
    swept = Notification.objects.exclude(pk__in=earlier)

    res = sweep(d)

    # overdue: the two matters still handled, and the answered one not yet concluded (办结,
    # due when its petitioner's window closed); escalated: the unanswered notice
    assert written_by(res) == (0, 3, 1, 7, 4, 0)
    due = s.late.current_due
    closing = clock_for(s.answered, on=d).get("conclude")
    assert closing is not None and closing.state == "overdue"
    cdue = closing.due
    assert sorted(
        Alert.objects.values_list("matter_id", "deadline_kind", "due", "level")
    ) == sorted(
        [
            (s.late.pk, "handling", due, "overdue"),
            (s.supervised.pk, "handling", due, "overdue"),
            (s.answered.pk, "conclude", cdue, "overdue"),
        ]
    )
    assert set(Alert.objects.values_list("created_at", flat=True)) == {stamp}
    # the town's handler and leader for each overdue matter, the town's leader (level 2)
    # for the escalation, all at the same instant of D
    assert sorted(swept.values_list("matter_id", "user__username", "level", "key")) == sorted(
        [
            (s.late.pk, "handler", "overdue", f"overdue:handling:{due}"),
            (s.late.pk, "leader", "overdue", f"overdue:handling:{due}"),
            (s.supervised.pk, "handler", "overdue", f"overdue:handling:{due}"),
            (s.supervised.pk, "leader", "escalation", "esc:2"),
            (s.supervised.pk, "leader", "overdue", f"overdue:handling:{due}"),
            (s.answered.pk, "handler", "overdue", f"overdue:conclude:{cdue}"),
            (s.answered.pk, "leader", "overdue", f"overdue:conclude:{cdue}"),
        ]
    )
    assert set(swept.values_list("created_at", flat=True)) == {stamp}
    # the escalation: dated D, a new reply date 5 days after D, level 2
    ev = Event.objects.get(matter=s.supervised, action="escalate_supervision")
    reply = d + timedelta(days=5)
    assert ev.at == stamp and ev.seq == 5 and ev.actor is None
    assert (ev.data["level"], ev.data["reply_due"]) == (2, reply.isoformat())
    m = Matter.objects.get(pk=s.supervised.pk)
    assert (m.supervision_level, m.supervision_due) == (2, reply)
    note = Notification.objects.get(matter=s.supervised, level="escalation")
    assert note.text.endswith(f"请于{reply:%Y-%m-%d}前书面回复")
    assert Event.objects.count() == events_before + 1
    # return visits created on D; 回头看 due 30 and 90 days after the conclusion
    assert sorted(ReturnVisit.objects.values_list("matter_id", "trigger", "created_at")) == [
        (s.late.pk, "deadline", stamp),
        (s.supervised.pk, "deadline", stamp),
        (s.answered.pk, "answered", stamp),
        (s.concluded.pk, "answered", stamp),
    ]
    assert sorted(FollowupCheck.objects.values_list("matter_id", "offset_days", "due_on")) == [
        (s.concluded.pk, 30, s.concluded_on + timedelta(days=30)),
        (s.concluded.pk, 90, s.concluded_on + timedelta(days=90)),
    ]
    assert set(SweepMark.objects.values_list("updated_at", flat=True)) == {stamp}

    # the same day again writes nothing
    first = state()
    again = sweep(d)
    assert written_by(again) == (0, 0, 0, 0, 0, 0) and again.scanned == res.scanned
    assert state() == first


@pytest.mark.parametrize("offset", [PAST, FUTURE], ids=["past", "future"])
def test_the_same_rows_whatever_the_wall_clock_says(
    world: World, offset: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = scene(world, local_today() + timedelta(days=offset))
    d = s.day

    def swept() -> dict[str, list[Any]]:
        """The state after ``sweep(d)``, then back to the state before it."""
        with transaction.atomic():
            sweep(d)
            after = state()
            transaction.set_rollback(True)
        return after

    before = state()
    running = swept()
    assert state() == before and running != before
    # the wall clock on a day before D (after the matters' events), long after D, on D
    with wall_clock(monkeypatch, at(s.concluded_on + timedelta(days=19), 9)):
        assert swept() == running
    with wall_clock(monkeypatch, at(d + timedelta(days=400), 15)):
        assert swept() == running
    # On D itself the run is the day's own: the same rows and dates, at the time it ran.
    with wall_clock(monkeypatch, at(d, 10)):
        on_the_day = swept()
    assert on_the_day != running and as_dates(on_the_day) == as_dates(running)
    new = {t: [r for r in rows if r not in before[t]] for t, rows in on_the_day.items()}
    assert {r[-1] for t in ("alerts", "notifications", "visits", "marks") for r in new[t]} == {
        at(d, 10)
    }
    assert [r[3] for r in new["events"]] == [at(d, 10)]


def test_an_escalation_is_never_dated_before_the_matters_latest_event(world: World) -> None:
    """A past day swept after the matter moved on leaves the escalation to the sweep of
    the day of the latest event or later, which dates it no earlier than that event."""
    w = world
    start = local_today() - timedelta(days=300)
    later = start + timedelta(days=10)  # material added, after the reply date
    ms = []
    for added in (at(later, 10), datetime.combine(later, time(23, 59, 59, 500000), TZ)):
        m = handled(w, at=at(start))
        transition(
            m,
            "supervise",
            actor=w.supervisor,
            reason="群众反映强烈",
            data={"demand": "一周内报告进展", "reply_due": (start + timedelta(days=3)).isoformat()},
            at=at(start + timedelta(days=1)),
        )
        ms.append(transition(m, "add_material", actor=w.handler, data={"note": "补充"}, at=added))
    before = state()

    # D = start + 6: the reply is late, but both matters have events on a later day
    res = sweep(start + timedelta(days=6))
    assert (res.escalated, res.deferred, res.notifications) == (0, 2, 0)
    after = state()
    assert after["events"] == before["events"] and after["matters"] == before["matters"]
    assert not Notification.objects.filter(level="escalation").exists()
    assert [(m.supervision_level, m.supervision_due) for m in Matter.objects.order_by("pk")] == [
        (1, start + timedelta(days=3))
    ] * 2

    # D = the day of the material: escalated, at the end of the day or after the material
    res = sweep(later)
    assert (res.escalated, res.deferred) == (2, 0)
    reply = later + timedelta(days=5)
    got = []
    for m in ms:
        evs = list(Event.objects.filter(matter=m).order_by("seq").values_list("action", "at"))
        assert [a for a, _ in evs[-2:]] == ["add_material", "escalate_supervision"]
        assert [t for _, t in evs] == sorted(t for _, t in evs)
        got.append(evs[-1][1])
        m.refresh_from_db()
        assert (m.supervision_level, m.supervision_due) == (2, reply)
        assert Notification.objects.get(matter=m, level="escalation").created_at == evs[-1][1]
    assert got == [last_second(later), datetime.combine(later, time(23, 59, 59, 500000), TZ)]
    assert sweep(later).escalated == 0


def test_the_current_day_is_swept_at_the_time_of_the_run(world: World) -> None:
    w = world
    today = local_today()
    m = handled(w, at=at(today - timedelta(days=20)))
    transition(
        m,
        "supervise",
        actor=w.supervisor,
        reason="群众反映强烈",
        data={"demand": "一周内报告进展", "reply_due": (today - timedelta(days=15)).isoformat()},
        at=at(today - timedelta(days=19)),
    )
    t0 = timezone.now()
    res = sweep()
    t1 = timezone.now()
    assert (res.escalated, res.notifications) == (1, 1)
    ev = Event.objects.get(matter=m, action="escalate_supervision")
    assert t0 <= ev.at <= t1
    m.refresh_from_db()
    assert m.supervision_due == today + timedelta(days=5)
    assert Notification.objects.get(matter=m, level="escalation").created_at == ev.at
    assert SweepMark.objects.get(job="visits").updated_at == ev.at
    # sweeping the current day again, by name: nothing new, not even the marks' times
    first = state()
    assert written_by(sweep(today)) == (0, 0, 0, 0, 0, 0)
    assert state() == first


def test_the_command_sweeps_the_day_it_is_given(world: World) -> None:
    s = scene(world, local_today() - timedelta(days=300))
    d = s.day
    out = StringIO()
    call_command("sweep", "--today", d.isoformat(), stdout=out)
    assert "超期 3，督办升级 1，通知 7" in out.getvalue()
    assert set(Alert.objects.values_list("created_at", flat=True)) == {last_second(d)}
    ev = Event.objects.get(matter=s.supervised, action="escalate_supervision")
    assert ev.at == last_second(d) and ev.data["reply_due"] == (d + timedelta(days=5)).isoformat()
    # a 督办 unanswered by d + 2 of a matter with material added on d + 10: the sweep of
    # d + 4, run after that, leaves it to a later day's sweep and says so
    transition(
        s.late,
        "supervise",
        actor=world.supervisor,
        reason="办理超期",
        data={"demand": "立即办结", "reply_due": (d + timedelta(days=2)).isoformat()},
        at=at(d + timedelta(days=1)),
    )
    transition(
        s.late,
        "add_material",
        actor=world.handler,
        data={"note": "补充"},
        at=at(d, 10) + timedelta(days=10),
    )
    out = StringIO()
    call_command("sweep", "--today", (d + timedelta(days=4)).isoformat(), stdout=out)
    assert "督办升级 0，通知 0，待后续巡检升级 1" in out.getvalue()
    out = StringIO()
    call_command("sweep", "--today", (d + timedelta(days=10)).isoformat(), stdout=out)
    assert "督办升级 2" in out.getvalue() and "待后续巡检升级" not in out.getvalue()
