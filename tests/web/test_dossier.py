"""案卷: the whole file of a matter for the archive — registration form, petition and
materials, every event of the handling with who and when, every notice with its number, the
handling opinion, reviews, return visits and the rating — behind a 卷内目录 whose page
numbers are the pages of the PDF. Only staff who may see the matter get it; the petitioner
appears masked to whoever may not see who wrote (XFGZ Art. 30); every export is logged with
the purpose asked for (PIPL Art. 51)."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import pytest
from django.utils import timezone
from pypdf import PdfReader

from xinfang.actions.workflow import transition
from xinfang.audit.models import AccessLog
from xinfang.cases import access
from xinfang.cases.models import Category, Event, Matter
from xinfang.core.masks import HIDDEN
from xinfang.supervision.models import ReturnVisit
from xinfang.supervision.visits import create_due_visits, record_visit

from ..factories import World, answered, handled, login, opinion, register


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _pdf_pages(data: bytes) -> list[str]:
    return [(p.extract_text() or "").replace("\n", "") for p in PdfReader(io.BytesIO(data)).pages]


def _full_story(w: World) -> Matter:
    """Registered, forwarded, accepted, answered, visited and rated."""
    m = answered(w, at=timezone.now() - timedelta(days=3))
    now = timezone.now()
    create_due_visits(timezone.localdate(), now)
    visit = ReturnVisit.objects.get(matter=m)
    record_visit(
        visit,
        by=w.supervisor,
        method="phone",
        reached=True,
        contacted=True,
        solved=True,
        rating="basic",
        note="信访人表示维修已安排",
    )
    m.refresh_from_db()
    assert m.rating == "basic"
    return m


def test_the_dossier_holds_every_event_and_notice_in_order(world: World) -> None:
    w = world
    m = _full_story(w)
    events = list(Event.objects.filter(matter=m).order_by("seq"))
    notices = list(m.notices.order_by("issued_at", "id"))
    assert len(events) >= 6 and len(notices) >= 2  # forwarded, accepted, answered …
    r = login(w.registrar).get(f"/matters/{m.pk}/dossier/", {"purpose": "archive"})
    assert r.status_code == 200
    html = r.content.decode()
    # every event, once, in the order of the log, with who did it and when
    seqs = [int(s) for s in re.findall(r'<tr id="event-(\d+)"', html)]
    assert seqs == [e.seq for e in events]
    process = html[html.index('id="process"') : html.index('id="notice-')]
    for e in events:
        row = process[process.index(f'id="event-{e.seq}"') :]
        row = row[: row.index("</tr>")]
        local = timezone.localtime(e.at)
        assert f"{local:%H:%M}" in row
        assert (str(e.actor) if e.actor else "信访人" if e.by_citizen else "系统") in row
    # every notice with its number and its text, in the order issued
    positions = [html.index(f'id="notice-{n.pk}"') for n in notices]
    assert positions == sorted(positions)
    for n in notices:
        sheet = html[html.index(f'id="notice-{n.pk}"') :]
        assert n.number in sheet[:2000]
        for p in n.context["paragraphs"][:3]:
            assert p in html
    # the handling opinion, the return visit and the rating
    for text in ("经现场核查，楼顶防水层老化属实。", "《住宅专项维修资金管理办法》第二十二条"):
        assert text in html[html.index('id="opinion"') :]
    visits = html[html.index('id="visits"') :]
    assert "信访人表示维修已安排" in visits and "基本满意" in visits
    # the table of contents names every notice by its number, with a page number
    toc = html[html.index('id="toc"') : html.index('id="registration"')]
    for n in notices:
        assert re.search(re.escape(n.number) + r".*?<td class=\"pg\">\d+</td>", toc, re.S)


def test_the_pdf_is_the_same_file_and_its_contents_give_the_right_pages(world: World) -> None:
    w = world
    m = _full_story(w)
    r = login(w.registrar).get(f"/matters/{m.pk}/dossier.pdf", {"purpose": "archive"})
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF")
    pages = _pdf_pages(r.content)
    text = "".join(pages)
    assert "卷内目录" in pages[0] and m.receipt_no in pages[0]
    for e in Event.objects.filter(matter=m):
        assert timezone.localtime(e.at).strftime("%H:%M") in text
    html = login(w.registrar).get(f"/matters/{m.pk}/dossier/", {"purpose": "archive"})
    toc = html.content.decode()
    for n in m.notices.all():
        # the page the table of contents gives is the page the notice is on
        found = re.search(
            re.escape(n.number) + r'.*?<td class="pg">(\d+)</td>',
            toc[toc.index('id="toc"') :],
            re.S,
        )
        assert found is not None
        page = int(found[1])
        assert n.number in pages[page - 1] and n.title in pages[page - 1]
    # every page carries its number
    for i, page in enumerate(pages, start=1):
        assert f"第 {i} 页" in page


def test_the_export_is_logged_with_its_purpose_and_refused_without_one(world: World) -> None:
    w = world
    m = _full_story(w)
    c = login(w.registrar)
    before = AccessLog.objects.filter(what="dossier").count()
    # no purpose: the purpose is asked for, nothing is shown or logged
    for url in (f"/matters/{m.pk}/dossier/", f"/matters/{m.pk}/dossier.pdf"):
        r = c.get(url)
        assert r.status_code == 200 and r["Content-Type"].startswith("text/html")
        page = r.content.decode()
        assert 'name="purpose"' in page and "张三" not in page
        r = c.get(url, {"purpose": "curiosity"})
        assert r.status_code == 400 and "请选择导出案卷的用途" in r.content.decode()
    assert AccessLog.objects.filter(what="dossier").count() == before
    c.get(f"/matters/{m.pk}/dossier.pdf", {"purpose": "archive"})
    row = AccessLog.objects.filter(what="dossier").latest("id")
    assert (row.user, row.matter_id, row.purpose) == (w.registrar, m.pk, "立卷归档")
    assert "PDF" in row.detail and "含身份信息" in row.detail
    c.get(f"/matters/{m.pk}/dossier/", {"purpose": "review"})
    row = AccessLog.objects.filter(what="dossier").latest("id")
    assert row.purpose == "复查、复核调卷" and "HTML" in row.detail
    assert row.what_label == "导出案卷"


def test_the_dossier_masks_the_reporter_for_those_who_may_not_see_who_wrote(
    world: World,
) -> None:
    w = world
    m = register(
        w,
        category=Category.REPORT,
        accused_unit=w.town2,
        facts="王五反映：东湖镇在城关镇桃园路8号附近违规收费。",
        petitioners=[{"name": "王五", "phone": "13900001111", "address": "城关镇桃园路8号"}],
    )
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    assert m.notices.exists()
    assert access.can_see_identity(w.registrar, m)
    assert access.can_see(w.supervisor, m) and not access.can_see_identity(w.supervisor, m)
    secrets = ("王五", "城关镇桃园路8号", "13900001111")
    for user, sees in ((w.registrar, True), (w.supervisor, False)):
        c = login(user)
        html = c.get(f"/matters/{m.pk}/dossier/", {"purpose": "archive"}).content.decode()
        pdf = c.get(f"/matters/{m.pk}/dossier.pdf", {"purpose": "archive"}).content
        text = "".join(_pdf_pages(pdf))
        if sees:
            assert "王五" in html and "王五" in text and "城关镇桃园路8号" in text
            assert "13900001111" not in html  # numbers stay masked as on the matter page
        else:
            for s in secrets:
                assert s not in html, s
                assert s not in text, s
            assert HIDDEN in html and HIDDEN in text
        row = AccessLog.objects.filter(what="dossier", user=user).latest("id")
        assert ("含身份信息" if sees else "身份已遮蔽") in row.detail


@pytest.mark.parametrize("who", ["other_handler", "other_leader", "auditor", "admin"])
def test_staff_who_may_not_see_the_matter_get_nothing(world: World, who: str) -> None:
    w = world
    m = _full_story(w)
    user = getattr(w, who)
    assert not access.can_see(user, m)
    before = AccessLog.objects.count()
    c = login(user)
    for url in (f"/matters/{m.pk}/dossier/", f"/matters/{m.pk}/dossier.pdf"):
        for params in ({}, {"purpose": "archive"}):
            r = c.get(url, params)
            assert r.status_code == 404, (url, params)
            assert b"%PDF" not in r.content and "张三" not in r.content.decode(errors="ignore")
    assert AccessLog.objects.filter(what="dossier").count() == 0
    assert AccessLog.objects.count() == before


def test_anonymous_visitors_are_sent_to_sign_in(world: World) -> None:
    from django.test import Client

    m = register(world)
    r = Client().get(f"/matters/{m.pk}/dossier.pdf", {"purpose": "archive"})
    assert r.status_code == 302 and "/login/" in r["Location"]


def test_the_matter_page_offers_the_dossier_with_the_purposes(world: World) -> None:
    w = world
    m = register(w)
    html = login(w.registrar).get(f"/matters/{m.pk}/").content.decode()
    panel = html[html.index('id="h-dossier"') :]
    assert f'action="/matters/{m.pk}/dossier/"' in panel
    assert f'formaction="/matters/{m.pk}/dossier.pdf"' in panel
    for label in ("立卷归档", "复查、复核调卷", "督查督办", "审计检查"):
        assert label in panel


def test_a_long_opinion_runs_over_pages_in_the_pdf(world: World) -> None:
    # an opinion may hold 20,000 characters a field: a table cell longer than a page is
    # continued on the next page rather than failing the export
    w = world
    m = handled(w)
    long_facts = "经逐户走访核查，" + "楼顶防水层老化、多处渗漏，" * 900 + "以上属实。"
    transition(m, "submit_opinion", actor=w.handler, data=opinion() | {"facts": long_facts})
    transition(m, "approve_opinion", actor=w.leader)
    r = login(w.registrar).get(f"/matters/{m.pk}/dossier.pdf", {"purpose": "archive"})
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    text = "".join(_pdf_pages(r.content))
    assert text.count("以上属实。") == 2  # in the signed opinion and in the 处理意见书
