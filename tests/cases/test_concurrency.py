"""Two people acting on one matter at the same moment: exactly one wins, nothing is lost."""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connection

from xinfang.actions.workflow import transition
from xinfang.cases.models import Event, Status
from xinfang.core.errors import UserError

from ..factories import build_world, handled, register


def _race(calls: list[tuple[Any, ...]]) -> tuple[list[Any], list[BaseException]]:
    barrier = threading.Barrier(len(calls))
    ok: list[Any] = []
    errors: list[BaseException] = []

    def run(args: tuple[Any, ...]) -> None:
        matter_id, action, user, kw = args
        try:
            barrier.wait()
            ok.append(transition(matter_id, action, actor=user, **kw))
        except BaseException as e:
            errors.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return ok, errors


@pytest.mark.django_db(transaction=True)
def test_two_handlers_race_to_accept() -> None:
    w = build_world()
    m = register(w)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    ok, errors = _race([(m.pk, "accept", w.handler, {}), (m.pk, "accept", w.leader, {})])
    assert len(ok) == 1, errors
    assert len(errors) == 1 and isinstance(errors[0], UserError)
    assert errors[0].code == "bad_state"
    m.refresh_from_db()
    assert m.status == Status.HANDLING
    assert Event.objects.filter(matter=m, action="accept").count() == 1
    assert m.event_count == Event.objects.filter(matter=m).count() == 3


@pytest.mark.django_db(transaction=True)
def test_concurrent_notes_are_all_kept() -> None:
    """Non-conflicting actions serialise: every one is recorded with its own seq."""
    w = build_world()
    m = handled(w)
    n = 6
    calls = [(m.pk, "add_note", w.handler, {"reason": f"备注{i}"}) for i in range(n)]
    ok, errors = _race(calls)
    assert not errors and len(ok) == n
    m.refresh_from_db()
    seqs = list(Event.objects.filter(matter=m).values_list("seq", flat=True))
    assert seqs == list(range(1, m.event_count + 1))
    assert Event.objects.filter(matter=m, action="add_note").count() == n
    assert m.version == 2 + n  # forward, accept, then the notes


@pytest.mark.django_db(transaction=True)
def test_stale_form_is_refused() -> None:
    w = build_world()
    m = handled(w)
    seen = m.version
    transition(m, "contact", actor=w.handler, data={"method": "phone", "summary": "已电话联系"})
    with pytest.raises(UserError) as exc:
        transition(m, "add_note", actor=w.leader, reason="x", expected_version=seen)
    assert exc.value.code == "stale"
