"""The CJK font every generated PDF embeds (notices, reports): the first of the deployment's
``XINFANG['CJK_FONTS']`` that exists, registered with ReportLab once per process."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from xinfang.core.errors import UserError

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


def register_font() -> None:
    global _font_ready
    if _font_ready:
        return
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    path = cjk_font_path()
    kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(FONT_NAME, str(path), **kwargs))
    _font_ready = True
