"""Notices are issued by events and read back from real DOCX and PDF files."""

from __future__ import annotations

import io
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.test import Client
from docx import Document
from pypdf import PdfReader

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter
from xinfang.notices.models import Notice, NoticeKind
from xinfang.notices.render import render_docx, render_pdf

from ..factories import World, answered, handled, login, opinion, register


@pytest.fixture(autouse=True)
def _notice_cache(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def pdf_text(data: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).replace(
        "\n", ""
    )


def both(notice: Notice) -> list[str]:
    return [docx_text(render_docx(notice)), pdf_text(render_pdf(notice))]


def test_forward_issues_forwarding_notice(world: World) -> None:
    m = register(world)
    transition(m, "forward", actor=world.registrar, data={"unit": world.town.pk})
    n = m.notices.get()
    assert n.kind == NoticeKind.FORWARDED and n.organ == world.office
    for text in both(n):
        for needle in (
            m.receipt_no,
            "青山县信访局",
            "青山县城关镇人民政府",
            "张三",
            "第二十二条",
            "60日",
        ):
            assert needle in text, needle


def test_opinion_names_decision_basis_and_next_right(world: World) -> None:
    m = answered(world, decision="support")
    n = m.notices.get(kind=NoticeKind.OPINION)
    for text in both(n):
        for needle in (
            "信访事项处理意见书",
            m.receipt_no,
            "予以支持",
            "住宅专项维修资金管理办法",
            "青山县人民政府复查",
            "第三十五条",
        ):
            assert needle in text, needle
    assert n.context["next_right"].endswith("。")
    assert "请求复查的期限至" in n.context["next_right"]


def test_review_and_reexam_opinions(world: World) -> None:
    w = world
    m = answered(w)
    transition(m, "request_review", actor=w.registrar)
    review = m.followups.get()
    transition(review, "submit_opinion", actor=w.county_handler, data=opinion("reject"))
    review = transition(review, "approve_opinion", actor=w.county_leader)
    rn = review.notices.get()
    assert rn.kind == NoticeKind.REVIEW_OPINION and rn.organ == w.county
    text = docx_text(render_docx(rn))
    assert "不予支持" in text and "江州市人民政府请求复核" in text and m.receipt_no in text
    transition(review, "request_reexam", actor=w.county_registrar)
    reexam = review.followups.get()
    transition(reexam, "submit_opinion", actor=w.city_handler, data=opinion("reject"))
    reexam = transition(reexam, "approve_opinion", actor=w.city_leader)
    xn = reexam.notices.get()
    assert xn.kind == NoticeKind.REEXAM_OPINION
    assert "不再受理" in pdf_text(render_pdf(xn))


def test_redirect_not_accepted_and_extension(world: World) -> None:
    w = world
    m = register(w)
    transition(
        m,
        "redirect",
        actor=w.registrar,
        reason="属于民事纠纷",
        data={"channel": "litigation", "organ": "青山县人民法院"},
    )
    text = docx_text(render_docx(m.notices.get()))
    assert "诉讼" in text and "青山县人民法院" in text and "第三十一条" in text

    first = register(w)
    again = register(w)
    transition(
        again,
        "not_accept",
        actor=w.registrar,
        reason="同一事项",
        data={"ground": "art19", "existing": first.receipt_no},
    )
    text = pdf_text(render_pdf(again.notices.get()))
    assert first.receipt_no in text and "第十九条第三款" in text and "已登记" in text

    h = handled(w)
    transition(h, "request_extension", actor=w.handler, reason="需要委托鉴定", data={"days": 20})
    transition(h, "approve_extension", actor=w.leader)
    n = h.notices.get(kind=NoticeKind.EXTENSION)
    text = docx_text(render_docx(n))
    assert "延长20日" in text and "需要委托鉴定" in text and "第三十四条" in text


def test_pdf_embeds_the_cjk_font(world: World) -> None:
    m = answered(world)
    reader = PdfReader(io.BytesIO(render_pdf(m.notices.last())))
    fonts = []
    for page in reader.pages:
        for f in page["/Resources"]["/Font"].values():
            f = f.get_object()
            for d in f.get("/DescendantFonts", [f]):
                desc = d.get_object().get("/FontDescriptor")
                if desc is not None:
                    fonts.append(desc.get_object())
    assert fonts and any("/FontFile2" in d for d in fonts)


def test_no_notice_for_anonymous_matter(world: World) -> None:
    m = register(world, anonymous=True, petitioners=[])
    transition(m, "forward", actor=world.registrar, data={"unit": world.town.pk})
    assert not Notice.objects.filter(matter=m).exists()


def test_snapshot_does_not_change_when_matter_changes(world: World) -> None:
    m = register(world)
    transition(m, "forward", actor=world.registrar, data={"unit": world.town.pk})
    n = m.notices.get()
    before = docx_text(render_docx(n))
    Matter.objects.filter(pk=m.pk).update(title="已修改的摘要")
    m.petitioners.update(name="李四")
    n.refresh_from_db()
    assert docx_text(render_docx(n)) == before
    assert "李四" not in before


def test_docx_opens_in_libreoffice(world: World, tmp_path: Path) -> None:
    soffice = shutil.which("soffice")
    assert soffice, "LibreOffice (soffice) is required: apt-get install libreoffice-writer-nogui"
    m = answered(world)
    src = tmp_path / "opinion.docx"
    src.write_bytes(render_docx(m.notices.last()))
    profile = f"file:///tmp/lo-{uuid.uuid4().hex}"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(src),
        ],
        check=True,
        timeout=180,
        capture_output=True,
    )
    out = tmp_path / "opinion.pdf"
    assert out.exists()
    assert m.receipt_no in pdf_text(out.read_bytes())


def test_download_permissions(world: World) -> None:
    m = answered(world)
    n = m.notices.last()
    url = f"/notices/{n.pk}.pdf"
    assert Client().get(url).status_code == 302  # to the login page
    assert login(world.other_handler).get(url).status_code == 404
    ok = login(world.handler).get(url)
    assert ok.status_code == 200 and ok["Content-Type"] == "application/pdf"
    assert ok.content.startswith(b"%PDF")
    assert "filename*=UTF-8''" in ok["Content-Disposition"]
    assert login(world.supervisor).get(f"/notices/{n.pk}.docx").status_code == 200
    assert login(world.handler).get(f"/notices/{n.pk}.txt").status_code == 404
    assert login(world.handler).post(url).status_code == 405
