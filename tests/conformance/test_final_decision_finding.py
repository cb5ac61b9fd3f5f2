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
    the same petitioner's same matter on the staff form is not silently accepted: the answer
    to the submission registers nothing yet and names the final decision (its receipt
    number and Art. 36), offering the not-accepted notice."""
    w = world
    chain = final_chain(w)
    numbers = [m.receipt_no for m in chain]
    n = Matter.objects.count()
    r = login(w.registrar).post("/matters/new/", _form(w))
    html = r.content.decode()
    assert r.status_code not in (301, 302, 303), f"registered without a warning: {r['Location']}"
    assert Matter.objects.count() == n
    assert any(no in html for no in numbers)
    assert "第三十六条" in html


def test_api_registration_warns_of_a_final_reexam(world: World) -> None:
    """XFGZ Art. 36 para 3 on the API: registering the same petitioner's same matter after
    the final 复核 decision is answered with a warning naming the final matter."""
    w = world
    chain = final_chain(w)
    numbers = [m.receipt_no for m in chain]
    _, token = ApiToken.issue(w.registrar)
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
        "/api/v1/matters",
        body,
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    text = r.content.decode()
    assert any(no in text for no in numbers), (r.status_code, text[:500])
