"""The duty desk and the reception day in real headless Chromium, with screenshots.

李明, on duty until noon, records a call and an unfinished visit and hands over; 赵红, on
the next shift, sees the handover and confirms it. At the leader's reception day the desk
marks a citizen arrived and registers the visit: the registration form opens filled in
from the booking, and the booking is linked to the matter. Screenshots go to
``test-artifacts/screenshots/duty_*.png``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, time, timedelta
from typing import Any

import pytest
from django.utils import timezone

from xinfang.cases.models import Matter
from xinfang.org.models import Role, User
from xinfang.reception import services
from xinfang.reception.models import Arrival, Booking, DutyEntry, DutyLog, ReceptionDay
from xinfang.supervision.models import DutyShift

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import PASSWORD, build_world, staff


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def log_in(page: Any, base: str, username: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{base}/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/")


def shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"duty_{name}.png"), full_page=True)


def named(user: User, name: str) -> User:
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_duty_handover_and_reception_registration(chromium: Any, live_server: Any) -> None:
    w = build_world()
    named(w.registrar, "李明")
    named(staff("officer2", (w.office, Role.REGISTRAR)), "赵红")
    today = timezone.localdate()
    day_shift = DutyShift.objects.create(
        unit=w.office,
        date=today,
        start=time(0, 0),
        end=time(12, 0),
        leader="王局长",
        staff="李明",
        phone="0791-86123456",
    )
    next_shift = DutyShift.objects.create(
        unit=w.office,
        date=today,
        start=time(12, 0),
        end=time(23, 59),
        leader="王局长",
        staff="赵红",
        phone="0791-86123456",
    )
    reception = ReceptionDay.objects.create(
        leader="李县长",
        title="县长",
        unit=w.county,
        date=today,
        start=time(9),
        end=time(11, 30),
        place="县信访接待中心",
        topics="征地拆迁、住房保障",
        capacity=10,
        published=True,
    )
    yesterday = timezone.make_aware(datetime.combine(today - timedelta(days=1), time(9)))
    booking = services.book(
        reception=reception,
        name="钱七",
        phone="13600000000",
        description="桃园村征地补偿标准偏低，要求按新标准补偿",
        now=yesterday,
    )
    services.book(
        reception=reception,
        name="孙八",
        phone="13600000001",
        description="小区楼顶漏水",
        now=yesterday,
    )
    base = live_server.url
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")

    # --- 李明 records what came in and hands over -----------------------------------------
    log_in(page, base, "registrar")
    page.click("header nav >> text=值班")
    page.wait_for_url(f"{base}/reports/duty/")
    page.click(".duty-mine >> text=值班日志")
    page.wait_for_url(f"{base}/reports/duty/{day_shift.pk}/")
    page.fill("#summary", "群众来电反映城关镇桃园小区停水")
    page.fill("#action", "已电话告知县水务局，答复下午恢复供水")
    page.click("form.entry button[type=submit]")
    page.wait_for_selector(".msg.success")
    page.select_option("#kind", "visit")
    page.fill("#summary", "两位群众来访，要求答复征地补偿标准")
    page.fill("#action", "已登记，约定明日答复")
    page.check("input[name=pending]")
    page.click("form.entry button[type=submit]")
    page.wait_for_selector(".msg.success")
    assert DutyEntry.objects.filter(log__shift=day_shift).count() == 2
    shot(page, "log")
    page.fill("#note", "停水已转水务局；征地补偿一事请明日跟进答复。")
    page.click("form.handover-form button[type=submit]")
    page.wait_for_selector(".msg.success")
    assert "赵红" in page.inner_text(".msg.success")
    log = DutyLog.objects.get(shift=day_shift)
    assert log.to_shift == next_shift and log.carried.count() == 1
    shot(page, "handed_over")

    # --- 赵红 confirms --------------------------------------------------------------------
    log_in(page, base, "officer2")
    page.goto(f"{base}/reports/duty/")
    assert "待接班确认" in page.inner_text(".duty-mine")
    shot(page, "roster")
    page.click(".duty-mine >> text=值班日志")
    page.wait_for_url(f"{base}/reports/duty/{next_shift.pk}/")
    handover = page.inner_text("section.handover")
    assert "征地补偿一事请明日跟进答复" in handover and "要求答复征地补偿标准" in handover
    page.click("text=接班确认")
    page.wait_for_selector(".msg.success")
    log.refresh_from_db()
    assert log.confirmed_at is not None and log.confirmed_by is not None
    assert "确认接班" in page.inner_text("section.handover")
    shot(page, "confirmed")

    # --- the reception day: arrived, then registered -------------------------------------
    log_in(page, base, "registrar")
    page.click("header nav >> text=接访")
    page.wait_for_url(f"{base}/reception/")
    row = page.locator("tr", has_text=booking.number)
    assert "136****0000" in row.inner_text() and "13600000000" not in page.content()
    row.locator("button[value=arrived]").click()
    page.wait_for_selector(".msg.success")
    booking.refresh_from_db()
    assert booking.arrival == Arrival.ARRIVED
    shot(page, "reception")
    page.locator("tr", has_text=booking.number).locator("text=登记为信访事项").click()
    page.wait_for_url(f"{base}/matters/new/?booking={booking.pk}")
    assert page.input_value("#channel") == "visit"
    assert page.input_value("#p0_name") == "钱七"
    assert page.input_value("#p0_phone") == "13600000000"
    assert page.input_value("#content") == "桃园村征地补偿标准偏低，要求按新标准补偿"
    assert page.input_value("#title").startswith("桃园村征地补偿")
    shot(page, "register_prefilled")
    page.click("#register button[type=submit]")
    page.wait_for_selector(".msg.secret")
    m = Matter.objects.get()
    assert m.channel == "visit" and m.petitioners.get().phone == "13600000000"
    assert Booking.objects.get(pk=booking.pk).matter == m
    page.goto(f"{base}/reception/")
    assert m.receipt_no in page.locator("tr", has_text=booking.number).inner_text()
    shot(page, "reception_after")
