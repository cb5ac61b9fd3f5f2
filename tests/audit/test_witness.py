"""The audit chains are keyed and their heads witnessed outside the database (issue 25,
finding 6): a whole matter deleted with its events, a deleted tail whose head was set back,
a chain recomputed without the key or with it, an access log cut short — all reported."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from xinfang.audit.models import AccessLog, ChainHead
from xinfang.audit.services import log_access, verify_access_log
from xinfang.cases.audit import verify_events
from xinfang.cases.chain import event_body, event_fields
from xinfang.cases.models import Event, Matter
from xinfang.notices.models import Notice
from xinfang.ops import witness

from ..factories import World, answered, handled, register


def problems(path: Path | None = None) -> list[str]:
    return [c.text for c in witness.verify_witness(path) if c.problem]


def erase(m: Matter) -> None:
    """What someone with write access to the database would do to make a matter vanish."""
    Notice.objects.filter(matter=m).delete()
    AccessLog.objects.filter(matter=m).update(matter=None)
    Event.objects.filter(matter=m).delete()
    Matter.objects.filter(pk=m.pk).delete()


def test_an_intact_deployment_verifies(world: World) -> None:
    answered(world)
    handled(world)
    log_access(user=world.handler, what="matter")
    run = witness.witness_once()
    assert (run.seal, run.heads, run.access) == (1, 2, True)
    assert problems() == []
    call_command("audit", "verify")
    assert witness.witness_once().seal == 0  # nothing new: nothing written


def test_without_a_witness_verify_does_not_say_intact(world: World) -> None:
    handled(world)
    assert problems() and "见证文件不存在" in problems()[0]
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_matter_deleted_with_its_events_is_reported(world: World) -> None:
    keep, gone = answered(world), handled(world)
    witness.witness_once()
    erase(gone)
    assert list(verify_events()) == []  # the database alone is consistent
    assert problems() == [f"事项 #{gone.pk} 已被删除（见证至第 {gone.event_count} 条事件）"]
    assert Matter.objects.filter(pk=keep.pk).exists()
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_a_deleted_tail_with_its_head_set_back_is_reported(world: World) -> None:
    m = answered(world)
    witness.witness_once()
    n = m.event_count
    Notice.objects.filter(event__matter=m, event__seq=n).delete()
    Event.objects.filter(matter=m, seq=n).delete()
    prev = Event.objects.get(matter=m, seq=n - 1)
    Matter.objects.filter(pk=m.pk).update(event_count=n - 1, last_hash=prev.hash)
    assert list(verify_events()) == []
    assert problems() == [f"{m.receipt_no}#{n}: 见证过的事件已被删除"]


def _rechain(m: Matter, mac: Callable[[bytes], str]) -> None:
    """Recompute a matter's chain from its second event on, and its head."""
    prev = ""
    for ev in Event.objects.filter(matter=m).order_by("seq"):
        ev.prev_hash = prev
        ev.hash = mac(event_body(**event_fields(ev)))
        Event.objects.filter(pk=ev.pk).update(prev_hash=ev.prev_hash, hash=ev.hash)
        prev = ev.hash
    Matter.objects.filter(pk=m.pk).update(last_hash=prev)


def test_a_chain_recomputed_without_the_key_is_reported(world: World) -> None:
    m = answered(world)
    Event.objects.filter(matter=m, seq=2).update(reason="篡改")
    _rechain(m, lambda body: hashlib.sha256(body).hexdigest())  # the published algorithm
    found = [(f.seq, f.problem.split(" /")[0]) for f in verify_events()]
    assert found[0] == (1, "内容被修改") and len(found) == m.event_count


def test_a_chain_recomputed_with_the_key_differs_from_the_witness(world: World) -> None:
    from xinfang.core.crypto import audit_mac

    m = answered(world)
    witness.witness_once()
    Event.objects.filter(matter=m, seq=2).update(reason="篡改")
    _rechain(m, audit_mac)
    assert list(verify_events()) == []
    assert problems() == [f"{m.receipt_no}#{m.event_count}: 与见证不符（事件链被重算）"]


def test_an_access_log_tail_deleted_with_its_head_set_back_is_reported(world: World) -> None:
    for i in range(3):
        log_access(user=world.handler, what="matter", detail=str(i))
    witness.witness_once()
    last = AccessLog.objects.order_by("-id").first()
    assert last is not None
    last.delete()
    ChainHead.objects.filter(name="access").update(hash=last.prev_hash, count=2)
    assert list(verify_access_log()) == []
    assert problems() == ["访问日志少于见证的 3 行（末尾被删除）"]


def test_a_changed_or_forged_witness_line_breaks_its_seal(world: World, _own_witness) -> None:
    m = handled(world)
    witness.witness_once()
    path = _own_witness / "chain.log"
    text = path.read_text()
    forged = text.replace(f"E\t{m.pk}\t", f"E\t{m.pk + 1000}\t")
    path.write_text(forged)
    assert problems()[0] == "见证第 1 号封记（第 3 行）不符：见证文件被修改或伪造"


def test_later_runs_witness_only_what_is_new(world: World, _own_witness) -> None:
    a = handled(world)
    witness.witness_once()
    b = register(world)
    log_access(user=world.handler, what="matter")
    run = witness.witness_once()
    assert (run.seal, run.heads, run.access) == (2, 1, True)
    lines = (_own_witness / "chain.log").read_text().splitlines()
    assert [ln.split("\t")[:3] for ln in lines if ln.startswith("E")] == [
        ["E", str(a.pk), str(a.event_count)],
        ["E", str(b.pk), "1"],
    ]
    assert problems() == []


def test_an_event_committed_late_is_witnessed_by_the_next_run(world: World) -> None:
    """On PostgreSQL a transaction may commit an event whose id is below one already
    witnessed; the witness looks for such ids again (here: a row taken out and put back)."""
    a = handled(world)
    b = handled(world)
    late = Event.objects.get(matter=a, seq=a.event_count)
    assert late.pk < Event.objects.filter(matter=b).latest("pk").pk
    values = Event.objects.filter(pk=late.pk).values()[0]
    Notice.objects.filter(event=late).delete()
    Event.objects.filter(pk=late.pk).delete()
    witness.witness_once(now=1000)
    st = witness.read_state(witness.witness_path())
    assert [h[:2] for h in st.holes] == [[late.pk, late.pk]]
    Event.objects.create(**values)  # the open transaction commits
    run = witness.witness_once(now=1010)
    assert run.heads == 1 and witness.read_state(witness.witness_path()).holes == []
    assert problems() == []


def test_holes_expire() -> None:
    holes = [[5, 9, 100]]
    assert witness._without(holes, [5, 7]) == [[6, 6, 100], [8, 9, 100]]
    assert witness._without(holes, [9]) == [[5, 8, 100]]


def test_a_rolled_back_id_is_given_up_after_hold(world: World) -> None:
    a = handled(world)
    last = Event.objects.get(matter=a, seq=a.event_count)
    Notice.objects.filter(event__matter=a).delete()
    Event.objects.filter(pk=last.pk).delete()
    handled(world)
    witness.witness_once(now=1000)
    assert witness.read_state(witness.witness_path()).holes
    witness.witness_once(now=1000 + witness.HOLD)
    assert witness.read_state(witness.witness_path()).holes == []


def test_the_copy_elsewhere_grows_and_refuses_a_rewritten_witness(
    world: World, _own_witness, tmp_path: Path
) -> None:
    handled(world)
    witness.witness_once()
    dest = tmp_path / "elsewhere"
    call_command("audit", "witness-copy", str(dest))
    handled(world)
    witness.witness_once()
    assert witness.copy_witness(dest) > 0
    assert (dest / "chain.log").read_bytes() == (_own_witness / "chain.log").read_bytes()
    assert (dest / "chain.log").stat().st_mode & 0o777 == 0o600
    assert problems(dest) == []
    # the witness truncated to its first run and grown again: the copy shows it
    src = _own_witness / "chain.log"
    first = src.read_bytes().split(b"\nS\t")[0]
    src.write_bytes(first + b"\n" + b"E\t1\t1\t" + b"0" * 64 + b"\n" * 400)
    with pytest.raises(CommandError, match="见证文件"):
        call_command("audit", "witness-copy", str(dest))


def test_files_are_private(world: World, _own_witness) -> None:
    handled(world)
    witness.witness_once()
    assert _own_witness.stat().st_mode & 0o777 == 0o700
    assert (_own_witness / "chain.log").stat().st_mode & 0o777 == 0o600


def test_the_command_runs_once_and_reports(world: World, capsys) -> None:
    handled(world)
    call_command("audit", "witness")
    call_command("audit", "witness")
    out = capsys.readouterr().out
    assert "见证第 1 号封记：1 个事项的末尾" in out and "没有新的记录" in out
    assert connection.vendor in ("sqlite", "postgresql")
