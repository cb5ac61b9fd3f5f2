"""The sweep's daily jobs read the event log from where they left off (``SweepMark``): a
later run finds what was answered or concluded since, without re-reading every matter."""

from __future__ import annotations

from django.conf import settings
from django.test import override_settings
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.supervision import marks
from xinfang.supervision.followups import schedule
from xinfang.supervision.models import FollowupCheck, ReturnVisit, SweepMark
from xinfang.supervision.visits import create_due_visits

from ..factories import World, answered


def run() -> int:
    return create_due_visits(timezone.localdate(), timezone.now())


def test_visits_first_run_reads_all_later_runs_read_new_events(world: World, monkeypatch) -> None:
    w = world
    old = [answered(w) for _ in range(3)]
    assert not SweepMark.objects.exists()
    assert run() == 3  # no mark yet: every answered matter
    mark = SweepMark.objects.get(job="visits").event_id
    assert mark > 0 and run() == 0
    new = answered(w)
    assert run() == 1 and ReturnVisit.objects.filter(matter=new, trigger="answered").exists()
    assert SweepMark.objects.get(job="visits").event_id > mark
    # Past the margin, a matter with no event since the mark is not read again …
    monkeypatch.setattr(marks, "MARGIN", 0)
    ReturnVisit.objects.filter(matter=old[0]).delete()
    assert run() == 0
    # … and is as soon as something happens to it.
    transition(old[0], "conclude", actor=w.handler)
    assert run() == 1


def test_visits_within_the_margin_are_read_again_harmlessly(world: World) -> None:
    m = answered(world)
    assert run() == 1
    ReturnVisit.objects.filter(matter=m).delete()  # as if its commit had come late
    assert run() == 1  # its events lie within MARGIN of the mark
    assert ReturnVisit.objects.filter(matter=m, trigger="answered").count() == 1


def test_followups_read_new_conclusions_and_start_over_for_new_offsets(world: World) -> None:
    w = world
    first = transition(answered(w), "conclude", actor=w.handler)
    assert schedule(timezone.localdate()) == 2 and schedule(timezone.localdate()) == 0
    second = transition(answered(w), "conclude", actor=w.handler)
    assert schedule(timezone.localdate()) == 2
    assert FollowupCheck.objects.filter(matter=second).count() == 2
    with override_settings(XINFANG={**settings.XINFANG, "FOLLOWUP_DAYS": [7, 30, 90]}):
        # a new offset is its own job: its first run reads every conclusion in range
        assert schedule(timezone.localdate()) == 6
    assert set(
        FollowupCheck.objects.filter(matter=first).values_list("offset_days", flat=True)
    ) == {7, 30, 90}


def test_matters_touched_reads_the_events_by_key_only(world: World) -> None:
    """The ids of matters with events after a mark, sorted in Python: no ORDER BY that
    would make SQLite walk the (matter, seq) index over every event ever recorded."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from xinfang.cases.models import Event

    first, second = answered(world), answered(world)
    after = Event.objects.filter(matter=second).order_by("pk").values_list("pk", flat=True)[0]
    with CaptureQueriesContext(connection) as q:
        touched = marks.matters_touched(after - 1)
    assert touched == [second.pk] and first.pk not in touched
    assert len(q.captured_queries) == 1
    assert "ORDER BY" not in q.captured_queries[0]["sql"].upper()
