"""系统管理员的一天: the administrator (``admin``, with an authenticator) signs in with the
code, finds no matters of their own (an administrator works on the deployment, not on
petitioners' matters: scope.md principle 4), opens the administration in Chinese, looks at
the unit tree and the notice templates, and creates an account for a new auditor with
the auditor's role in the county. The new auditor then signs in for the first time and is
taken straight to enrolling the authenticator: a QR code, a first code, and ten recovery
codes shown once.

What the administrator must not reach: a matter's page, its content or petitioners through
search or the reports, the access log, the matters themselves in the administration.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pyotp
import pytest
from playwright.sync_api import expect

from xinfang.audit.models import AccessLog
from xinfang.notices.defaults import DEFAULTS
from xinfang.notices.models import Notice
from xinfang.org.models import Membership, Role, User

from ..browser import chromium as launch
from ..factories import World, answered, build_world, handled, register
from .day import menu, new_page, shot, sign_in

ROLE = "admin"
NEW_USER = "auditor_wang"
NEW_PASSWORD = "Qingshan-Audit-2026!"
HOTLINE = "如有疑问，请拨打青山县信访局咨询电话0797-6212345。"


@pytest.fixture
def browser() -> Iterator[Any]:
    with launch() as b:
        yield b


def morning(w: World) -> dict[str, Any]:
    """Matters that exist in the county (the administrator must not read them), and the
    administrator's account as deployments set it up: a superuser of the administration."""
    User.objects.filter(pk=w.admin.pk).update(is_staff=True, is_superuser=True)
    plain = answered(w, petitioners=[{"name": "张三", "phone": "13800001234"}])
    report = register(
        w,
        category="report",
        title="反映城关镇某站所违规收费",
        content="请求查处城关镇某站所违规收取办证费用。",
        petitioners=[{"name": "赵检举", "phone": "13911112222"}],
    )
    return {"plain": plain, "report": report}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_an_administrators_day(browser: Any, live_server: Any) -> None:
    w = build_world()
    m = morning(w)
    base = live_server.url
    page = new_page(browser)

    # --- sign in with the authenticator's code; no matters to handle ----------------------
    sign_in(page, base, "admin")
    entries = menu(page)
    assert "系统管理" in entries and "我的待办" in entries, entries
    for never in ("登记", "统计分析", "三率排名", "访问日志", "我的包案", "热点问题", "待回访"):
        assert never not in entries, (never, entries)
    body = page.locator("main")
    expect(body.locator("table.queue tbody")).to_contain_text("没有待办事项")
    for secret in (m["plain"].receipt_no, m["report"].receipt_no, "张三", "赵检举"):
        expect(body).not_to_contain_text(secret)
    shot(page, f"{ROLE}-01-home")

    # --- the administration, in the office's language -------------------------------------
    page.locator("header nav a", has_text="系统管理").click()
    page.wait_for_url("**/admin/")
    expect(page.locator("#site-name")).to_contain_text("信访事项办理系统 · 系统管理")
    for section in ("信访事项", "单位与人员", "告知文书与消息", "期限与节假日"):
        expect(page.locator("#content-main")).to_contain_text(section)
    assert "Django" not in page.locator("body").inner_text()
    shot(page, f"{ROLE}-02-index")

    # the unit tree
    page.goto(f"{base}/admin/org/unit/")
    expect(page.locator("#result_list")).to_contain_text("青山县信访局")
    expect(page.locator("#result_list")).to_contain_text("城关镇桃园村民委员会")
    shot(page, f"{ROLE}-03-units")

    # the notice templates: the office's own wording of the 受理告知书, the standard text
    # with the office's telephone added; notices issued from now on use it
    page.goto(f"{base}/admin/notices/noticetemplate/")
    page.locator("#content a.addlink").click()
    page.select_option("#id_kind", "receipt")
    title, body = DEFAULTS["receipt"]
    page.fill("#id_title", title)
    page.fill("#id_body", f"{body}\n\n{HOTLINE}")
    page.locator("input[name=_save]").click()
    expect(page.locator("#result_list")).to_contain_text("受理告知书")
    shot(page, f"{ROLE}-04-templates")
    accepted = handled(w, title="东湖镇自来水水压不足")
    issued = Notice.objects.get(matter=accepted, kind="receipt")
    assert issued.context["paragraphs"][-1] == HOTLINE
    # issued notices are listed by number only: their text names the petitioner
    page.goto(f"{base}/admin/notices/notice/")
    expect(page.locator("#result_list")).to_be_visible()
    page.locator("#result_list tbody tr th a").first.click()
    expect(page.locator("#content")).not_to_contain_text("张三")

    # --- a new auditor: the account, then the role in the county --------------------------
    page.goto(f"{base}/admin/org/user/add/")
    page.fill("#id_username", NEW_USER)
    if page.locator("input[name=usable_password][value=true]").count():
        page.check("input[name=usable_password][value=true]")
    page.fill("#id_password1", NEW_PASSWORD)
    page.fill("#id_password2", NEW_PASSWORD)
    shot(page, f"{ROLE}-05-add-user")
    page.locator("input[name=_continue]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    new = User.objects.get(username=NEW_USER)

    page.fill("#id_display_name", "王审计")
    page.locator("#memberships-group a", has_text=re.compile("添加")).click()
    row = page.locator("#memberships-0")
    row.locator(".select2-selection").click()
    page.locator(".select2-search__field").fill("青山县人民政府")
    page.locator(".select2-results__option", has_text="青山县人民政府").first.click()
    row.locator("select[name$='-role']").select_option(Role.AUDITOR)
    shot(page, f"{ROLE}-06-role")
    page.locator("input[name=_save]").click()
    expect(page.locator(".messagelist")).to_be_visible()
    assert Membership.objects.filter(user=new, unit=w.county, role=Role.AUDITOR).exists()
    assert AccessLog.objects.filter(
        what="grant_role", user=w.admin, detail__startswith=f"{NEW_USER} +auditor"
    ).exists()

    # --- what the administrator does not reach ------------------------------------------
    for path in (
        f"/matters/{m['plain'].pk}/",
        f"/matters/{m['report'].pk}/",
        "/reports/",
        "/audit/access/",
        "/search/hotspots/",
        "/admin/cases/matter/",
        "/admin/cases/petitioner/",
    ):
        r = page.goto(f"{base}{path}")
        assert r is not None and r.status in (403, 404), path
    page.goto(f"{base}/search/?q=楼顶漏水")
    expect(page.locator("main")).not_to_contain_text(m["plain"].receipt_no)
    expect(page.locator("main")).not_to_contain_text("张三")

    page.goto(f"{base}/")
    page.locator("header form[action='/logout/'] button").click()
    page.wait_for_url("**/login/**")
    page.context.close()

    # --- the new auditor's first sign-in: enrolment is the only way in --------------------
    page = new_page(browser)
    page.goto(f"{base}/login/")
    page.fill("#id_username", NEW_USER)
    page.fill("#id_password", NEW_PASSWORD)
    page.press("#id_password", "Enter")
    page.wait_for_url("**/account/2fa/")
    expect(page.locator("h1")).to_contain_text("双因素认证")
    expect(page.locator("main")).to_contain_text("必须先启用双因素认证")
    expect(page.locator("figure.qr svg")).to_be_visible()
    key = page.locator("code.secret").inner_text().replace(" ", "")
    assert len(key) >= 16
    shot(page, f"{ROLE}-07-enrol")
    # anything else leads back here until the authenticator is set up
    page.goto(f"{base}/audit/access/")
    page.wait_for_url("**/account/2fa/")
    page.fill("#code", "000000" if pyotp.TOTP(key).now() != "000000" else "111111")
    page.press("#code", "Enter")
    expect(page.locator("[role=alert]")).to_contain_text("验证码不正确")
    new.refresh_from_db()
    assert new.totp_confirmed_at is None
    page.fill("#code", pyotp.TOTP(key).now())
    page.press("#code", "Enter")
    expect(page.locator("h1")).to_contain_text("恢复码")
    codes = page.locator("ol.codes li").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes)
    shot(page, f"{ROLE}-08-recovery-codes")
    new.refresh_from_db()
    assert new.totp_confirmed_at is not None
    assert AccessLog.objects.filter(what="enrol_2fa", user=new).exists()
    page.locator("a", has_text="我已保存，进入系统").click()
    page.goto(f"{base}/audit/access/")
    expect(page.locator("main h1")).to_contain_text("访问日志")
    # the recovery codes are shown once: the enrolment page now only says it is done
    page.goto(f"{base}/account/2fa/")
    expect(page.locator("main")).to_contain_text("您已启用双因素认证")
    assert page.locator("ol.codes").count() == 0
    page.context.close()
