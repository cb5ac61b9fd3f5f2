from __future__ import annotations

from datetime import date, datetime, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

from django.core.management import call_command

from xinfang.actions.retention import REDACTED
from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter

from ..factories import World, opinion, register

TZ = ZoneInfo("Asia/Shanghai")


def old_concluded(w: World, when: datetime) -> Matter:
    m = register(w, at=when)
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
    run("--apply", "--today", "2026-11-22")
    old.refresh_from_db()
    p = old.petitioners.get()
    assert (p.name, p.phone, p.address) == ("（已删除）", "", "")
    assert old.content == REDACTED and old.anonymised_at is not None
    assert all("张三" not in str(n.context) for n in old.notices.all())
    # statistics survive: status, dates, units, events
    assert old.status == "concluded" and old.events.count() == 6 and old.lead_unit == w.town
    recent.refresh_from_db()
    assert recent.petitioners.get().name == "张三"
    assert "0 件" in run("--apply", "--today", str(date(2026, 11, 22)))
