"""API schemas of search (used by xinfang/api/api.py)."""

from __future__ import annotations

from datetime import datetime

from ninja import Schema


class SearchHitOut(Schema):
    id: int
    receipt_no: str
    title: str
    title_html: str  # escaped, matches in <mark>
    snippet_html: str  # escaped, matches in <mark>
    status: str
    received_at: datetime


class SearchPage(Schema):
    items: list[SearchHitOut]
    count: int
    count_more: bool  # true: at least ``count`` (the count is capped)
    next: str | None


class PetitionerHint(Schema):
    name: str = ""
    phone: str = ""


class SimilarIn(Schema):
    title: str = ""
    text: str = ""
    petitioners: list[PetitionerHint] = []
    area: int | None = None
    topic: int | None = None
    exclude_id: int | None = None
    limit: int = 8


class SimilarOut(Schema):
    id: int
    receipt_no: str
    title: str
    status: str
    received_at: datetime
    score: float
    reasons: list[str]
