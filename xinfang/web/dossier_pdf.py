"""The 案卷 as an A4 PDF (ReportLab, the CJK font of ``core.fonts`` embedded, as notices are).

Each document of the file starts on a new page; every page carries its number; the 卷内目录
in front gives the page each document starts on, and the 备考表 at the end the number of
pages. Both are known only once the file is laid out, so it is laid out until the pages
it states are the pages it has (twice, unless the table of contents grows a page).
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from django.utils.translation import gettext as _

from xinfang.core.fonts import FONT_NAME, register_font

if TYPE_CHECKING:
    from .dossier import Block, Dossier, Section

# A4 with a wider left margin for binding (the archive's 装订边).
MARGINS_MM = {"left": 25, "right": 20, "top": 22, "bottom": 22}
PASSES = 4


def render(d: Dossier) -> bytes:
    """The PDF of ``d``; sets each section's ``page`` and ``d.pages`` to the laid-out ones."""
    register_font()
    pages: dict[str, int] = {}
    total = 0
    data = b""
    for _pass in range(PASSES):
        found: dict[str, int] = {}
        data, count = _build(d, pages, total, found)
        if found == pages and count == total:
            break
        pages, total = found, count
    for s in d.sections:
        s.page = pages.get(s.key)
    d.pages = total
    return data


def _text(value: Any) -> str:
    return escape(str(value)).replace("\n", "<br/>")


def _build(
    d: Dossier, pages: dict[str, int], total: int, found: dict[str, int]
) -> tuple[bytes, int]:
    from reportlab.lib import colors
    from reportlab.lib.enums import TA_CENTER, TA_RIGHT
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import (
        BaseDocTemplate,
        Flowable,
        Frame,
        PageBreak,
        PageTemplate,
        Paragraph,
        Spacer,
        Table,
        TableStyle,
    )

    class Mark(Flowable):
        """Where a document starts: its page is recorded, bookmarked and outlined."""

        def __init__(self, key: str, title: str) -> None:
            super().__init__()
            self.key, self.title = key, title

        def wrap(self, aw: float, ah: float) -> tuple[float, float]:
            return 0, 0

        def draw(self) -> None:
            found[self.key] = self.canv.getPageNumber()
            self.canv.bookmarkPage(self.key)
            self.canv.addOutlineEntry(self.title, self.key, level=0)

    m = d.matter
    width = A4[0] - (MARGINS_MM["left"] + MARGINS_MM["right"]) * mm
    base = ParagraphStyle("b", fontName=FONT_NAME, fontSize=10.5, leading=16, wordWrap="CJK")
    cell = ParagraphStyle("c", parent=base, fontSize=9.5, leading=13.5)
    head_cell = ParagraphStyle("hc", parent=cell, textColor=colors.HexColor("#333333"))
    small = ParagraphStyle("s", parent=base, fontSize=9, leading=13, textColor=colors.grey)
    h1 = ParagraphStyle("h1", parent=base, fontSize=18, leading=26, alignment=TA_CENTER)
    meta = ParagraphStyle("meta", parent=small, alignment=TA_CENTER, spaceAfter=4 * mm)
    h3 = ParagraphStyle("h3", parent=base, fontSize=12, leading=18, spaceBefore=4 * mm)
    prose = ParagraphStyle("p", parent=base, fontSize=11, leading=18, firstLineIndent=22)
    l_title = ParagraphStyle("lt", parent=base, fontSize=17, leading=26, alignment=TA_CENTER)
    l_no = ParagraphStyle("ln", parent=base, alignment=TA_CENTER, spaceAfter=5 * mm)
    l_body = ParagraphStyle("lb", parent=base, fontSize=12, leading=21, firstLineIndent=24)
    l_flush = ParagraphStyle("lf", parent=l_body, firstLineIndent=0)
    l_right = ParagraphStyle("lr", parent=l_body, firstLineIndent=0, alignment=TA_RIGHT)
    grid = TableStyle(
        [
            ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#777777")),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ("LEFTPADDING", (0, 0), (-1, -1), 4),
            ("RIGHTPADDING", (0, 0), (-1, -1), 4),
        ]
    )
    headed = TableStyle([("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eeeeee"))])

    def table(head: list[str], rows: list[list[str]], shares: tuple[int, ...]) -> Table:
        widths = [width * s / sum(shares) for s in shares]
        data = [[Paragraph(_text(c), head_cell) for c in head]] if head else []
        data += [[Paragraph(_text(c), cell) for c in r] for r in rows]
        t = Table(data, colWidths=widths, repeatRows=1 if head else 0, splitInRow=1)
        t.setStyle(grid)
        if head:
            t.setStyle(headed)
        return t

    def kv(pairs: list[tuple[str, str]]) -> Table:
        return table([], [[k, v] for k, v in pairs], (1, 4))

    def block(b: Block) -> list[Any]:
        out: list[Any] = []
        if b.title and b.kind != "text":
            out.append(Paragraph(_text(b.title), h3))
        if b.kind == "kv":
            out.append(kv(b.pairs))
        elif b.kind == "text":
            out.append(Paragraph(_text(b.title), h3))
            out += [Paragraph(_text(t), prose) for t in b.text.split("\n") if t.strip()]
        elif b.kind == "table":
            rows = [r.cells for r in b.rows] or [["—"] * len(b.head)]
            out.append(table(b.head, rows, b.widths))
        elif b.kind == "note":
            out.append(Paragraph(_text(b.text), small))
        elif b.kind == "letter" and b.letter is not None:
            n = b.letter
            out += [Spacer(1, 4 * mm), Paragraph(_text(n.title), l_title)]
            out.append(Paragraph(_text(n.number), l_no))
            # the opening "张三：" flush left, as the notice sets it
            out += [
                Paragraph(_text(p), l_flush if i == 0 and p.endswith("：") else l_body)
                for i, p in enumerate(n.paragraphs)
            ]
            out.append(Spacer(1, 8 * mm))
            out += [Paragraph(_text(t), l_right) for t in (n.organ, "（印章）", n.issued)]
        return out

    def section(s: Section) -> list[Any]:
        line = " · ".join(x for x in (s.number, s.author, s.date) if x and x != "—")
        out: list[Any] = [PageBreak(), Mark(s.key, s.title)]
        if not s.is_letter:
            out += [Paragraph(_text(s.title), h1), Paragraph(_text(line), meta)]
        for b in s.blocks:
            out += block(b)
        return out

    # the table of contents: its links go to the documents' bookmarks
    toc_rows = [
        [
            str(i),
            s.number,
            s.author,
            s.title,
            s.date,
            str(pages[s.key]) if s.key in pages else "",
        ]
        for i, s in enumerate(d.sections, start=1)
    ]
    toc = table(
        [_("序号"), _("文号"), _("责任者"), _("题名"), _("日期"), _("页号")],
        toc_rows,
        (2, 6, 6, 9, 5, 2),
    )
    story: list[Any] = [
        Mark("toc", _("卷内目录")),
        Paragraph(_text(_("卷内目录")), h1),
        Paragraph(_text(m.receipt_no), meta),
        kv(d.cover),
        Spacer(1, 5 * mm),
        toc,
    ]
    for s in d.sections:
        story += section(s)
    remarks = [*d.remarks, (_("本卷页数"), _("共 %(n)d 页") % {"n": total} if total else "")]
    story += [
        PageBreak(),
        Mark("remarks", _("卷内备考表")),
        Paragraph(_text(_("卷内备考表")), h1),
        Paragraph(_text(m.receipt_no), meta),
        kv(remarks),
    ]

    count = 0
    footer = _("第 %(n)s 页")

    def on_page(canvas: Any, doc: Any) -> None:
        nonlocal count
        count = max(count, doc.page)
        canvas.saveState()
        canvas.setFont(FONT_NAME, 9)
        canvas.setFillColor(colors.grey)
        canvas.drawCentredString(A4[0] / 2, 11 * mm, footer % {"n": doc.page})
        top = A4[1] - 12 * mm
        canvas.drawRightString(
            A4[0] - MARGINS_MM["right"] * mm, top, f"{_('案卷')} · {m.receipt_no}"
        )
        canvas.restoreState()

    buf = io.BytesIO()
    frame = Frame(
        MARGINS_MM["left"] * mm,
        MARGINS_MM["bottom"] * mm,
        width,
        A4[1] - (MARGINS_MM["top"] + MARGINS_MM["bottom"]) * mm,
        leftPadding=0,
        rightPadding=0,
        topPadding=0,
        bottomPadding=0,
    )
    doc = BaseDocTemplate(
        buf,
        pagesize=A4,
        title=f"{_('案卷')} {m.receipt_no}",
        subject=m.receipt_no,
        author=m.registered_unit.name,
        pageTemplates=[PageTemplate("page", [frame], onPage=on_page)],
    )
    doc.build(story)
    return buf.getvalue(), count
