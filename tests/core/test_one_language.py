"""One language per page: every Chinese word a template shows is a translatable string, so
a page in English shows no Chinese but the user's own data (and the reverse). Written
documents (notices, the 案卷) are Chinese by law and keep their fixed words."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2] / "xinfang"
CJK = re.compile(r"[\u4e00-\u9fff]")
# Words that are the same in every language of the interface: the emblem's character,
# the name of the other language on the switch, and the seal's place on a document.
FIXED = ('<span class="seal" aria-hidden="true">访</span>', ">中文<", "（印章）")
DROP = [
    re.compile(r"\{%\s*blocktrans(late)?\b.*?\{%\s*endblocktrans(late)?\s*%\}", re.S),
    re.compile(r"\{%\s*trans(late)?\s+(\"[^\"]*\"|'[^']*').*?%\}"),
    re.compile(r"\{#.*?#\}"),
    re.compile(r"\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S),
]


def untranslated(text: str) -> list[str]:
    for pattern in DROP:
        text = pattern.sub("", text)
    for word in FIXED:
        text = text.replace(word, "")
    return [line.strip() for line in text.splitlines() if CJK.search(line)]


def test_the_scan_finds_a_bare_word() -> None:
    assert untranslated("<h1>访问日志</h1>") == ["<h1>访问日志</h1>"]
    assert untranslated('<h1>{% translate "访问日志" %}</h1>') == []
    assert untranslated("{% blocktranslate %}共 {{ n }} 件{% endblocktranslate %}") == []


def test_templates_show_no_chinese_outside_translations() -> None:
    found = {
        str(path.relative_to(ROOT)): lines
        for path in sorted(ROOT.rglob("templates/**/*.html"))
        if (lines := untranslated(path.read_text(encoding="utf-8")))
    }
    assert not found, "\n".join(f"{p}: {lines[0][:120]}" for p, lines in found.items())
