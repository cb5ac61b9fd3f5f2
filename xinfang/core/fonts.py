"""The CJK fonts generated PDFs embed (notices, reports), registered with ReportLab once per
process.

- ``FONT_NAME``: the plain font every PDF can rely on, the first of the deployment's
  ``XINFANG['CJK_FONTS']`` that exists.
- ``SONG`` and ``FANGSONG``: the faces official documents are set in (GB/T 9704-2012 §5.2:
  titles in 小标宋, the text in 仿宋). Each is the first of ``XINFANG['SONG_FONTS']`` /
  ``XINFANG['FANGSONG_FONTS']`` that exists — a deployment with licensed faces names them
  there — and falls back to the next face (仿宋 → 宋 → the plain font), so a notice is always
  produced.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from xinfang.core.errors import UserError

FONT_NAME = "XinfangCJK"
SONG = "XinfangSong"
FANGSONG = "XinfangFangSong"
_ready: dict[str, str] = {}


def _first(setting: str) -> Path | None:
    for candidate in settings.XINFANG.get(setting, []):
        if candidate and Path(candidate).is_file():
            return Path(candidate)
    return None


def cjk_font_path() -> Path:
    path = _first("CJK_FONTS")
    if path is None:
        raise UserError(
            "no_cjk_font",
            "未找到中文字体，无法生成PDF。请安装 fonts-wqy-microhei 或设置 XINFANG_CJK_FONT",
            "No CJK font found for PDF notices: install fonts-wqy-microhei or set XINFANG_CJK_FONT",
        )
    return path


def _register(name: str, path: Path) -> str:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    kwargs = {"subfontIndex": 0} if path.suffix.lower() == ".ttc" else {}
    pdfmetrics.registerFont(TTFont(name, str(path), **kwargs))
    return name


def register_font() -> None:
    if FONT_NAME not in _ready:
        _ready[FONT_NAME] = _register(FONT_NAME, cjk_font_path())


def official_fonts() -> tuple[str, str]:
    """(song, fangsong): the ReportLab names of the faces for an official document's titles
    and text, each falling back as the module says."""
    register_font()
    for name, setting, fallback in (
        (SONG, "SONG_FONTS", FONT_NAME),
        (FANGSONG, "FANGSONG_FONTS", SONG),
    ):
        if name not in _ready:
            path = _first(setting)
            _ready[name] = _register(name, path) if path else _ready[fallback]
    return _ready[SONG], _ready[FANGSONG]
