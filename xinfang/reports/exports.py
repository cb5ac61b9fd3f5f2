"""Excel and PDF reports: daily, monthly, quarterly and annual statistics and the annual
report of XFGZ Art. 41, each made from one ``queries.Report`` — the same figures, table of
main figures and paragraph as the report page — with who compiled it, when, and page
numbers on every printed page."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.chart.label import DataLabelList
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xinfang.cases import access
from xinfang.cases.models import MatterQuerySet
from xinfang.core.fonts import FONT_NAME, register_font

from . import narrative
from . import queries as q

HEAD = PatternFill("solid", fgColor="9B1C1C")
HEAD_FONT = Font(bold=True, color="FFFFFF")

# Kept under its old name for callers that label the summary.
SUMMARY_LABELS = narrative.SUMMARY_LABELS


@dataclass(frozen=True)
class Heading:
    """What a report says about itself: its title, what it covers, who compiled it and
    when (编制单位, 编制日期), and its opening paragraph."""

    title: str
    coverage: str
    compiled_by: str
    compiled_on: date
    paragraph: str

    @property
    def lines(self) -> list[str]:
        return [
            _("统计范围：%(s)s") % {"s": self.coverage},
            _("编制单位：%(s)s") % {"s": self.compiled_by},
            _("编制日期：%(s)s") % {"s": narrative.ymd(self.compiled_on)},
        ]


def period_line(r: q.Report) -> str:
    p = r.period
    line = _("统计期间：%(start)s至%(end)s") % {
        "start": narrative.ymd(p.start),
        "end": narrative.ymd(p.last_day),
    }
    if r.span.through is not None:
        line += _("（本期尚未结束，统计至当日；比较期取相同天数）")
    return line


def data(r: q.Report) -> dict[str, Any]:
    """The tables of a report, labelled (``queries.Report.tables``)."""
    return r.tables


def report_data(
    qs: MatterQuerySet, p: q.Period, today: date, scope: access.StaffScope | None = None
) -> dict[str, Any]:
    return data(q.report(qs, p, today, scope))


def _compared_header(r: q.Report) -> list[str]:
    head = [_("指标"), _("本期")]
    if r.previous is not None:
        head += [narrative.before_name(r.period), _("环比")]
    return [*head, _("上年同期"), _("同比"), _("说明")]


def _compared_cells(r: q.Report, row: narrative.Row, *, typed: bool) -> list[Any]:
    """A main figure's cells; ``typed``: counts as numbers (a workbook), else text."""

    def value(text: str, unit: str) -> Any:
        if unit != "%" and typed and text.isdigit():
            return int(text)
        return text if unit != "%" or text == "—" else f"{text}%"

    cells = [row.label, value(row.value, row.unit)]
    for side in ([row.previous] if r.previous is not None else []) + [row.last_year]:
        if side is None:
            cells += ["—", "—"]
        else:
            cells += [value(side.value, row.unit), side.change.short_text]
    return [*cells, row.note]


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> Any:
    ws = wb.create_sheet(title)
    ws.append(header)
    for c in ws[1]:
        c.fill, c.font = HEAD, HEAD_FONT
        c.alignment = Alignment(horizontal="center")
    for r in rows:
        ws.append(r)
    if not rows:
        ws.append([_("无")] + [None] * (len(header) - 1))
    for i, _h in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = 22
    ws.freeze_panes = "A2"
    ws.print_title_rows = "1:1"
    return ws


def _bar_chart(ws: Any, title: str, n: int, x_title: str, anchor: str) -> None:
    """A bar chart of the sheet's two columns with axis titles and each bar's value."""
    chart = BarChart()
    chart.type = "bar"
    chart.title = title
    chart.x_axis.title = x_title
    chart.y_axis.title = _("件数（件）")
    chart.dataLabels = DataLabelList()
    chart.dataLabels.showVal = True
    chart.legend = None
    chart.add_data(Reference(ws, min_col=2, min_row=1, max_row=n + 1), titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=n + 1))
    chart.height = max(7.5, 0.8 * n + 2)
    ws.add_chart(chart, anchor)


def _page_setup(ws: Any, h: Heading) -> None:
    """Who compiled it and when in each printed page's header, the page number in its
    footer (Excel's &P of &N)."""
    ws.oddHeader.left.text = _("编制单位：%(s)s") % {"s": h.compiled_by}
    ws.oddHeader.right.text = _("编制日期：%(s)s") % {"s": narrative.ymd(h.compiled_on)}
    ws.oddFooter.center.text = _("第 &P 页，共 &N 页")
    ws.page_setup.paperSize = ws.PAPERSIZE_A4


def excel(r: q.Report, h: Heading) -> bytes:
    d = data(r)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = _("总体情况")
    ws.append([h.title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([period_line(r)])
    ws.append(["　".join(h.lines)])
    ws.append([h.paragraph])
    header = _compared_header(r)
    last = get_column_letter(len(header))
    ws.merge_cells(f"A4:{last}4")
    ws["A4"].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[4].height = 15 * (len(h.paragraph) // 60 + 2)
    ws.append(header)
    for c in ws[5]:
        c.fill, c.font = HEAD, HEAD_FONT
    for row in narrative.rows(r):
        ws.append(_compared_cells(r, row, typed=True))
    ws.column_dimensions["A"].width = 22
    for i in range(2, len(header)):
        ws.column_dimensions[get_column_letter(i)].width = 14
    ws.column_dimensions[last].width = 40
    _page_setup(ws, h)
    sheets = [
        _sheet(wb, _("按渠道"), [_("渠道"), _("件数")], [list(x) for x in d["channels"]]),
        _sheet(wb, _("按性质"), [_("性质"), _("件数")], [list(x) for x in d["categories"]]),
    ]
    t = _sheet(wb, _("按问题类别"), [_("问题类别"), _("件数")], [list(x) for x in d["topics"]])
    if d["topics"]:
        _bar_chart(t, _("按问题类别"), len(d["topics"]), _("问题类别"), "D2")
    sheets += [
        t,
        _sheet(
            wb,
            _("被反映较多的机关"),
            [_("承办机关"), _("件数")],
            [list(x) for x in d["organs"]],
        ),
        _sheet(wb, _("超期"), [_("承办单位"), _("超期件数")], [list(x) for x in d["overdue"]]),
        _sheet(
            wb,
            _("热点问题"),
            [_("问题类别"), _("属地"), _("件数")],
            [[x["topic"], x["area"], x["n"]] for x in d["hot"]],
        ),
    ]
    for s in sheets:
        _page_setup(s, h)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf(r: q.Report, h: Heading) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.pdfgen.canvas import Canvas
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_font()
    d = data(r)
    h1 = ParagraphStyle("h1", fontName=FONT_NAME, fontSize=18, leading=26, alignment=1)
    h2 = ParagraphStyle("h2", fontName=FONT_NAME, fontSize=13, leading=20, spaceBefore=8)
    body = ParagraphStyle("b", fontName=FONT_NAME, fontSize=10.5, leading=17)
    cell = ParagraphStyle("c", fontName=FONT_NAME, fontSize=9, leading=12)
    head_cell = ParagraphStyle("hc", parent=cell, textColor=colors.white)
    ts = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
            ("FONTSIZE", (0, 0), (-1, -1), 9),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#9b1c1c")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
            ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ]
    )

    def table(header: list[str], rows: list[list[Any]], widths: list[float] | None = None) -> Any:
        rows = rows or [[_("无")] + [""] * (len(header) - 1)]
        cells = [[Paragraph(str(c), head_cell) for c in header]] + [
            [Paragraph(str(c), cell) for c in row] for row in rows
        ]
        t = Table(cells, hAlign="LEFT", colWidths=widths, repeatRows=1)
        t.setStyle(ts)
        return t

    header = _compared_header(r)
    width = 170 * mm
    note_w = 40 * mm
    label_w = 26 * mm
    rest = (width - note_w - label_w) / (len(header) - 2)
    main = table(
        header,
        [_compared_cells(r, row, typed=False) for row in narrative.rows(r)],
        [label_w] + [rest] * (len(header) - 2) + [note_w],
    )
    story = [
        Paragraph(h.title, h1),
        Paragraph(period_line(r) + _("（依据《信访工作条例》第四十一条）"), body),
        *[Paragraph(line, body) for line in h.lines],
        Spacer(1, 4 * mm),
        Paragraph(_("一、总体情况"), h2),
        Paragraph(h.paragraph, body),
        Spacer(1, 3 * mm),
        main,
        Paragraph(_("二、按渠道和性质"), h2),
        table([_("渠道"), _("件数")], [list(x) for x in d["channels"]]),
        Spacer(1, 3 * mm),
        table([_("性质"), _("件数")], [list(x) for x in d["categories"]]),
        Paragraph(_("三、按问题类别"), h2),
        table([_("问题类别"), _("件数")], [list(x) for x in d["topics"][:15]]),
        Paragraph(_("四、被反映较多的机关"), h2),
        table([_("承办机关"), _("件数")], [list(x) for x in d["organs"][:10]]),
        Paragraph(_("五、转送、交办、督办情况"), h2),
        table(
            [_("转送"), _("交办"), _("督办")],
            [[d["summary"]["forwarded"], d["summary"]["assigned"], d["summary"]["supervised"]]],
        ),
        Paragraph(_("六、超期事项（按承办单位）"), h2),
        table([_("承办单位"), _("超期件数")], [list(x) for x in d["overdue"]]),
        Paragraph(_("七、热点问题（每月一题）"), h2),
        table(
            [_("问题类别"), _("属地"), _("件数")],
            [[x["topic"], x["area"], x["n"]] for x in d["hot"]],
        ),
    ]
    footer_left = _("编制单位：%(s)s") % {"s": h.compiled_by}
    footer_right = _("编制日期：%(s)s") % {"s": narrative.ymd(h.compiled_on)}

    class Numbered(Canvas):
        """Holds each page until the last is known, then writes 第 n 页，共 m 页 on each."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._pages)
            for n, state in enumerate(self._pages, 1):
                self.__dict__.update(state)
                self.setFont(FONT_NAME, 8.5)
                self.setFillColor(colors.HexColor("#555555"))
                self.drawString(20 * mm, 10 * mm, footer_left)
                self.drawCentredString(
                    A4[0] / 2, 10 * mm, _("第 %(n)s 页，共 %(m)s 页") % {"n": n, "m": total}
                )
                self.drawRightString(A4[0] - 20 * mm, 10 * mm, footer_right)
                super().showPage()
            super().save()

    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        bottomMargin=20 * mm,
        title=h.title,
        author=h.compiled_by,
    )
    doc.build(story, canvasmaker=Numbered)
    return buf.getvalue()
