"""审计员的一天: the auditor (``auditor``, with an authenticator) signs in with the code and
reads the access log: who looked at which matter's personal data, when and why (PIPL
Art. 51; scope.md principle 4). They filter it by kind of access, by user and by receipt
number, and find the registrar's unmasking of a petitioner's numbers with the purpose the
registrar gave.

The auditor only reads: the log page has no form that changes anything, the auditor's menu
has no registration or administration, the matters themselves stay closed (404), and the
log shows no petitioner's name or full number.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from playwright.sync_api import expect

from xinfang.audit.models import AccessLog

from ..browser import chromium as launch
from ..factories import PASSWORD, World, build_world, handled, login
from .day import menu, new_page, shot, sign_in

ROLE = "auditor"
PHONE = "13800001234"


@pytest.fixture
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def morning(w: World) -> dict[str, Any]:
    """Yesterday's reads, made as staff make them (through the pages): the town's handler
    opens a matter, the office's registrar opens it, shows the full numbers to call the
    petitioner, and looks up the petitioner's earlier matters by phone; the supervisor
    exports a report for a meeting; someone mistypes the handler's password."""
    m = handled(w, petitioners=[{"name": "张三", "phone": PHONE, "address": "城关镇桃园路8号"}])
    login(w.handler).get(f"/matters/{m.pk}/")
    reg = login(w.registrar)
    reg.get(f"/matters/{m.pk}/")
    r = reg.post(f"/matters/{m.pk}/reveal/", {"purpose": "contact"})
    assert r.status_code == 200 and PHONE in r.content.decode()
    reg.get("/petitioners/", {"q": PHONE})
    r = login(w.supervisor).get("/reports/monthly.xlsx", {"purpose": "meeting"})
    assert r.status_code == 200
    Client().post("/login/", {"username": "handler", "password": PASSWORD + "x"})
    return {"m": m}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_auditors_day(browser: Any, live_server: Any) -> None:
    w = build_world()
    m = morning(w)["m"]
    rows_before = AccessLog.objects.count()
    base = live_server.url
    page = new_page(browser)

    # --- sign in with the code; the menu is the auditor's -------------------------------
    sign_in(page, base, "auditor")
    entries = menu(page)
    assert "访问日志" in entries, entries
    for never in ("登记", "系统管理", "我的包案", "热点问题", "待回访", "回头看", "值班", "接访"):
        assert never not in entries, (never, entries)
    page.locator("header nav a", has_text="访问日志").click()
    page.wait_for_url("**/audit/access/")

    # --- the log, in the auditors' words -------------------------------------------------
    log = page.locator("main table")
    for label in ("查看事项", "显示完整号码", "查询信访人", "导出报表", "登录失败"):
        expect(log).to_contain_text(label)
    expect(log).to_contain_text("联系信访人")  # the purpose the registrar gave
    expect(log).to_contain_text("会议汇报")  # the supervisor's export purpose
    expect(log).to_contain_text(m.receipt_no)
    shot(page, f"{ROLE}-01-log")

    # --- only what cannot be taken back is shown: no identity, no action ----------------
    text = page.locator("main").inner_text()
    assert "张三" not in text and PHONE not in text and "桃园路8号" not in text
    assert page.locator("main form[method=post]").count() == 0
    assert page.locator("main button", has_text="删除").count() == 0

    # --- filter: the unmaskings ---------------------------------------------------------
    page.select_option("#what", label="显示完整号码")
    page.locator("main form.filters button").click()
    page.wait_for_url("**/audit/access/?*what=unmask*")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_contain_text("registrar")
    expect(row).to_contain_text(m.receipt_no)
    expect(row).to_contain_text("显示完整号码")
    expect(row).to_contain_text("联系信访人")
    shot(page, f"{ROLE}-02-unmask")

    # --- filter: everything one person did; everything done to one matter ---------------
    page.goto(f"{base}/audit/access/")
    page.fill("#user", "registrar")
    page.press("#user", "Enter")
    page.wait_for_url("**/audit/access/?*user=registrar*")
    users = page.locator("main table tbody tr td:nth-child(2)").all_inner_texts()
    assert users and set(users) == {"registrar"}, users
    assert len(users) == 3  # the matter, the unmasking, the lookup

    page.goto(f"{base}/audit/access/")
    page.fill("#receipt", m.receipt_no)
    page.press("#receipt", "Enter")
    page.wait_for_url("**/audit/access/?*receipt=*")
    readers = page.locator("main table tbody tr td:nth-child(2)").all_inner_texts()
    assert sorted(readers) == ["handler", "registrar", "registrar"], readers
    shot(page, f"{ROLE}-03-by-matter")

    # --- what the auditor does not reach --------------------------------------------------
    for path in (f"/matters/{m.pk}/", "/matters/new/", "/search/hotspots/"):
        r = page.goto(f"{base}{path}")
        assert r is not None and r.status == 404, path
    page.goto(f"{base}/")
    expect(page.locator("main")).not_to_contain_text(m.receipt_no)

    page.locator("header form[action='/logout/'] button").click()
    page.wait_for_url("**/login/**")
    page.context.close()
    # Reading the log wrote nothing into it and removed nothing from it.
    assert AccessLog.objects.count() == rows_before
