"""The leader approving a handling opinion sees the 处理意见书 exactly as approving it would
issue it (XFGZ Art. 32) — same template, same context — marked 预览（未出具）, without a
number, on the matter page and as a PDF; previewing issues nothing."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from pypdf import PdfReader

from xinfang.actions.workflow import transition
from xinfang.cases.models import Event, Matter, Status
from xinfang.notices.models import Notice, NoticeSerial
from xinfang.notices.preview import PREVIEW_MARK, opinion_preview

from ..factories import World, handled, login, opinion

DRAFT = opinion() | {
    "facts": "经现场核查，桃园小区3号楼楼顶防水层老化、多处渗漏属实。",
    "reasons": "该楼已过保修期，维修费用应由住宅专项维修资金列支，已督促物业启动申请。",
    "basis": "《住宅专项维修资金管理办法》第二十二条、第二十四条",
}
NUMBER = re.compile(r"〔\d{4}〕")


@pytest.fixture(autouse=True)
def _files(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _pending(w: World) -> Matter:
    m = handled(w)
    return transition(m, "submit_opinion", actor=w.handler, data=DRAFT)


def _counts(m: Matter) -> tuple[Any, ...]:
    """What issuing would change: notices, the organ's serials, events, the matter."""
    m.refresh_from_db()
    serials = list(NoticeSerial.objects.order_by("pk").values_list("pk", "last"))
    return (Notice.objects.count(), serials, Event.objects.count(), m.version, m.event_count)


def _panel(html: str) -> str:
    start = html.index('id="opinion-preview"')
    return html[start : html.index("</section>", start)]


def test_the_leader_sees_the_opinion_as_it_would_be_issued(world: World) -> None:
    w = world
    m = _pending(w)
    before = _counts(m)
    c = login(w.leader)
    html = c.get(f"/matters/{m.pk}/").content.decode()
    panel = _panel(html)
    assert "信访事项处理意见书" in panel and PREVIEW_MARK in panel
    for key in ("request", "facts", "reasons", "basis"):
        assert DRAFT[key] in panel, key
    assert "张三：" in panel and "解释说明" in panel and m.receipt_no in panel
    assert "请求复查的期限至" in panel and not NUMBER.search(panel)
    assert f'href="/matters/{m.pk}/opinion-preview.pdf"' in panel

    r = c.get(f"/matters/{m.pk}/opinion-preview.pdf")
    assert r.status_code == 200 and r["Content-Type"] == "application/pdf"
    assert r.content.startswith(b"%PDF") and r["Cache-Control"] == "no-store"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(r.content)).pages)
    text = text.replace("\n", "")
    assert PREVIEW_MARK in text and DRAFT["facts"] in text and DRAFT["basis"] in text
    assert not NUMBER.search(text)
    # previewing issued nothing and changed nothing
    assert _counts(m) == before
    assert m.status == Status.OPINION_PENDING


def test_the_preview_is_the_text_the_approval_issues(world: World) -> None:
    w = world
    m = _pending(w)
    shown = opinion_preview(m)
    assert shown is not None and shown.pk is None and shown.number == PREVIEW_MARK
    assert not Notice.objects.filter(matter=m, kind=shown.kind).exists()
    transition(m, "approve_opinion", actor=w.leader)
    issued = Notice.objects.get(matter=m, kind=shown.kind)
    assert issued.title == shown.title and issued.organ == shown.organ
    assert issued.context["paragraphs"] == shown.context["paragraphs"]
    # the petitioner's window to ask for 复查 is dated in both (XFGZ Art. 35)
    assert re.search(r"请求复查的期限至\d{4}年\d+月\d+日", "".join(shown.context["paragraphs"]))


@pytest.mark.parametrize(
    "who", ["handler", "registrar", "supervisor", "other_leader", "county_leader"]
)
def test_only_those_who_may_approve_get_the_preview(world: World, who: str) -> None:
    w = world
    m = _pending(w)
    before = _counts(m)
    c = login(getattr(w, who))
    page = c.get(f"/matters/{m.pk}/")
    if page.status_code == 200:
        assert 'id="opinion-preview"' not in page.content.decode()
    assert c.get(f"/matters/{m.pk}/opinion-preview.pdf").status_code == 404
    assert _counts(m) == before


def test_no_preview_once_the_opinion_is_approved_or_returned(world: World) -> None:
    w = world
    m = _pending(w)
    transition(m, "return_opinion", actor=w.leader, reason="请补充维修资金的来源")
    c = login(w.leader)
    assert 'id="opinion-preview"' not in c.get(f"/matters/{m.pk}/").content.decode()
    assert c.get(f"/matters/{m.pk}/opinion-preview.pdf").status_code == 404
    transition(m, "submit_opinion", actor=w.handler, data=DRAFT)
    transition(m, "approve_opinion", actor=w.leader)
    assert 'id="opinion-preview"' not in c.get(f"/matters/{m.pk}/").content.decode()
    assert c.get(f"/matters/{m.pk}/opinion-preview.pdf").status_code == 404


def test_an_anonymous_petition_gets_no_opinion_notice_and_the_leader_is_told(
    world: World,
) -> None:
    w = world
    m = handled(w, anonymous=True, petitioners=[])
    transition(m, "submit_opinion", actor=w.handler, data=DRAFT)
    assert opinion_preview(m) is None
    html = login(w.leader).get(f"/matters/{m.pk}/").content.decode()
    panel = _panel(html)
    assert "不出具处理意见书" in panel and PREVIEW_MARK not in panel
    assert login(w.leader).get(f"/matters/{m.pk}/opinion-preview.pdf").status_code == 404
