"""A counter registration ends with a printable receipt (登记回执) for the petitioner: the
receipt number, the lookup secret while it can still be shown, and what happens next."""

from __future__ import annotations

import re

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Matter

from ..factories import World, login


def registered(c, w: World) -> tuple[Matter, str]:
    r = c.post(
        "/matters/new/",
        {
            "unit": w.office.pk,
            "channel": "visit",
            "category": "claim",
            "title": "楼顶漏水",
            "content": "请求维修楼顶防水层",
            "p0_name": "张三",
            "p0_phone": "13800001234",
        },
        follow=True,
    )
    html = r.content.decode()
    secret = re.search(r"查询码 ([A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4})", html)
    assert secret, html[:2000]
    return Matter.objects.get(), secret.group(1)


def test_the_receipt_carries_the_secret_once_and_the_next_step(world: World) -> None:
    w = world
    c = login(w.registrar)
    m, secret = registered(c, w)
    page = c.get(f"/matters/{m.pk}/").content.decode()
    assert f"/matters/{m.pk}/receipt/" in page and "打印登记回执" in page
    slip = c.get(f"/matters/{m.pk}/receipt/").content.decode()
    for text in (
        m.receipt_no,
        secret,
        "张三",
        "楼顶漏水",
        "15日内",
        "收到时间",
        "第二十二条",  # a letters-and-visits office routes the matter
        "/portal/track/",
    ):
        assert text in slip, text
    assert AccessLog.objects.filter(what="receipt", matter=m).exists()
    # the session store (a database table) never holds the secret in clear
    from django.contrib.sessions.models import Session

    for row in Session.objects.all():
        assert secret not in row.session_data and secret not in str(row.get_decoded())
    # another session of the same registrar: the receipt without the secret
    other = login(w.registrar).get(f"/matters/{m.pk}/receipt/").content.decode()
    assert m.receipt_no in other and secret not in other and "已在登记时告知" in other
    # a unit that cannot see the matter gets nothing
    assert login(w.other_handler).get(f"/matters/{m.pk}/receipt/").status_code == 404


def test_the_secret_leaves_the_session_after_half_an_hour(world: World, monkeypatch) -> None:
    from xinfang.web import views

    w = world
    c = login(w.registrar)
    m, secret = registered(c, w)
    now = views.time.time()
    monkeypatch.setattr(views.time, "time", lambda: now + 31 * 60)
    slip = c.get(f"/matters/{m.pk}/receipt/").content.decode()
    assert secret not in slip
    assert "打印登记回执" not in c.get(f"/matters/{m.pk}/").content.decode()


def test_an_organ_that_accepts_itself_promises_its_decision(world: World) -> None:
    """XFGZ Art. 23: an organ other than a letters-and-visits office decides on acceptance
    within 15 days; its receipt says so (the office's promises routing, Art. 22)."""
    from ..factories import register

    w = world
    m = register(w, unit=w.town, by=w.registrar_town)
    slip = login(w.registrar_town).get(f"/matters/{m.pk}/receipt/").content.decode()
    assert "第二十三条" in slip and "是否受理" in slip and "第二十二条" not in slip
