"""案卷 and 处理意见书预览 in real headless Chromium: a registrar exports the file from the
matter page (the purpose chosen first) and prints it on A4 with page numbers; the leader
reads the opinion preview beside the draft. Screenshots go to ``test-artifacts/screenshots/``
(and to ``$DOSSIER_SHOTS`` when set)."""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.utils import timezone
from pypdf import PdfReader

from xinfang.actions.workflow import transition
from xinfang.notices.preview import PREVIEW_MARK
from xinfang.supervision.models import ReturnVisit
from xinfang.supervision.visits import create_due_visits, record_visit

from ..browser import SHOTS
from ..browser import chromium as launch
from ..factories import answered, build_world, handled, opinion
from .test_browser import log_in


@pytest.fixture
def chromium() -> Iterator[Any]:
    with launch() as browser:
        yield browser


def violations(page: Any) -> list[str]:
    """axe-core's findings on the page (as ``tests/a11y/test_axe.py`` scans every page)."""
    found = Axe().run(page).response["violations"]
    return [f"{page.url}: {v['id']} {v['help']}" for v in found]


def shot(page: Any, name: str) -> None:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    extra = os.environ.get("DOSSIER_SHOTS")
    if extra:
        Path(extra).mkdir(parents=True, exist_ok=True)
        shutil.copy(path, Path(extra) / path.name)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_dossier_and_opinion_preview_in_chromium(chromium: Any, live_server: Any, settings) -> None:
    settings.DATA_DIR = SHOTS.parent / "data"
    w = build_world()
    m = answered(w, at=timezone.now() - timedelta(days=3))
    create_due_visits(timezone.localdate(), timezone.now())
    record_visit(
        ReturnVisit.objects.get(matter=m),
        by=w.supervisor,
        method="phone",
        reached=True,
        contacted=True,
        solved=True,
        rating="satisfied",
        note="维修已完成",
    )
    base = live_server.url
    page = chromium.new_page(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    log_in(page, base, "registrar")
    page.goto(f"{base}/matters/{m.pk}/dossier/")  # no purpose yet: it is asked for
    assert page.locator("#dossier-purpose").is_visible()
    assert violations(page) == []
    page.goto(f"{base}/matters/{m.pk}/")
    page.select_option("#dossier-purpose", "archive")
    page.click("form.dossier-export button[type=submit]:not([formaction])")
    page.wait_for_url(f"{base}/matters/{m.pk}/dossier/?purpose=archive")
    assert page.locator("#toc td.pg").first.inner_text().isdigit()
    shot(page, "dossier")
    assert violations(page) == []
    pdf = page.request.get(f"{base}/matters/{m.pk}/dossier.pdf?purpose=archive")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (SHOTS / "dossier.pdf").write_bytes(pdf.body())

    # printed from the browser: A4, no menus, a number on every page
    printed = page.pdf(format="A4", prefer_css_page_size=True)
    (SHOTS / "dossier-printed.pdf").write_bytes(printed)
    reader = PdfReader(io.BytesIO(printed))
    assert len(reader.pages) >= len(page.locator(".dossier .sheet").all())
    for i, p in enumerate(reader.pages, start=1):
        text = (p.extract_text() or "").replace(" ", "")
        assert f"第{i}页" in text, i
        assert "我的待办" not in text
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)

    # the leader's approval page with the preview
    pending = handled(w, title="东街路灯不亮")
    transition(pending, "submit_opinion", actor=w.handler, data=opinion("support"))
    page.context.clear_cookies()
    log_in(page, base, "leader")
    page.goto(f"{base}/matters/{pending.pk}/")
    assert PREVIEW_MARK in page.inner_text("#opinion-preview")
    pdf = page.request.get(f"{base}/matters/{pending.pk}/opinion-preview.pdf")
    assert pdf.ok and pdf.body().startswith(b"%PDF")
    (SHOTS / "dossier-opinion-preview.pdf").write_bytes(pdf.body())
    assert violations(page) == []
    shot(page, "dossier-opinion-preview")
