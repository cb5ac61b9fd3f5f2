"""Answers to similar questions, shown on the confirmation page before a citizen submits.

There is no knowledge base yet. A deployment that has one names a function in
XINFANG['PORTAL_KNOWLEDGE'] taking ``(title, content)`` and returning a list of
``Answer``. Without it the list is empty and the page shows nothing: no made-up content.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.utils.module_loading import import_string


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str
    url: str = ""


def similar(title: str, content: str, *, limit: int = 3) -> list[Answer]:
    path = settings.XINFANG.get("PORTAL_KNOWLEDGE")
    if not path:
        return []
    found: list[Answer] = list(import_string(path)(title, content))
    return found[:limit]
