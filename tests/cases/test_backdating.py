"""A received time far before registration is a typing slip unless the office says why the
matter is registered late (补录): 1900-01-01 was registered and topped every overdue list
(issue). The reason is kept on the register event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xinfang.cases.models import Matter
from xinfang.core.errors import UserError

from ..factories import World, login, register


def test_an_old_receipt_needs_its_reason(world: World) -> None:
    w = world
    now = timezone.now()
    with pytest.raises(UserError) as e:
        register(w, at=now, received_at=now - timedelta(days=31))
    assert e.value.code == "backdate_reason_required" and e.value.field == "received_at"
    assert not Matter.objects.exists()
    m = register(
        w, at=now, received_at=now - timedelta(days=31), backdate_reason="来信夹在其他材料中"
    )
    assert m.events.get(action="register").data["backdated"] == "来信夹在其他材料中"
    # within the window nothing is asked, and nothing recorded
    m = register(w, at=now, received_at=now - timedelta(days=29))
    assert "backdated" not in m.events.get(action="register").data
    with pytest.raises(UserError):
        register(w, at=now, received_at=now.replace(year=1999), backdate_reason="补录")


def test_the_staff_form_asks_for_the_reason(world: World) -> None:
    w = world
    old = timezone.localtime() - timedelta(days=60)
    form = {
        "unit": w.office.pk,
        "channel": "letter",
        "category": "claim",
        "title": "楼顶漏水",
        "content": "请求维修",
        "received_at": old.strftime("%Y-%m-%dT%H:%M"),
        "p0_name": "张三",
        "p0_phone": "13800001234",
    }
    r = login(w.registrar).post("/matters/new/", form)
    assert r.status_code == 400 and "补录原因" in r.content.decode()
    assert not Matter.objects.exists()
    r = login(w.registrar).post("/matters/new/", {**form, "backdate_reason": "上月来信漏登"})
    assert r.status_code == 302 and Matter.objects.count() == 1
