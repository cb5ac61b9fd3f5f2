"""DOCX and PDF files from an issued notice's snapshot (no network, fonts embedded)."""

from __future__ import annotations

import io
import re
from pathlib import Path

from django.conf import settings

from xinfang.core.fonts import FONT_NAME, register_font
from xinfang.core.masks import HIDDEN

from .models import Notice

# Characters XML 1.0 cannot carry (C0 controls but tab and newline, lone surrogates,
# U+FFFE/U+FFFF): a title pasted with one must not make a notice impossible to produce.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(text: str) -> str:
    return _NOT_XML.sub("", text)


def masked_words(notice: Notice) -> list[str]:
    """What a masked copy hides: the petitioners' names and the address the notice names."""
    ctx = notice.context
    names = ctx.get("names")
    if names is None:  # notices issued before the names were recorded
        names = list(notice.matter.petitioners.values_list("name", flat=True))
    words = [w for w in [*names, ctx.get("address", "")] if w]
    return sorted(set(words), key=len, reverse=True)  # longer first: 张三丰 before 张三


def _lines(notice: Notice, masked: bool = False) -> tuple[list[str], str, str]:
    ctx = notice.context
    paragraphs = [_clean(p) for p in ctx.get("paragraphs", [])]
    if masked:
        for word in masked_words(notice):
            paragraphs = [p.replace(word, HIDDEN) for p in paragraphs]
    return paragraphs, _clean(ctx.get("organ", "")), _clean(ctx.get("issued", ""))


def render_docx(notice: Notice, masked: bool = False) -> bytes:
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
    paragraphs, organ, issued = _lines(notice, masked)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_clean(notice.title))
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


def render_pdf(notice: Notice, masked: bool = False) -> bytes:
    """An A4 PDF with the CJK font embedded (subset) and CJK line wrapping."""
    from xml.sax.saxutils import escape

    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer

    register_font()
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
    paragraphs, organ, issued = _lines(notice, masked)
    story = [
        Paragraph(escape(_clean(notice.title)), head),
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
        title=_clean(notice.title),
        author=organ,
        subject=notice.number,
    ).build(story)
    return buf.getvalue()


RENDERERS = {"docx": render_docx, "pdf": render_pdf}
CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
}


def rendered(notice: Notice, fmt: str, *, masked: bool = False) -> bytes:
    """The file for ``notice`` in ``fmt``, cached on disk (the snapshot never changes).

    ``masked``: the copy for a viewer who sees the petitioners masked (XFGZ Art. 30), with
    their names and address replaced exactly as the matter page replaces them."""
    name = f"{notice.pk}.masked.{fmt}" if masked else f"{notice.pk}.{fmt}"
    cache = Path(settings.DATA_DIR) / "notices" / name
    if cache.exists():
        return cache.read_bytes()
    data = RENDERERS[fmt](notice, masked)
    cache.parent.mkdir(parents=True, exist_ok=True)
    tmp = cache.with_suffix(f".{fmt}.tmp")
    tmp.write_bytes(data)
    tmp.replace(cache)
    return data


def forget_rendered(pk: int) -> None:
    """Delete the cached files of notice ``pk`` (after its snapshot was redacted)."""
    for path in (Path(settings.DATA_DIR) / "notices").glob(f"{pk}.*"):
        path.unlink(missing_ok=True)
