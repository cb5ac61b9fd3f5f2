"""Steps the walks of the office's and the units' staff share: reading the to-do groups,
opening a matter, acting through its forms, and what a refused page looks like."""

from __future__ import annotations

import os
import re
from typing import Any

from django.urls import reverse
from playwright.sync_api import expect

from xinfang.org.models import User

from ..browser import SHOTS
from .day import GUIDE


def name_people(**names: str) -> None:
    """Give the world's users the names their colleagues know them by."""
    for username, display in names.items():
        User.objects.filter(username=username).update(display_name=display)


def todo(page: Any) -> dict[str, int]:
    """The to-do groups shown on 我的待办, label → count."""
    out: dict[str, int] = {}
    for a in page.locator("nav.todo-groups a").all():
        n = a.locator(".n")
        if n.count():
            label = a.inner_text().rsplit(None, 1)[0].strip()
            out[label] = int(n.inner_text())
    return out


def queue_numbers(page: Any) -> list[str]:
    """The receipt numbers listed in the queue, in the order shown."""
    return [t.strip() for t in page.locator("table.queue td.no a").all_inner_texts()]


def open_matter(page: Any, base: str, receipt_no: str) -> None:
    """Open a matter from the queue row that lists it."""
    page.locator("table.queue td.no a", has_text=receipt_no).click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/matters/\d+/"))


def actions(page: Any) -> list[str]:
    """The labels of the actions the matter page offers this user."""
    return [
        t.strip()
        for t in page.locator("details.action > summary > span:first-child").all_inner_texts()
    ]


def open_action(page: Any, action: str) -> Any:
    """The action's form, its panel opened; returns the ``details`` element."""
    box = page.locator(f"#act-{action}")
    if box.get_attribute("open") is None:
        box.locator("summary").click()
    expect(box.locator("form")).to_be_visible()
    return box


def submit_action(page: Any, action: str) -> None:
    """Submit the action's form and wait for the page to say it is done."""
    page.locator(f"#act-{action} form button[type=submit]").click()
    page.wait_for_load_state()
    expect(page.locator(".msg.success")).to_be_visible()


def timeline(page: Any) -> list[str]:
    """The headings of the timeline's entries, oldest first."""
    return [t.strip() for t in page.locator("ol.timeline .t-head strong").all_inner_texts()]


def notices(page: Any) -> list[str]:
    """Each notice on the matter page as "title number" lines."""
    return [
        " ".join(t.split())
        for t in page.locator("section[aria-labelledby=h-notices] ul.notices li").all_inner_texts()
    ]


def status_code(page: Any, url: str) -> int:
    """The HTTP status of opening ``url`` in the page."""
    resp = page.goto(url)
    assert resp is not None
    return int(resp.status)


def matter_url(base: str, pk: int) -> str:
    return base + reverse("web:matter", args=(pk,))


def post_action_anyway(page: Any, pk: int, action: str) -> None:
    """POST ``action`` for matter ``pk`` from the open page, as a hand-made request would:
    the page offers no such form, so this is how someone would try it all the same."""
    url = reverse("web:act", args=(pk, action))
    page.evaluate(
        """(url) => {
            const token = document.querySelector("input[name=csrfmiddlewaretoken]").value;
            const f = document.createElement("form");
            f.method = "post";
            f.action = url;
            const t = document.createElement("input");
            t.type = "hidden"; t.name = "csrfmiddlewaretoken"; t.value = token;
            f.appendChild(t);
            document.body.appendChild(f);
            f.submit();
        }""",
        url,
    )
    page.wait_for_load_state()


def sign_out(page: Any, base: str) -> None:
    page.locator("header form[action$='/logout/'] button").click()
    page.wait_for_load_state()
    assert "/login/" in page.url or page.url.rstrip("/") == base


def part(locator: Any, name: str) -> None:
    """Save a screenshot of one part of the page (a form, a panel) as ``name``.png, where
    ``day.shot`` saves whole pages (for the guide too when asked)."""
    out = SHOTS / "roles"
    out.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(out / f"{name}.png"))
    if os.environ.get("XINFANG_GUIDE_SHOTS") == "1":
        GUIDE.mkdir(parents=True, exist_ok=True)
        locator.screenshot(path=str(GUIDE / f"{name}.png"))
