"""Excel and PDF reports: monthly statistics and the annual report of XFGZ Art. 41."""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from xinfang.cases import access
from xinfang.cases.models import MatterQuerySet
from xinfang.core.fonts import FONT_NAME, register_font

from . import queries as q

HEAD = PatternFill("solid", fgColor="9B1C1C")
HEAD_FONT = Font(bold=True, color="FFFFFF")


def _sheet(wb: Workbook, title: str, header: list[str], rows: list[list[Any]]) -> Any:
    ws = wb.create_sheet(title)
    ws.append(header)
    for c in ws[1]:
        c.fill, c.font = HEAD, HEAD_FONT
        c.alignment = Alignment(horizontal="center")
    for r in rows:
        ws.append(r)
    for i, _ in enumerate(header, 1):
        ws.column_dimensions[get_column_letter(i)].width = 22
    ws.freeze_panes = "A2"
    return ws


def report_data(
    qs: MatterQuerySet, p: q.Period, today: date, scope: access.StaffScope | None = None
) -> dict[str, Any]:
    b = q.breakdown(qs, p, scope, today)
    return {
        "summary": q.summary(qs, p, today, b, scope),
        "channels": [(str(q.LABELS["channel"].get(k, k)), n) for k, n in b.counts("channel")],
        "categories": [(str(q.LABELS["category"].get(k, k)), n) for k, n in b.counts("category")],
        "topics": b.counts("topic__name"),
        "organs": q.counts(qs, p, "lead_unit__name"),
        "overdue": q.overdue_by_unit(qs, today, scope=scope),
        "on_time": q.on_time(qs, p, scope),
        "hot": b.hot(),
    }


SUMMARY_LABELS = {
    "received": "收到信访事项",
    "collective": "其中集体访",
    "open": "未办结",
    "overdue": "超期",
    "forwarded": "转送",
    "assigned": "交办",
    "supervised": "督办",
    "answered": "出具处理意见",
    "reviews": "申请复查",
    "reexams": "申请复核",
}


def excel(
    qs: MatterQuerySet, p: q.Period, today: date, title: str, scope: access.StaffScope | None = None
) -> bytes:
    d = report_data(qs, p, today, scope)
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = "总体情况"
    ws.append([title])
    ws["A1"].font = Font(bold=True, size=14)
    ws.append([f"统计期间：{p.start:%Y年%m月%d日}至{p.end:%Y年%m月%d日}（不含）"])
    ws.append([])
    ws.append(["指标", "数量"])
    for c in ws[4]:
        c.fill, c.font = HEAD, HEAD_FONT
    for k, v in d["summary"].items():
        ws.append([SUMMARY_LABELS.get(k, k), v])
    ot = d["on_time"]
    ws.append(["按期办结率", f"{ot['rate']:.1%}" if ot["rate"] is not None else "—"])
    ws.column_dimensions["A"].width = 30
    ws.column_dimensions["B"].width = 16
    _sheet(wb, "按渠道", ["渠道", "件数"], [list(r) for r in d["channels"]])
    _sheet(wb, "按性质", ["性质", "件数"], [list(r) for r in d["categories"]])
    t = _sheet(wb, "按问题类别", ["问题类别", "件数"], [list(r) for r in d["topics"]])
    if d["topics"]:
        chart = BarChart()
        chart.title = "按问题类别"
        chart.add_data(
            Reference(t, min_col=2, min_row=1, max_row=len(d["topics"]) + 1), titles_from_data=True
        )
        chart.set_categories(Reference(t, min_col=1, min_row=2, max_row=len(d["topics"]) + 1))
        t.add_chart(chart, "D2")
    _sheet(wb, "被反映较多的机关", ["承办机关", "件数"], [list(r) for r in d["organs"][:20]])
    _sheet(wb, "超期", ["承办单位", "超期件数"], [list(r) for r in d["overdue"]])
    _sheet(
        wb,
        "热点问题",
        ["问题类别", "属地", "件数"],
        [[h["topic"], h["area"], h["n"]] for h in d["hot"]],
    )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def pdf(
    qs: MatterQuerySet, p: q.Period, today: date, title: str, scope: access.StaffScope | None = None
) -> bytes:
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.lib.units import mm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

    register_font()
    d = report_data(qs, p, today, scope)
    h1 = ParagraphStyle("h1", fontName=FONT_NAME, fontSize=18, leading=26, alignment=1)
    h2 = ParagraphStyle("h2", fontName=FONT_NAME, fontSize=13, leading=20, spaceBefore=8)
    body = ParagraphStyle("b", fontName=FONT_NAME, fontSize=10.5, leading=16)
    ts = TableStyle(
        [
            ("FONTNAME", (0, 0), (-1, -1), FONT_NAME),
            ("FONTSIZE", (0, 0), (-1, -1), 10),
            ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#9b1c1c")),
            ("TEXTCOLOR", (0, 0), (-1, 0), colors.white),
            ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
        ]
    )

    def table(header: list[str], rows: list[list[Any]]) -> Table:
        t = Table([header, *rows] if rows else [header, ["—"] * len(header)], hAlign="LEFT")
        t.setStyle(ts)
        return t

    ot = d["on_time"]
    story = [
        Paragraph(title, h1),
        Paragraph(
            f"统计期间：{p.start:%Y年%m月%d日}至{p.end:%Y年%m月%d日}（不含）"
            "（依据《信访工作条例》第四十一条）",
            body,
        ),
        Spacer(1, 6 * mm),
        Paragraph("一、总体情况", h2),
        table(
            ["指标", "数量"],
            [[SUMMARY_LABELS.get(k, k), v] for k, v in d["summary"].items()]
            + [["按期办结率", f"{ot['rate']:.1%}" if ot["rate"] is not None else "—"]],
        ),
        Paragraph("二、按渠道和性质", h2),
        table(["渠道", "件数"], [list(r) for r in d["channels"]]),
        Spacer(1, 3 * mm),
        table(["性质", "件数"], [list(r) for r in d["categories"]]),
        Paragraph("三、被反映较多的机关", h2),
        table(["承办机关", "件数"], [list(r) for r in d["organs"][:10]]),
        Paragraph("四、转送、交办、督办情况", h2),
        table(
            ["转送", "交办", "督办"],
            [[d["summary"]["forwarded"], d["summary"]["assigned"], d["summary"]["supervised"]]],
        ),
        Paragraph("五、热点问题（每月一题）", h2),
        table(["问题类别", "属地", "件数"], [[h["topic"], h["area"], h["n"]] for h in d["hot"]]),
    ]
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, title=title).build(
        story
    )
    return buf.getvalue()
