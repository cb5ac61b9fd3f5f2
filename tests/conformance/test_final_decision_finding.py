"""Issue 23, finding 14: the same petitioner's same matter after a final 复核 decision
(XFGZ Art. 36 para 3) is not registered without a warning."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.test import Client
from django.utils import timezone

from xinfang.api.models import ApiToken
from xinfang.cases.models import Matter

from ..factories import World, login
from .helpers import final_chain

# The petitioner and matter of factories.register, the chain's original matter.
SAME = {
    "title": "小区楼顶漏水三年未修",
    "content": "请求住建部门督促开发商维修楼顶防水层。",
    "facts": "2023年起每逢下雨顶楼渗水，多次向物业反映无果。",
}
PERSON = {"name": "张三", "phone": "13800001234", "address": "城关镇桃园路8号"}


def _form(w: World) -> dict[str, Any]:
    return {
        "channel": "letter",
        "category": "claim",
        **SAME,
        "received_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "p0_name": PERSON["name"],
        "p0_phone": PERSON["phone"],
        "p0_address": PERSON["address"],
        "topic": w.topic.pk,
        "area": w.town.pk,
    }


def test_web_registration_warns_of_a_final_reexam(world: World) -> None:
    """XFGZ Art. 36 para 3: after the 复核 decision of 2026-05-06 became final, registering
    the same petitioner's same matter on the staff form is not silently accepted. Nothing is
    ever refused registration (procedure.md §1): the registrar is warned at registration —
    the side panel of the form, and the new matter's page — with the final matter's receipt
    number and Art. 36, and offered the not-accepted notice."""
    w = world
    chain = final_chain(w)
    numbers = [m.receipt_no for m in chain]
    c = login(w.registrar)
    panel = c.post("/matters/new/final/", _form(w)).content.decode()
    assert any(no in panel for no in numbers) and "第三十六条" in panel
    assert "登记并出具不予受理告知书" in panel
    n = Matter.objects.count()
    r = c.post("/matters/new/", _form(w), follow=True)
    html = r.content.decode()
    assert r.status_code == 200 and Matter.objects.count() == n + 1
    assert any(no in html for no in numbers), "registered without a warning"
    assert "第三十六条" in html


def test_api_registration_warns_of_a_final_reexam(world: World) -> None:
    """XFGZ Art. 36 para 3 on the API: before registering, the client asks which of the
    petitioner's matters have a final 复核 decision; the answer names the final matter, and
    registering with the not-accepted notice is one request."""
    w = world
    chain = final_chain(w)
    numbers = [m.receipt_no for m in chain]
    _, token = ApiToken.issue(w.registrar)
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "content_type": "application/json"}
    body = {
        "unit": w.office.pk,
        "channel": "letter",
        "category": "claim",
        **SAME,
        "received_at": (timezone.localtime() - timedelta(hours=1)).isoformat(),
        "topic": w.topic.code,
        "area": w.town.pk,
        "petitioners": [PERSON],
    }
    r = Client().post(
        "/api/v1/matters/final-matters",
        {"petitioners": [PERSON], "area": w.town.pk},
        **auth,
    )
    text = r.content.decode()
    assert r.status_code == 200 and any(no in text for no in numbers), text[:500]
    existing = next(no for no in numbers if no in text)
    r = Client().post(
        "/api/v1/matters/not-accepted",
        {"matter": body, "existing": existing, "reason": "同一事实和理由，复核意见已终结"},
        **auth,
    )
    out = r.json()
    assert r.status_code == 201 and out["not_accepted"] is True, out
    assert out["matter"]["status"] == "not_accepted"
