"""DOCX and PDF files from an issued notice's snapshot (no network, fonts embedded)."""

from __future__ import annotations

import io
import re
from pathlib import Path
from typing import Any

from django.conf import settings

from xinfang.core.fonts import FONT_NAME, official_fonts, register_font
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


def _salutation(index: int, text: str) -> bool:
    """The opening "张三：" stands flush left; a later paragraph ending in a colon ("现将处理
    意见告知如下：") is text like any other."""
    return index == 0 and text.endswith("：")


def official_layout() -> bool:
    """Whether notices are set in the GB/T 9704 layout (``NOTICE_LAYOUT``)."""
    return settings.XINFANG.get("NOTICE_LAYOUT", "official") != "plain"


# GB/T 9704-2012: the type area is 156 × 225 mm with 22 lines of 3号 (16 pt) text, so a
# line is 225 mm / 22 apart; the 发文机关标志 is red (§7.2.1), titles in 2号 小标宋 (§7.3.1),
# the text in 3号 仿宋 (§5.2), the page number in 4号 as "— 1 —" (§7.5).
LINE_MM = 225 / 22
RED = "FF0000"


def render_docx(notice: Notice, masked: bool = False) -> bytes:
    """A Word document: the GB/T 9704 letter layout (red head, double red rule, number,
    title, text, organ and date, page numbers), or the plain one (``NOTICE_LAYOUT``)."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Mm, Pt, RGBColor

    def face(run_or_style: Any, latin: str, east_asia: str) -> None:
        run_or_style.font.name = latin
        rpr = run_or_style.element.get_or_add_rPr()
        rpr.get_or_add_rFonts().set(qn("w:eastAsia"), east_asia)

    official = official_layout()
    doc = Document()
    style = doc.styles["Normal"]
    style.font.size = Pt(16 if official else 14)
    face(style, "FangSong", "仿宋_GB2312" if official else "仿宋")
    paragraphs, organ, issued = _lines(notice, masked)

    if official:
        section = doc.sections[0]
        section.page_width, section.page_height = Mm(210), Mm(297)
        section.top_margin, section.bottom_margin = Mm(37), Mm(35)
        section.left_margin, section.right_margin = Mm(28), Mm(26)
        style.paragraph_format.line_spacing = Mm(LINE_MM)
        head = doc.add_paragraph()
        head.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = head.add_run(organ)
        run.font.size = Pt(26)
        run.font.color.rgb = RGBColor.from_string(RED)
        face(run, "SimSun", "方正小标宋简体")
        # the red rule under the head: thick over thin (§7.2.1, 信函格式 §10.1)
        border = OxmlElement("w:pBdr")
        bottom = OxmlElement("w:bottom")
        for key, value in (("val", "thickThinSmallGap"), ("sz", "24"), ("color", RED)):
            bottom.set(qn(f"w:{key}"), value)
        border.append(bottom)
        head._p.get_or_add_pPr().append(border)
        num = doc.add_paragraph(notice.number)
        num.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = title.add_run(_clean(notice.title))
    run.font.size = Pt(22)
    run.bold = not official
    face(run, "SimSun", "方正小标宋简体" if official else "宋体")
    if not official:
        num = doc.add_paragraph(notice.number)
        num.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for i, text in enumerate(paragraphs):
        p = doc.add_paragraph(text)
        if not _salutation(i, text):  # the salutation stands flush left
            p.paragraph_format.first_line_indent = Pt(32 if official else 28)
    for text in ("", organ, "（印章）", issued):
        p = doc.add_paragraph(text)
        p.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if official:
        _docx_page_numbers(doc)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _docx_page_numbers(doc: Any) -> None:
    """ "— n —" in the footer: odd pages on the right, even pages on the left (§7.5)."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn
    from docx.shared import Pt

    doc.settings.odd_and_even_pages_header_footer = True
    section = doc.sections[0]
    for footer, align in (
        (section.footer, WD_ALIGN_PARAGRAPH.RIGHT),
        (section.even_page_footer, WD_ALIGN_PARAGRAPH.LEFT),
    ):
        p = footer.paragraphs[0]
        p.alignment = align
        p.add_run("— ").font.size = Pt(14)
        field = OxmlElement("w:fldSimple")
        field.set(qn("w:instr"), "PAGE")
        run = OxmlElement("w:r")
        text = OxmlElement("w:t")
        text.text = "1"
        run.append(text)
        field.append(run)
        p._p.append(field)
        p.add_run(" —").font.size = Pt(14)


def render_pdf(notice: Notice, masked: bool = False) -> bytes:
    """An A4 PDF with the CJK fonts embedded (subset) and CJK line wrapping: the GB/T 9704
    letter layout, or the plain one (``NOTICE_LAYOUT``)."""
    from xml.sax.saxutils import escape

    from reportlab.lib.colors import red
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer
    from reportlab.platypus.flowables import HRFlowable

    official = official_layout()
    register_font()
    song, fangsong = official_fonts() if official else (FONT_NAME, FONT_NAME)
    size = 16 if official else 14
    body = ParagraphStyle(
        "body",
        fontName=fangsong,
        fontSize=size,
        leading=LINE_MM * mm if official else 24,
        firstLineIndent=2 * size,
        wordWrap="CJK",
    )
    head = ParagraphStyle(
        "head",
        parent=body,
        fontName=song,
        fontSize=22,
        leading=32,
        alignment=TA_CENTER,
        firstLineIndent=0,
    )
    centre = ParagraphStyle("centre", parent=body, alignment=TA_CENTER, firstLineIndent=0)
    flush = ParagraphStyle("flush", parent=body, firstLineIndent=0)
    right = ParagraphStyle("right", parent=body, alignment=TA_RIGHT, firstLineIndent=0)
    paragraphs, organ, issued = _lines(notice, masked)
    story: list[Any] = []
    if official:
        red_head = ParagraphStyle("red", parent=head, fontSize=26, leading=34, textColor=red)
        story += [
            Paragraph(escape(organ), red_head),
            Spacer(1, 2 * mm),
            HRFlowable(width="100%", thickness=1.2 * mm, color=red, spaceAfter=0.8 * mm),
            HRFlowable(width="100%", thickness=0.35 * mm, color=red, spaceAfter=3 * mm),
            Paragraph(escape(notice.number), right),
            Spacer(1, 6 * mm),
            Paragraph(escape(_clean(notice.title)), head),
            Spacer(1, LINE_MM * mm),
        ]
    else:
        story += [
            Paragraph(escape(_clean(notice.title)), head),
            Paragraph(escape(notice.number), centre),
            Spacer(1, 8 * mm),
        ]
    story += [
        Paragraph(escape(t).replace("\n", "<br/>"), flush if _salutation(i, t) else body)
        for i, t in enumerate(paragraphs)
    ]
    story += [Spacer(1, 12 * mm)] + [
        Paragraph(escape(t), right) for t in (organ, "（印章）", issued)
    ]

    def page_number(canvas: Any, doc: Any) -> None:
        """ "— n —" in 4号 (14 pt), 7 mm below the type area; odd right, even left (§7.5)."""
        canvas.saveState()
        canvas.setFont(song, 14)
        text, y = f"— {doc.page} —", 35 * mm - 7 * mm - 14
        if doc.page % 2:
            canvas.drawRightString(A4[0] - 26 * mm - 14, y, text)
        else:
            canvas.drawString(28 * mm + 14, y, text)
        canvas.restoreState()

    buf = io.BytesIO()
    pages = {"onFirstPage": page_number, "onLaterPages": page_number} if official else {}
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
    ).build(story, **pages)
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
