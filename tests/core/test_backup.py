"""Backup → damage → restore gives back every row of every table (SQLite and PostgreSQL)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.apps import apps
from django.core.management import call_command

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Event, Matter

from ..factories import answered, build_world, handled


def snapshot() -> dict[str, list[dict[str, Any]]]:
    out = {}
    for model in apps.get_models():
        out[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return out


@pytest.mark.django_db(transaction=True)
def test_round_trip(tmp_path: Path) -> None:
    w = build_world()
    answered(w)
    handled(w)
    before = snapshot()
    assert sum(len(v) for v in before.values()) > 50
    target = tmp_path / "xinfang.backup"
    call_command("backup", str(target))
    assert target.stat().st_size > 0
    # damage: new rows and deleted rows
    handled(w)
    AccessLog.objects.all().delete()
    Event.objects.filter(action="accept").update(reason="changed")
    assert snapshot() != before
    call_command("restore", str(target))
    assert snapshot() == before
    assert Matter.objects.count() == 2


@pytest.mark.django_db
def test_restore_missing_file(tmp_path: Path) -> None:
    from django.core.management import CommandError

    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "nope"))
