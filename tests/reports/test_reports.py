"""Dashboards and reports: figures read back from real Excel and PDF files."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from openpyxl import load_workbook
from pypdf import PdfReader

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Channel, Matter

from ..browser import SHOTS, chromium
from ..factories import World, answered, handled, login, opinion, register


def fixture(w: World) -> None:
    register(w, channel=Channel.VISIT)
    register(
        w,
        channel=Channel.VISIT,
        is_collective=True,
        headcount=20,
        petitioners=[
            {"name": "甲", "is_representative": True},
            {"name": "乙", "is_representative": True},
        ],
    )
    handled(w)
    answered(w)
    m = handled(w)
    transition(
        m,
        "supervise",
        actor=w.supervisor,
        reason="催办",
        data={"demand": "尽快办理", "reply_due": "2099-01-01"},
    )


def test_annual_excel_has_the_figures(world: World) -> None:
    fixture(world)
    y = timezone.localdate().year
    r = login(world.supervisor).get(f"/reports/annual.xlsx?year={y}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    summary = {row[0]: row[1] for row in wb["总体情况"].iter_rows(min_row=5, values_only=True)}
    assert summary["收到信访事项"] == 5
    assert summary["其中集体访"] == 1
    assert summary["转送"] == 3
    assert summary["督办"] == 1
    assert summary["出具处理意见"] == 1
    assert summary["按期办结率"] == "100.0%"
    channels = dict(wb["按渠道"].iter_rows(min_row=2, values_only=True))
    assert channels == {"来访": 2, "来信": 3}
    organs = dict(wb["被反映较多的机关"].iter_rows(min_row=2, values_only=True))
    assert organs["青山县城关镇人民政府"] == 3


def test_annual_pdf_has_the_figures(world: World) -> None:
    fixture(world)
    y = timezone.localdate().year
    r = login(world.supervisor).get(f"/reports/annual.pdf?year={y}")
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert f"{y}年度信访工作报告" in text and "第四十一条" in text
    assert "收到信访事项" in text and "青山县城关镇人民政府" in text


def test_monthly_excel(world: World) -> None:
    fixture(world)
    today = timezone.localdate()
    r = login(world.supervisor).get(f"/reports/monthly.xlsx?year={today.year}&month={today.month}")
    wb = load_workbook(io.BytesIO(r.content))
    assert wb["总体情况"]["A1"].value == f"{today.year}年{today.month}月信访工作统计月报"


def test_daily_excel_and_pdf(world: World) -> None:
    fixture(world)
    # the day the matters were received (an hour before registration: yesterday when the
    # suite runs just after midnight)
    today = timezone.localdate(Matter.objects.earliest("received_at").received_at)
    assert Matter.objects.filter(received_at__date=today).count() == 5
    c = login(world.supervisor)
    r = c.get(f"/reports/daily.xlsx?date={today.isoformat()}")
    assert r.status_code == 200
    wb = load_workbook(io.BytesIO(r.content))
    assert wb["总体情况"]["A1"].value == f"{today.year}年{today.month}月{today.day}日信访工作日报"
    summary = {row[0]: row[1] for row in wb["总体情况"].iter_rows(min_row=5, values_only=True)}
    assert summary["收到信访事项"] == 5
    yesterday = today - timedelta(days=1)
    wb = load_workbook(io.BytesIO(c.get(f"/reports/daily.xlsx?date={yesterday}").content))
    summary = {row[0]: row[1] for row in wb["总体情况"].iter_rows(min_row=5, values_only=True)}
    assert summary["收到信访事项"] == 0
    r = c.get("/reports/daily.pdf")  # today's
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    assert f"{timezone.localdate().day}日信访工作日报" in text
    assert c.get("/reports/daily.xlsx?date=2026-02-30").status_code == 404


def test_reports_need_a_supervising_role(world: World) -> None:
    fixture(world)
    for url in ("/reports/", "/reports/rates/", "/reports/annual.xlsx"):
        assert login(world.handler).get(url).status_code == 404, url
        assert Client().get(url).status_code == 302
    assert login(world.supervisor).get("/reports/").status_code == 200
    assert login(world.supervisor).get("/reports/rates/").status_code == 200
    assert login(world.supervisor).get("/reports/weekly.xlsx").status_code == 404


def test_other_units_figures_stay_out(world: World) -> None:
    fixture(world)
    y = timezone.localdate().year
    r = login(world.other_leader).get(f"/reports/annual.xlsx?year={y}")
    wb = load_workbook(io.BytesIO(r.content))
    summary = {row[0]: row[1] for row in wb["总体情况"].iter_rows(min_row=5, values_only=True)}
    assert summary["收到信访事项"] == 0


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dashboard_renders_charts_in_chromium(live_server) -> None:
    from django.core.management import call_command

    call_command("demo", "--matters", "120", "--verbosity", "0")
    with chromium() as b:
        page = b.new_page(viewport={"width": 1280, "height": 900})
        page.goto(f"{live_server.url}/login/")
        page.fill("#id_username", "supervisor")
        page.fill("#id_password", "Xinfang-demo-2026")
        page.keyboard.press("Enter")
        page.wait_for_url(f"{live_server.url}/")
        page.goto(f"{live_server.url}/reports/")
        page.wait_for_selector("body[data-charts-ready='1']")
        drawn = page.evaluate(
            "[...document.querySelectorAll('canvas')].filter(c => c.width > 0).length"
        )
        assert drawn == 4
        page.screenshot(path=str(SHOTS / "reports-dashboard.png"), full_page=True)
        page.goto(f"{live_server.url}/reports/rates/")
        page.screenshot(path=str(SHOTS / "reports-rates.png"), full_page=True)


def test_on_time_counts_late_opinions_from_the_clock(world: World) -> None:
    from datetime import datetime

    from xinfang.cases.clock import answered_on_time, clock_for
    from xinfang.deadlines.clock import TZ
    from xinfang.reports.queries import Period, on_time

    w = world
    quick = answered(w)  # accepted and answered today: on time
    start = datetime(2026, 7, 1, 10, tzinfo=TZ)  # accepted 2026-07-01: due 60 days later
    late = handled(w, at=start)
    answer_at = timezone.now()
    transition(late, "submit_opinion", actor=w.handler, at=answer_at, data=opinion())
    late = transition(late, "approve_opinion", actor=w.leader, at=answer_at)
    handling = clock_for(late).get("handling")
    assert handling is not None and handling.state == "late"
    assert (quick.answered_on_time, late.answered_on_time) == (True, False)
    assert late.answered_on_time == answered_on_time(clock_for(late), late.kind)
    open_one = handled(w)
    assert open_one.answered_on_time is None

    today = timezone.localdate()
    figures = on_time(access.visible(w.supervisor), Period.year(today.year))
    assert (figures["met"], figures["late"]) == (1, 1)
    assert figures["rate"] == 0.5 and figures["by_kind"] == {"handling": [1, 1]}
    nobody = on_time(access.visible(w.other_leader), Period.year(today.year))
    assert (nobody["met"], nobody["late"], nobody["rate"]) == (0, 0, None)
    # The approval time is on the matter, as the event log has it; last year counts none.
    ev = late.events.get(action="approve_opinion")
    assert late.answered_at == ev.at and quick.answered_at is not None
    assert on_time(Matter.objects.all(), Period.year(today.year - 1))["rate"] is None
    # Each reader's figures through their scope equal the unnarrowed ones.
    for reader in (w.supervisor, w.other_leader, w.city_leader):
        scope = access.staff_scope(reader)
        qs = access.visible(reader, scope)
        assert on_time(qs, Period.year(today.year), scope) == on_time(qs, Period.year(today.year))


def test_an_export_says_what_it_is_for(world) -> None:
    """The dashboard asks why a report is exported; the access log keeps it (issue: the
    access log never asked for the purpose of an export)."""
    from xinfang.audit.models import AccessLog

    c = login(world.supervisor)
    page = c.get("/reports/").content.decode()
    assert 'name="purpose"' in page and "向上级报送" in page
    y = timezone.localdate().year
    r = c.get(f"/reports/annual.xlsx?year={y}&purpose=meeting")
    assert r.status_code == 200
    entry = AccessLog.objects.filter(what="export").latest("id")
    assert entry.purpose == "会议汇报" and "年度信访工作报告" in entry.detail
