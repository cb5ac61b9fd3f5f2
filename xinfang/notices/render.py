"""DOCX and PDF files from an issued notice's snapshot (no network, fonts embedded)."""

from __future__ import annotations

import io
from pathlib import Path

from django.conf import settings

from xinfang.core.errors import UserError

from .models import Notice

FONT_NAME = "XinfangCJK"
_font_ready = False


def cjk_font_path() -> Path:
    for candidate in settings.XINFANG["CJK_FONTS"]:
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    raise UserError(
        "no_cjk_font",
        "未找到中文字体，无法生成PDF。请安装 fonts-wqy-microhei 或设置 XINFANG_CJK_FONT",
        "No CJK font found for PDF notices: install fonts-wqy-microhei or set XINFANG_CJK_FONT",
    )


def _register_font() -> None:
    global _font_ready
    if _font_ready:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = cjk_font_path()
    kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), **kwargs))
    _font_ready = True


def _lines(notice: Notice) -> tuple[list[str], str, str]:
    ctx = notice.context
    return list(ctx.get("paragraphs", [])), ctx.get("organ", ""), ctx.get("issued", "")


def render_docx(notice: Notice) -> bytes:
    """A Word document: centred title, number, body, organ and date bottom right."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc = Document()
    style = doc.styles["Normal"]
    style.font.name = "FangSong"
    style.font.size = Pt(14)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "仿宋")
    paragraphs, organ, issued = _lines(notice)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(notice.title)
    run.bold = True
    run.font.size = Pt(22)
    run.font.name = "SimSun"
    run.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), "宋体")
    num = doc.add_paragraph(notice.number)
    num.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for text in paragraphs:
        p = doc.add_paragraph(text)
        if not text.endswith("："):  # the salutation stands flush left
            p.paragraph_format.first_line_indent = Pt(28)
    for text in ("", organ, "（印章）", issued):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def render_pdf(notice: Notice) -> bytes:
    """An A4 PDF with the CJK font embedded (subset) and CJK line wrapping."""
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    _register_font()
    body = ParagraphStyle(
        "body",
        fontName=FONT_NAME,
        fontSize=14,
        leading=24,
        firstLineIndent=28,
        wordWrap="CJK",
    )
    head = ParagraphStyle(
        "head", parent=body, fontSize=22, leading=32, alignment=TA_CENTER, firstLineIndent=0
    )
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER, firstLineIndent=0)
    flush = ParagraphStyle("flush", parent=body, firstLineIndent=0)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    paragraphs, organ, issued = _lines(notice)
    story = [
        Paragraph(escape(notice.title), head),
        Paragraph(escape(notice.number), centre),
        Spacer(1, 8 * mm),
    ]
    story += [
        Paragraph(escape(t).replace("\n", "<br/>"), flush if t.endswith("：") else body)
        for t in paragraphs
    ]
    story += [Spacer(1, 12 * mm)] + [
        Paragraph(escape(t), right) for t in (organ, "（印章）", issued)
    ]
    buf = io.BytesIO()
    SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=28 * mm,
        rightMargin=26 * mm,
        topMargin=37 * mm,
        bottomMargin=35 * mm,
        title=notice.title,
        author=organ,
        subject=notice.number,
    ).build(story)
    return buf.getvalue()


RENDERERS = {"docx": render_docx, "pdf": render_pdf}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def rendered(notice: Notice, fmt: str) -> bytes:
    """The file for ``notice`` in ``fmt``, cached on disk (the snapshot never changes)."""
    cache = Path(settings.DATA_DIR) / "notices" / f"{notice.pk}.{fmt}"
    if cache.exists():
        return cache.read_bytes()
    data = RENDERERS[fmt](notice)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{fmt}.tmp")
    tmp.write_bytes(data)
    tmp.replace(cache)
    return data
