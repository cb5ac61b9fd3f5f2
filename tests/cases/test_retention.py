from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction

from xinfang.actions.retention import REDACTED, anonymise
from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter

from ..factories import World, opinion, register

TZ = ZoneInfo("Asia/Shanghai")


def old_concluded(w: World, when: datetime, **kw: Any) -> Matter:
    m = register(w, at=when, **kw)
    for action, user, data in (
        ("forward", w.registrar, {"unit": w.town.pk}),
        ("accept", w.handler, {}),
        ("submit_opinion", w.handler, opinion()),
        ("approve_opinion", w.leader, {}),
        ("conclude", w.handler, {}),
    ):
        when += timedelta(days=1)
        m = transition(m, action, actor=user, data=data, at=when)
    return m


def run(*args: str) -> str:
    out = StringIO()
    call_command("retention", *args, stdout=out)
    return out.getvalue()


def test_dry_run_then_apply(world: World) -> None:
    w = world
    old = old_concluded(w, datetime(2014, 3, 1, 10, tzinfo=TZ))
    recent = old_concluded(w, datetime(2025, 3, 1, 10, tzinfo=TZ))
    out = run("--today", "2026-11-22")
    assert "1 件" in out
    old.refresh_from_db()
    assert old.anonymised_at is None and old.petitioners.get().name == "张三"
    version = old.version
    run("--apply", "--today", "2026-11-22")
    old.refresh_from_db()
    p = old.petitioners.get()
    assert (p.name, p.phone, p.address) == ("（已删除）", "", "")
    assert old.content == REDACTED and old.anonymised_at is not None
    assert all("张三" not in str(n.context) for n in old.notices.all())
    # statistics survive: status, dates, units, events; one event says what went, as counts
    assert old.status == "concluded" and old.events.count() == 7 and old.lead_unit == w.town
    ev = old.events.order_by("seq").last()
    assert ev is not None and (ev.action, ev.public, ev.actor) == ("anonymise", False, None)
    assert (ev.data["petitioners"], ev.data["files"]) == (1, 0)
    assert "张三" not in str(ev.data)
    assert old.version == version + 1
    recent.refresh_from_db()
    assert recent.petitioners.get().name == "张三"
    assert "0 件" in run("--apply", "--today", str(date(2026, 11, 22)))


@pytest.mark.django_db(transaction=True)
def test_files_go_only_when_the_anonymisation_commits(world: World) -> None:
    """A failure after the redaction rolls everything back, the files included."""
    w = world
    when = datetime(2014, 3, 1, 10, tzinfo=TZ)
    old = old_concluded(
        w, when, attachments=[SimpleUploadedFile("证据.pdf", b"%PDF-1.4 a", "application/pdf")]
    )
    [a] = old.attachments.all()
    path = Path(a.file.path)
    assert path.is_file()
    with pytest.raises(RuntimeError), transaction.atomic():
        anonymise(old)
        raise RuntimeError("the run stops here")
    assert path.is_file() and old.attachments.count() == 1
    anonymise(old)
    assert not path.exists() and old.attachments.count() == 0
    ev = old.events.order_by("seq").last()
    assert ev is not None and ev.action == "anonymise" and ev.data["files"] == 1
