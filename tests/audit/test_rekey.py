"""Existing chains are keyed by a migration, and re-keyed after the audit key changed; what
was broken before stays reported."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection

from xinfang.audit.models import AccessLog, ChainHead
from xinfang.audit.services import log_access, verify_access_log
from xinfang.cases.audit import verify_events
from xinfang.cases.models import Event, Matter
from xinfang.core.crypto import audit_mac
from xinfang.notices.models import Notice
from xinfang.ops import witness
from xinfang.ops.rekey import legacy_mac, rekey_access_log, rekey_events

from ..factories import World, answered, handled

MIGRATION = "xinfang.audit.migrations.0002_key_the_chains"


def _unkeyed() -> None:
    """The chains as earlier versions wrote them (unkeyed SHA-256)."""
    rekey_events(Event, Matter, connection, old=audit_mac, new=legacy_mac)
    rekey_access_log(AccessLog, ChainHead, connection, old=audit_mac, new=legacy_mac)


def _migrate() -> None:
    import importlib

    importlib.import_module(MIGRATION).forwards(apps, SimpleNamespace(connection=connection))


def test_the_migration_keys_the_existing_chains(world: World) -> None:
    a, b = answered(world), handled(world)
    for i in range(3):
        log_access(user=world.handler, what="matter", detail=str(i))
    _unkeyed()
    assert len(list(verify_events())) == a.event_count + b.event_count
    assert list(verify_access_log())
    _migrate()
    assert list(verify_events()) == []
    assert list(verify_access_log()) == []
    _migrate()  # a second run changes nothing
    assert list(verify_events()) == []
    import importlib

    importlib.import_module(MIGRATION).backwards(apps, SimpleNamespace(connection=connection))
    assert len(list(verify_events())) == a.event_count + b.event_count


def test_what_was_edited_before_stays_reported(world: World) -> None:
    a, b = answered(world), handled(world)
    _unkeyed()
    Event.objects.filter(matter=a, seq=3).update(reason="篡改")
    n = b.event_count
    Notice.objects.filter(event__matter=b, event__seq=n).delete()
    Event.objects.filter(matter=b, seq=n).delete()  # its head now says one more
    _migrate()
    found = {(f.matter_id, f.seq, f.problem.split(" /")[0]) for f in verify_events()}
    assert (a.pk, 3, "内容被修改") in found
    assert (b.pk, None, "末尾事件缺失或被替换") in found
    assert min(f[1] for f in found if f[0] == a.pk) == 3  # seqs 1 and 2 were re-keyed


def test_rekey_after_the_audit_key_changed(world: World, monkeypatch) -> None:
    old, new = "old-audit-key-" + "o" * 30, "new-audit-key-" + "n" * 30
    monkeypatch.setenv("XINFANG_AUDIT_KEY", old)
    answered(world)
    log_access(user=world.handler, what="matter")
    witness.witness_once()
    monkeypatch.setenv("XINFANG_AUDIT_KEY", new)
    assert list(verify_events())
    with pytest.raises(CommandError, match="XINFANG_AUDIT_KEY_OLD"):
        call_command("audit", "rekey")
    monkeypatch.setenv("XINFANG_AUDIT_KEY_OLD", old)
    call_command("audit", "rekey")
    assert list(verify_events()) == [] and list(verify_access_log()) == []
    checks = list(witness.verify_witness())
    assert [c.text for c in checks if c.problem] == []
    call_command("audit", "verify")
