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
    call_command("audit", "witness")
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


def test_petitioner_lookups_by_phone_or_name_are_logged(world: World) -> None:
    m = answered(world)
    c = login(world.registrar)
    assert m.receipt_no in c.get("/petitioners/?q=138-0000-1234").content.decode()
    c.get("/petitioners/?q=张三")
    c.get("/petitioners/?q=13999999999")  # nobody: the attempt is logged all the same
    rows = list(
        AccessLog.objects.filter(what="petitioner_search")
        .order_by("id")
        .values_list("user__username", "detail")
    )
    assert rows == [
        ("registrar", f"电话 138****1234：1 件 {m.receipt_no}"),
        ("registrar", f"姓名 张三：1 件 {m.receipt_no}"),
        ("registrar", "电话 139****9999：0 件"),
    ]
    assert "13800001234" not in " ".join(d for _, d in rows)
    assert list(verify_access_log()) == []


def test_api_action_answers_showing_petitioners_are_logged(world: World) -> None:
    from xinfang.cases.models import Matter

    from ..factories import register

    m = register(world)
    _, token = ApiToken.issue(world.registrar)
    r = Client().post(
        f"/api/v1/matters/{m.pk}/actions/forward",
        {"data": {"unit": world.town.pk}},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 200 and r.json()["petitioners"][0]["name"] == "张三"
    assert list(
        AccessLog.objects.values_list("user__username", "what", "channel", "matter_id", "detail")
    ) == [("registrar", "matter", "api", m.pk, "forward")]
    assert Matter.objects.get(pk=m.pk).status == "dispatched"


def test_admin_reads_of_rows_with_personal_data_are_logged(world: World, django_user_model) -> None:
    from xinfang.notices.models import Notice

    from ..factories import TOTP_SECRET

    m = answered(world)
    notice = Notice.objects.filter(matter=m).first()
    assert notice is not None
    root = django_user_model.objects.create_superuser(
        "root", password="x-long-password-2026", totp_secret=TOTP_SECRET
    )
    django_user_model.objects.filter(pk=root.pk).update(totp_confirmed_at=timezone.now())
    c = Client()
    c.force_login(root)
    assert c.get("/admin/notices/notice/").status_code == 200
    assert c.get(f"/admin/notices/notice/{notice.pk}/change/").status_code == 200
    assert c.get("/admin/cases/topic/").status_code == 200  # a catalogue: not logged
    rows = list(
        AccessLog.objects.order_by("id").values_list(
            "user__username", "what", "channel", "matter_id", "detail"
        )
    )
    assert rows == [
        ("root", "admin", "admin", None, "notices.notice 列表 "),
        ("root", "admin", "admin", m.pk, f"notices.notice #{notice.pk}"),
    ]


def test_every_admin_showing_personal_data_logs_its_reads() -> None:
    from django.contrib import admin

    from xinfang.cases.admin import PersonalDataAdmin, holds_personal_data

    for model, model_admin in admin.site._registry.items():
        shown = [model, *(i.model for i in model_admin.inlines)]
        if any(holds_personal_data(m) for m in shown):
            assert isinstance(model_admin, PersonalDataAdmin), model
