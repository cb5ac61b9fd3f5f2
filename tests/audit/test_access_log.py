"""Every read of a matter's personal data and every export is logged; tampering shows."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from xinfang.api.models import ApiToken
from xinfang.audit.models import AccessLog
from xinfang.audit.services import log_access, verify_access_log

from ..factories import World, answered, login


def test_reads_and_exports_are_logged(world: World) -> None:
    w = world
    m = answered(w)
    c = login(w.handler)
    c.get(f"/matters/{m.pk}/")
    n = m.notices.last()
    c.get(f"/notices/{n.pk}.pdf")
    _, token = ApiToken.issue(w.supervisor)
    Client().get(f"/api/v1/matters/{m.pk}", HTTP_AUTHORIZATION=f"Bearer {token}")
    login(w.supervisor).get(f"/reports/annual.xlsx?year={timezone.localdate().year}")
    rows = list(
        AccessLog.objects.order_by("id").values_list(
            "user__username", "what", "channel", "matter_id"
        )
    )
    assert rows == [
        ("handler", "matter", "web", m.pk),
        ("handler", "notice", "web", m.pk),
        ("supervisor", "matter", "api", m.pk),
        ("supervisor", "export", "web", None),
    ]
    assert AccessLog.objects.first().ip == "127.0.0.1"
    # an invisible matter is not shown, so nothing is logged for it
    login(w.other_handler).get(f"/matters/{m.pk}/")
    assert AccessLog.objects.count() == 4


def test_verify_detects_edit_and_deletion(world: World) -> None:
    for i in range(4):
        log_access(user=world.handler, what="matter", detail=str(i))
    assert list(verify_access_log()) == []
    call_command("audit", "verify")
    AccessLog.objects.filter(detail="1").update(detail="x")
    assert any("内容被修改" in p for p in verify_access_log())
    with pytest.raises(CommandError):
        call_command("audit", "verify")


def test_deleted_tail_is_detected(world: World) -> None:
    for i in range(3):
        log_access(user=world.handler, what="matter", detail=str(i))
    AccessLog.objects.order_by("-id").first().delete()
    assert any("末尾" in p for p in verify_access_log())


def test_only_auditors_see_the_log(world: World) -> None:
    log_access(user=world.handler, what="matter")
    assert login(world.handler).get("/audit/access/").status_code == 404
    assert Client().get("/audit/access/").status_code == 302
    r = login(world.auditor).get("/audit/access/?user=handler")
    assert r.status_code == 200 and "handler" in r.content.decode()
