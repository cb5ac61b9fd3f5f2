"""Notices mask the reporter exactly as the matter page does (XFGZ Art. 30), the receiving
organ issues its own acceptance notice, and no pasted character breaks a notice."""

from __future__ import annotations

import io

import pytest
from docx import Document
from pypdf import PdfReader

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Category, Matter
from xinfang.core.masks import HIDDEN
from xinfang.notices.models import NoticeKind

from ..factories import World, login, register


@pytest.fixture(autouse=True)
def _notice_cache(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def _text(data: bytes, fmt: str) -> str:
    if fmt == "docx":
        return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)
    return "".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).replace("\n", "")


ADDRESS = "城关镇桃园路8号"


def test_a_reports_notices_mask_the_reporter_for_masked_viewers(world: World) -> None:
    w = world
    m = register(
        w,
        category=Category.REPORT,
        accused_unit=w.town2,
        petitioners=[{"name": "王五", "phone": "13900001111", "address": ADDRESS}],
    )
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    n = m.notices.get()
    assert n.kind == NoticeKind.FORWARDED
    seen = {
        "registrar": w.registrar,  # the registering organ's registrar sees who reported
        "supervisor": w.supervisor,  # a supervisor sees the identity masked
    }
    for who, user in seen.items():
        assert access.can_see_identity(user, m) is (who == "registrar")
        for fmt in ("pdf", "docx"):
            r = login(user).get(f"/notices/{n.pk}.{fmt}")
            assert r.status_code == 200, (who, fmt)
            text = _text(r.content, fmt)
            assert m.receipt_no in text
            if who == "registrar":
                assert "王五" in text
            else:
                assert "王五" not in text and ADDRESS not in text, (who, fmt)
                assert HIDDEN in text


def test_the_receiving_organ_issues_its_acceptance_notice(world: World) -> None:
    # XFGZ Arts. 22, 23: the organ that receives a forwarded matter tells the petitioner in
    # writing that it accepted it, with the handling deadline.
    w = world
    m = register(w)
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    m = transition(m, "accept", actor=w.handler)
    notices = list(m.notices.order_by("pk"))
    assert [n.kind for n in notices] == [NoticeKind.FORWARDED, NoticeKind.RECEIPT]
    accepted = notices[1]
    assert accepted.organ == w.town and accepted.event.action == "accept"
    text = "\n".join(accepted.context["paragraphs"])
    assert "本机关决定受理" in text and "办理期限至" in text


def test_a_control_character_in_a_title_does_not_break_notices(world: World) -> None:
    w = world
    # registration refuses such characters now; matters registered before may hold them
    m = register(w)
    Matter.objects.filter(pk=m.pk).update(title="楼顶漏水\x01三年\x0b未修")
    m = transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    n = m.notices.get()
    for fmt in ("docx", "pdf"):
        r = login(w.registrar).get(f"/notices/{n.pk}.{fmt}")
        assert r.status_code == 200, fmt
        assert "楼顶漏水三年未修" in _text(r.content, fmt)
