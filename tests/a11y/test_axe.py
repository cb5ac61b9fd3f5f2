"""axe-core (Deque's accessibility engine, bundled by axe-playwright-python) finds no
violations on any staff or portal page, in real Chromium.

The pages are not listed by hand: each role's pages are found by following the links of
its own menu and pages (one page per address pattern, so one matter page stands for all),
and the portal is walked as a citizen walks it (home, submit, confirm, receipt, track,
reception days). The Django admin is Django's own and not scanned.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urljoin, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter
from xinfang.reception.models import ReceptionDay

from ..browser import chromium as launch
from ..factories import World, answered, build_world, handled, register
from ..roles.day import sign_in

SKIP = re.compile(
    r"^/(admin|static|media|i18n|logout|portal/i18n)|\.(pdf|docx|xlsx|csv|json|png)$|/logout/"
)
ROLES = ("registrar", "handler", "leader", "supervisor", "county_leader", "admin", "auditor")
PER_ROLE = 45


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def pattern(path: str) -> str:
    return re.sub(r"\d+", "N", path)


def scan(page: Any, axe: Axe) -> list[str]:
    found = axe.run(page).response["violations"]
    return [
        f"{page.url}: {v['id']} ({v['impact']}) {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "?" for n in v["nodes"][:3])
        for v in found
    ]


def crawl(page: Any, base: str, start: str, axe: Axe, limit: int) -> tuple[set[str], list[str]]:
    """Visit the pages reachable from ``start`` by links, one per address pattern."""
    seen: set[str] = set()
    queue = [start]
    problems: list[str] = []
    while queue and len(seen) < limit:
        path = queue.pop(0)
        if pattern(path) in seen:
            continue
        seen.add(pattern(path))
        response = page.goto(base + path)
        if response is None or response.status >= 400 or urlsplit(page.url).path != path:
            continue  # a redirect (to sign in, to a list) is scanned where it leads
        problems += scan(page, axe)
        for href in page.eval_on_selector_all("a[href]", "els => els.map(e => e.href)"):
            parts = urlsplit(urljoin(page.url, href))
            if parts.netloc != urlsplit(base).netloc or SKIP.search(parts.path):
                continue
            if pattern(parts.path) not in seen:
                queue.append(parts.path)
    return seen, problems


def world_with_work() -> World:
    w = build_world()
    register(w)
    handled(w)
    m = answered(w)
    transition(m, "request_review", actor=w.registrar)
    h = handled(w)
    transition(h, "request_extension", actor=w.handler, reason="需要委托鉴定", data={"days": 20})
    today = timezone.localdate()
    ReceptionDay.objects.create(
        leader="李县长",
        title="副县长",
        unit=w.county,
        date=today + timedelta(days=7),
        start="09:00",
        end="11:30",
        place="县信访局接待大厅",
        published=True,
    )
    return w


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_pages_have_no_axe_violations(chromium: Any, live_server: Any) -> None:
    world_with_work()
    base = live_server.url
    axe = Axe()
    problems: list[str] = []
    scanned: dict[str, set[str]] = {}
    ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = ctx.new_page()
    page.goto(f"{base}/login/")
    problems += scan(page, axe)
    ctx.close()
    for role in ROLES:
        ctx = chromium.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        sign_in(page, base, role)
        scanned[role], found = crawl(page, base, urlsplit(page.url).path, axe, PER_ROLE)
        problems += found
        # every matter in each state it is in (the crawl scans one matter page per role),
        # and pages reached by a query rather than a link
        for path in [f"/matters/{pk}/" for pk in Matter.objects.values_list("pk", flat=True)] + [
            "/search/?q=楼顶",
        ]:
            response = page.goto(base + path)
            if response is not None and response.status == 200:
                problems += scan(page, axe)
        ctx.close()
    assert sum(len(s) for s in scanned.values()) >= 40, scanned  # the walk reached the pages
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_staff_pages_at_phone_width_scroll_by_keyboard(chromium: Any, live_server: Any) -> None:
    """A township clerk or a leader on a phone: a table wider than the screen scrolls in its
    frame, which takes focus from the keyboard, is named, and scrolls with the arrow keys."""
    world_with_work()
    base = live_server.url
    axe = Axe()
    ctx = chromium.new_context(viewport={"width": 390, "height": 800}, locale="zh-CN")
    page = ctx.new_page()
    sign_in(page, base, "supervisor")
    problems: list[str] = []
    scrolling = []
    pages = ["/", "/matters/new/", "/reports/", "/reports/rates/", "/reports/duty/"]
    pages += [f"/matters/{pk}/" for pk in Matter.objects.values_list("pk", flat=True)[:3]]
    for path in pages:
        page.goto(base + path)
        problems += scan(page, axe)
        frames = page.evaluate(
            "Array.from(document.querySelectorAll('.table-wrap')).filter("
            "w => w.scrollWidth > w.clientWidth + 1).map("
            "w => [w.getAttribute('tabindex'), w.getAttribute('aria-label')])"
        )
        assert all(t == "0" and label for t, label in frames), (path, frames)
        scrolling += [path] * len(frames)
    assert scrolling, "no page had a table wider than a phone: the check checked nothing"
    page.goto(base + scrolling[0])
    frame = page.locator(".table-wrap[tabindex='0']").first
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.getAttribute('tabindex') === '0'"):
            break
    else:
        pytest.fail("Tab never reached the scrolling table")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert frame.evaluate("el => el.scrollLeft") > 0
    ctx.close()
    assert not problems, "\n".join(problems)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_portal_pages_have_no_axe_violations(chromium: Any, live_server: Any) -> None:
    w = world_with_work()
    base = live_server.url
    axe = Axe()
    problems: list[str] = []
    for width in (1280, 390):  # a desk and a phone
        ctx = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        page = ctx.new_page()
        seen, found = crawl(page, base, "/portal/", axe, 20)
        problems += found
        assert len(seen) >= 4, seen
        # submit → confirm → receipt → the matter's page
        page.goto(f"{base}/portal/submit/")
        page.select_option("#id_organ", str(w.office.pk))
        page.fill("#id_name", "赵六")
        page.fill("#id_phone", f"1390000{width:04d}")
        page.fill("#id_title", "小区路灯不亮")
        page.fill("#id_content", "请修复小区门口路灯。")
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        problems += scan(page, axe)  # the confirmation step
        page.locator("form button[type=submit]").last.click()
        page.wait_for_load_state()
        problems += scan(page, axe)  # the receipt
        ctx.close()
    assert not problems, "\n".join(problems)
