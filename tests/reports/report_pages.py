"""Reading a report page as its reader sees it: the figures table, the paragraph, the
organs table and the export form, parsed from the HTML."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

# the end tags that close the sections being read
_CLOSES = {("table", "figures"), ("table", "organs"), ("p", "narrative")}


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.figures: dict[str, list[str]] = {}
        self.organs: list[list[str]] = []
        self.narrative = ""
        self.hidden: dict[str, str] = {}
        self.formactions: list[str] = []
        self.export_action = ""
        self._in: list[str] = []  # the sections being read
        self._row: list[str] | None = None
        self._key = ""
        self._cell: list[str] | None = None
        self._exports = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "table" and a.get("id") in ("figures", "organs"):
            self._in.append(a["id"])
        elif tag == "p" and a.get("id") == "narrative":
            self._in.append("narrative")
        elif tag == "form" and "exports" in a.get("class", ""):
            self._exports = True
            self.export_action = a.get("action", "")
        elif self._exports and tag == "input" and a.get("type") == "hidden":
            self.hidden[a["name"]] = a.get("value", "")
        elif self._exports and tag == "button" and a.get("formaction"):
            self.formactions.append(a["formaction"])
        elif tag == "tr" and self._in and self._in[-1] in ("figures", "organs"):
            self._row, self._key = [], a.get("data-key", "")
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None and self._row is not None:
            self._row.append("".join(self._cell).strip())
            self._cell = None
        elif tag == "tr" and self._row is not None:
            if self._in[-1] == "figures" and self._key:
                self.figures[self._key] = self._row
            elif self._in[-1] == "organs" and self._row and not self._key:
                self.organs.append(self._row)
            self._row = None
        elif self._in and (tag, self._in[-1]) in _CLOSES:
            self._in.pop()
        elif tag == "form" and self._exports:
            self._exports = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        elif self._in and self._in[-1] == "narrative":
            self.narrative += data


def read(response: Any) -> _Page:
    page = _Page()
    page.feed(response.content.decode())
    # the organs table's header row has no data-key and no numbers: drop it
    page.organs = [r for r in page.organs if len(r) == 2 and r[1].isdigit()]
    return page
