"""登记员的一天: the registrar of 青山县信访局 in a real browser.

In the morning the to-do list holds two online submissions and a letter to route. A
visitor comes to the counter: the registrar registers the visit by keyboard, sees the
deadlines the registration starts and the visitor's earlier matter, prints the counter
receipt, corrects the registration before anyone accepted it, and forwards the matter to
城关镇 (a 转送告知书 is issued, numbered like a document). Then the duty log and the
reception day's bookings.

What the registrar must not do: approve a handling opinion (the town's leader signs it;
a hand-made request is refused and changes nothing), or open a matter of a unit outside
the office's scope (404).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import time, timedelta
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from xinfang.actions.registration import preview_deadlines
from xinfang.actions.workflow import transition
from xinfang.cases.models import Category, Channel, Event, Matter, Status
from xinfang.notices.models import Notice, NoticeKind
from xinfang.org.models import Role
from xinfang.reception import services as reception
from xinfang.reception.models import DutyEntry, ReceptionDay
from xinfang.supervision.models import DutyShift

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import answered, build_world, handled, opinion, register, staff
from .day import menu, new_page, shot, sign_in
from .steps import (
    actions,
    matter_url,
    name_people,
    notices,
    open_action,
    part,
    post_action_anyway,
    sign_out,
    status_code,
    submit_action,
    timeline,
    todo,
)


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def morning(w: Any) -> dict[str, Matter]:
    """What waits for the office this morning, and what lies around it."""
    now = timezone.now()
    name_people(registrar="李明", handler="王芳", leader="赵刚", supervisor="陈静")
    # the visitor's earlier matter, answered by the town last month
    earlier = answered(w, at=now - timedelta(days=40))
    online = [
        register(
            w,
            channel=Channel.ONLINE,
            title=title,
            petitioners=[{"name": name, "phone": phone}],
            at=now - timedelta(hours=h),
        )
        for title, name, phone, h in (
            ("东湖镇集贸市场占道经营", "刘洋", "13900002222", 20),
            ("桃园村饮水管网漏水", "孙丽", "13900003333", 3),
        )
    ]
    letter = register(
        w,
        title="城关小学门前路段积水",
        petitioners=[{"name": "周强", "address": "城关镇学府路2号"}],
        at=now - timedelta(days=2),
    )
    # a draft opinion waiting for the town leader's signature, registered by the office
    pending = handled(
        w,
        title="桃园路路灯损坏",
        petitioners=[{"name": "吴敏", "phone": "13700004444"}],
        at=now - timedelta(days=10),
    )
    transition(pending, "submit_opinion", actor=w.handler, data=opinion())
    # a matter of the city, outside the county office's scope
    city_registrar = staff("city_registrar", (w.city, Role.REGISTRAR))
    elsewhere = register(
        w,
        unit=w.city,
        by=city_registrar,
        title="市区公交线路调整",
        petitioners=[{"name": "郑伟", "phone": "13600005555"}],
    )
    return {
        "earlier": earlier,
        "online0": online[0],
        "online1": online[1],
        "letter": letter,
        "pending": pending,
        "elsewhere": elsewhere,
    }


def duty_and_reception(w: Any) -> tuple[DutyShift, ReceptionDay]:
    today = timezone.localdate()
    shift = DutyShift.objects.create(
        unit=w.office,
        date=today,
        start=time(0, 0),
        end=time(23, 59),
        leader="黄局长",
        staff="李明",
        phone="0791-86123456",
    )
    day = ReceptionDay.objects.create(
        leader="何县长",
        title="副县长",
        unit=w.county,
        date=today,
        start=time(9),
        end=time(11, 30),
        place="县信访接待中心一楼",
        topics="住房城建、征地拆迁",
        capacity=10,
        published=True,
    )
    reception.book(
        reception=day,
        name="钱七",
        phone="13600000000",
        description="桃园村征地补偿标准偏低",
        now=timezone.now() - timedelta(days=1),
    )
    return shift, day


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_registrar_day(chromium: Any, live_server: Any, settings: Any) -> None:
    settings.MEDIA_ROOT = SHOTS.parent / "media"
    w = build_world()
    m = morning(w)
    shift, _day = duty_and_reception(w)
    base = live_server.url
    page = new_page(chromium)

    # --- the morning: sign in, read the to-do list ------------------------------------
    sign_in(page, base, "registrar")
    entries = menu(page)
    for must in ("我的待办", "登记", "检索", "待回访", "回头看", "值班", "接访", "消息"):
        assert any(e.startswith(must) for e in entries), (must, entries)
    for never in ("我的包案", "统计分析", "三率排名", "热点问题", "访问日志", "系统管理"):
        assert not any(e.startswith(never) for e in entries), (never, entries)
    groups = todo(page)
    assert groups["新网上信访"] == 2 and groups["待转送交办"] == 1, groups
    assert "待审批意见" not in groups and "待受理" not in groups
    listed = page.locator("table.queue").inner_text()
    for key in ("online0", "online1", "letter"):
        assert m[key].receipt_no in listed
    for key in ("pending", "elsewhere"):
        assert m[key].receipt_no not in listed
    shot(page, "registrar-01-todo")

    page.locator("nav.todo-groups a", has_text="新网上信访").click()
    expect(page.locator("h1")).to_contain_text("新网上信访")
    expect(page.locator("table.queue tbody tr")).to_have_count(2)

    # --- a visitor at the counter: registration by keyboard ---------------------------
    page.keyboard.press("Alt+n")  # 登记
    page.wait_for_url(f"{base}/matters/new/")
    assert page.evaluate("document.activeElement.id") == "channel"
    page.keyboard.press("End")  # the last channel: 来访
    assert page.input_value("#channel") == "visit"
    # the visitor has been waiting since a quarter of an hour ago: the received time
    arrived = timezone.localtime() - timedelta(minutes=15)
    page.focus("#received_at")
    page.keyboard.press("Control+a")
    page.keyboard.type(arrived.strftime("%Y-%m-%d %H:%M"))
    page.keyboard.press("Tab")  # leaving the field refreshes the deadline preview
    due = preview_deadlines(unit=w.office, received_at=arrived, category=Category.CLAIM)
    assert due, "a registration at the office starts at least one deadline"
    box = page.locator("#deadline-preview")
    for d in due:
        expect(box).to_contain_text(d.due.strftime("%Y-%m-%d"))
    expect(box).to_contain_text("第二十二条")
    page.keyboard.press("Alt+t")  # 事项摘要
    assert page.evaluate("document.activeElement.id") == "title"
    page.keyboard.type("城关镇桃园小区楼顶漏水仍未修复")
    page.keyboard.press("Tab")
    page.keyboard.type("请求督促开发商维修楼顶防水层。")
    page.keyboard.press("Tab")
    page.keyboard.type("去年反映后维修过一次，今年入夏后又开始渗水。")
    page.keyboard.press("Alt+p")  # the first petitioner
    assert page.evaluate("document.activeElement.name") == "p0_name"
    page.keyboard.type("张三")
    page.keyboard.press("Tab")
    page.keyboard.type("13800001234")
    page.keyboard.press("Tab")  # leaving the phone looks up the visitor's earlier matters
    page.keyboard.type("城关镇桃园路8号")
    earlier = page.frame_locator("#earlier")
    expect(earlier.locator("body")).to_contain_text(m["earlier"].receipt_no)
    expect(earlier.locator("body")).to_contain_text("1 件既往事项")
    shot(page, "registrar-02-register")
    page.keyboard.press("Enter")  # Enter in a one-line field registers
    expect(page.locator(".msg.secret")).to_contain_text("查询码")
    new = Matter.objects.get(title="城关镇桃园小区楼顶漏水仍未修复")
    assert new.channel == Channel.VISIT and new.status == Status.REGISTERED
    assert new.registered_unit == w.office
    assert timezone.localtime(new.received_at).strftime("%H:%M") == arrived.strftime("%H:%M")
    assert new.receipt_no in page.locator(".msg.secret").inner_text()
    secret = re.search(r"查询码\s*(\S+)\s*只显示", page.locator(".msg.secret").inner_text())
    assert secret is not None
    shot(page, "registrar-03-registered")

    # --- the counter receipt ----------------------------------------------------------
    page.keyboard.press("Alt+p")  # 打印登记回执
    page.wait_for_url(f"{base}/matters/{new.pk}/receipt/")
    slip = page.locator("article.receipt-slip")
    expect(slip).to_contain_text("信访事项登记回执")
    expect(slip).to_contain_text(new.receipt_no)
    expect(slip).to_contain_text(secret[1])
    expect(slip).to_contain_text("张三")
    expect(slip).to_contain_text("15日内")
    shot(page, "registrar-04-receipt")
    page.locator("article.receipt-slip a", has_text="返回事项").click()
    page.wait_for_url(matter_url(base, new.pk))

    # --- correcting the registration before acceptance ---------------------------------
    offered = actions(page)
    assert "转送" in offered and "更正登记信息" in offered
    assert "出具书面答复意见" not in offered and "受理" not in offered
    box = open_action(page, "correct_registration")
    box.locator("#correct_registration-topic").select_option(label="住房城建")
    box.locator("#correct_registration-area").select_option(label="青山县城关镇人民政府")
    box.locator("#correct_registration-reason").fill("信访人补充说明：漏水楼栋属城关镇桃园社区")
    part(box, "registrar-05-correct")
    submit_action(page, "correct_registration")
    new.refresh_from_db()
    assert new.area == w.town and new.topic == w.topic and new.status == Status.REGISTERED
    assert "更正登记信息" in timeline(page)

    # --- forwarding to the town: a 转送告知书 is issued ---------------------------------
    box = open_action(page, "forward")
    box.locator("#forward-unit").select_option(label="青山县城关镇人民政府")
    submit_action(page, "forward")
    new.refresh_from_db()
    assert new.status == Status.DISPATCHED and new.lead_unit == w.town
    assert timeline(page)[-1] == "转送"
    issued = Notice.objects.get(matter=new, kind=NoticeKind.FORWARDED)
    year = timezone.localdate().year
    assert re.fullmatch(rf".+信转〔{year}〕\d+号", issued.number), issued.number
    assert any("转送告知书" in n and issued.number in n for n in notices(page)), notices(page)
    expect(page.locator(".meta .status")).to_contain_text("待受理")
    shot(page, "registrar-06-forwarded")

    # --- must not: sign an opinion, or open another unit's matter ----------------------
    page.goto(matter_url(base, m["pending"].pk))
    expect(page.locator("h1")).to_contain_text("桃园路路灯损坏")
    assert "出具书面答复意见" not in actions(page)
    assert "退回处理意见" not in actions(page)
    assert page.locator("#opinion-preview").count() == 0
    before = Event.objects.filter(matter=m["pending"]).count()
    post_action_anyway(page, m["pending"].pk, "approve_opinion")
    expect(page.locator(".msg.error")).to_be_visible()
    m["pending"].refresh_from_db()
    assert m["pending"].status == Status.OPINION_PENDING
    assert Event.objects.filter(matter=m["pending"]).count() == before
    assert not Notice.objects.filter(matter=m["pending"], kind=NoticeKind.OPINION).exists()
    assert status_code(page, matter_url(base, m["elsewhere"].pk)) == 404
    assert status_code(page, f"{base}/matters/{m['elsewhere'].pk}/receipt/") == 404
    page.goto(f"{base}/petitioners/?q=13600005555")
    expect(page.locator("body")).to_contain_text("没有您可查看的既往事项")

    # --- the duty log ------------------------------------------------------------------
    page.goto(base + "/")
    page.locator("header nav a", has_text="值班").click()
    page.wait_for_url(f"{base}/reports/duty/")
    page.locator(".duty-mine a", has_text="值班日志").first.click()
    page.wait_for_url(f"{base}/reports/duty/{shift.pk}/")
    page.select_option("#kind", "visit")
    page.fill("#summary", "张三来访反映桃园小区楼顶漏水，已登记并转送城关镇")
    page.fill("#action", f"受理编号 {new.receipt_no}，已打印登记回执")
    page.click("form.entry button[type=submit]")
    expect(page.locator(".msg.success")).to_be_visible()
    assert DutyEntry.objects.filter(log__shift=shift).count() == 1
    expect(page.locator("table.duty-log")).to_contain_text("楼顶漏水")
    shot(page, "registrar-07-duty")

    # --- the reception day's bookings ---------------------------------------------------
    page.locator("header nav a", has_text="接访").click()
    page.wait_for_url(f"{base}/reception/")
    row = page.locator("table.bookings tr", has_text="钱七")
    expect(row).to_contain_text("136****0000")
    assert "13600000000" not in page.content()
    row.locator("button[value=arrived]").click()  # 钱七 has come to the reception
    expect(page.locator(".msg.success")).to_be_visible()
    row = page.locator("table.bookings tr", has_text="钱七")
    expect(row.locator("button[value=arrived]")).to_have_attribute("aria-pressed", "true")
    expect(row.locator("text=登记为信访事项")).to_be_visible()
    shot(page, "registrar-08-reception")

    # --- the end of the day: what still waits, then sign out --------------------------
    page.locator("header nav a", has_text="我的待办").click()
    page.wait_for_url(f"{base}/")
    groups = todo(page)
    assert groups["新网上信访"] == 2 and groups["待转送交办"] == 1, groups
    assert new.receipt_no not in page.locator("table.queue").inner_text()
    sign_out(page, base)
    assert status_code(page, matter_url(base, new.pk)) == 200
    assert "/login/" in page.url
