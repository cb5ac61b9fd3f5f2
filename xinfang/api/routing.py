"""``GET /api/v1/routing/suggest``: the dispatch-catalogue suggestion (a person decides)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from xinfang.cases import access
from xinfang.cases.models import Topic
from xinfang.core.errors import Forbidden, UserError
from xinfang.org.models import Unit
from xinfang.routing.services import suggest

router = Router(tags=["routing"])


class UnitRef(Schema):
    id: int
    name: str


class SuggestionOut(Schema):
    lead: UnitRef
    assisting: list[UnitRef]
    rule: int | None
    basis: str
    source: str  # catalogue | history
    reasons: list[str]
    reasons_en: list[str]
    dispatched: int
    objected: int


def topic_of(value: str | None) -> Topic | None:
    if not value:
        return None
    found = Topic.objects.filter(code=value).first()
    if found is None and value.isdigit():
        found = Topic.objects.filter(pk=int(value)).first()
    if found is None:
        raise UserError("bad_topic", "问题类别不存在", "No such topic", field="topic")
    return found


def area_of(value: str | None) -> Unit | None:
    if not value:
        return None
    found = Unit.objects.filter(pk=int(value)).first() if value.isdigit() else None
    if found is None:
        raise UserError("bad_area", "问题属地不存在", "No such area", field="area")
    return found


@router.get("/suggest", response=list[SuggestionOut])
def suggest_endpoint(
    request: HttpRequest,
    topic: str | None = None,
    area: str | None = None,
    category: str = "",
    hotline_type: str = "",
) -> Any:
    """Ranked lead units for a topic (code or id) × area (unit id) × optional category and
    hotline type, each with the rule that matched and why, and this deployment's routing
    history as a separate reason. Registrars and supervisors only. Nothing is applied:
    the registrar decides and the forward/assign event records the choice."""
    if not access.may(request.user, "route"):
        raise Forbidden("forbidden", "您无权查看派单建议", "You may not see routing suggestions")
    found = suggest(
        topic=topic_of(topic), area=area_of(area), category=category, hotline_type=hotline_type
    )
    return [s.as_dict() for s in found]
