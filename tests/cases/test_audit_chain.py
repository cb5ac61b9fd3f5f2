from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command

from xinfang.cases.audit import verify_events
from xinfang.cases.models import Event, Matter
from xinfang.notices.models import Notice

from ..factories import World, answered, handled


@pytest.fixture(autouse=True)
def _own_witness(settings, tmp_path) -> None:
    settings.XINFANG_WITNESS_DIR = tmp_path / "witness"


def test_intact_chain_verifies(world: World) -> None:
    answered(world)
    handled(world)
    assert list(verify_events()) == []
    call_command("audit", "witness")
    call_command("audit", "verify")


def test_the_chain_is_keyed(world: World, monkeypatch) -> None:
    """The hash is an HMAC under XINFANG_AUDIT_KEY: the same row under another key, or
    the unkeyed SHA-256 anyone can compute, does not verify."""
    import hashlib

    from xinfang.cases.chain import event_body, event_fields

    m = answered(world)
    ev = Event.objects.get(matter=m, seq=2)
    assert ev.hash == ev.compute_hash()
    assert ev.hash != hashlib.sha256(event_body(**event_fields(ev))).hexdigest()
    monkeypatch.setenv("XINFANG_AUDIT_KEY", "another-audit-key-" + "k" * 20)
    assert ev.compute_hash() != ev.hash
    assert {f.problem.split(" /")[0] for f in verify_events()} == {"内容被修改"}


def test_edited_row_is_detected(world: World) -> None:
    m = answered(world)
    Event.objects.filter(matter=m, seq=2).update(reason="篡改")
    found = list(verify_events())
    assert [(f.matter_id, f.seq, f.problem.split(" /")[0]) for f in found] == [
        (m.pk, 2, "内容被修改")
    ]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_deleted_middle_row_is_detected(world: World) -> None:
    m = answered(world)
    Notice.objects.filter(event__matter=m, event__seq=3).delete()
    Event.objects.filter(matter=m, seq=3).delete()
    problems = {(f.seq, f.problem.split(" /")[0]) for f in verify_events()}
    assert (3, "事件缺失") in problems and (4, "链接断裂") in problems


def test_deleted_last_row_is_detected(world: World) -> None:
    m = answered(world)
    Notice.objects.filter(event__matter=m, event__seq=m.event_count).delete()
    Event.objects.filter(matter=m, seq=m.event_count).delete()
    found = list(verify_events())
    assert len(found) == 1 and found[0].seq is None


def test_rehashed_forgery_is_detected_by_the_matter_head(world: World) -> None:
    m = answered(world)
    ev = Event.objects.get(matter=m, seq=m.event_count)
    ev.reason = "伪造"
    ev.hash = ev.compute_hash()
    Event.objects.filter(pk=ev.pk).update(reason=ev.reason, hash=ev.hash)
    assert Matter.objects.get(pk=m.pk).last_hash != ev.hash
    assert len(list(verify_events())) == 1
