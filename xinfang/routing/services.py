"""Routing suggestions from the dispatch catalogue (派单目录, BJ Art. 11) and from this
deployment's own history; writes of the catalogue and of the history counters.

A suggestion is never applied by itself: a person decides (PIPL Art. 24). The forward or
assign event records what was suggested, by which rule, whether the registrar followed
it, and the registrar's reason when they did not (``record_choice``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone

from xinfang.cases.models import Category, Event, HotlineType, Matter, Topic
from xinfang.core.errors import UserError
from xinfang.org.models import Unit, User

from .models import RouteCount, RoutingRule

HISTORY_LIMIT = 3
OVERRIDE_LIMIT = 200


@dataclass(frozen=True)
class Reason:
    """One line of why a unit is suggested, in both languages."""

    zh: str
    en: str

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True)
class Suggestion:
    """A candidate lead unit (and assisting units), the rule that matched, and why.

    ``source`` is ``catalogue`` (a rule matched) or ``history`` (only the learned ranking
    speaks for it)."""

    lead: Unit
    assisting: tuple[Unit, ...]
    rule: RoutingRule | None
    source: str
    reasons: tuple[Reason, ...]
    dispatched: int = 0
    objected: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "lead": {"id": self.lead.pk, "name": self.lead.name},
            "assisting": [{"id": u.pk, "name": u.name} for u in self.assisting],
            "rule": self.rule.pk if self.rule else None,
            "basis": self.rule.basis if self.rule else "",
            "source": self.source,
            "reasons": [r.zh for r in self.reasons],
            "reasons_en": [r.en for r in self.reasons],
            "dispatched": self.dispatched,
            "objected": self.objected,
        }


# --- reading ----------------------------------------------------------------------------


def _day(at: date | datetime | None) -> date:
    if at is None:
        return timezone.localdate()
    if isinstance(at, datetime):
        return timezone.localdate(at) if timezone.is_aware(at) else at.date()
    return at


def topic_chain(topic: Topic) -> list[int]:
    """The topic and its parents, nearest first (a parent's rule covers its sub-topics)."""
    out = [topic.pk]
    parent_id = topic.parent_id
    while parent_id is not None and parent_id not in out:
        out.append(parent_id)
        parent_id = Topic.objects.filter(pk=parent_id).values_list("parent_id", flat=True).first()
    return out


def area_chain(area: Unit) -> list[int]:
    """The unit and the units above it, root first (a county's rule covers its townships)."""
    return [int(p) for p in area.path.strip("/").split("/") if p]


def matching_rules(
    *, topic: Topic, area: Unit, category: str = "", hotline_type: str = "", at: date
) -> list[RoutingRule]:
    """Active rules in force on ``at`` that cover the topic, area, category and hotline
    type, most specific first: deepest area, then nearest topic, then the rule naming more
    of category and hotline type, then the higher priority."""
    topics = topic_chain(topic)
    areas = area_chain(area)
    rules = list(
        RoutingRule.objects.filter(
            is_active=True,
            topic_id__in=topics,
            area_id__in=areas,
            effective_from__lte=at,
            category__in=["", category or ""],
            hotline_type__in=["", hotline_type or ""],
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gte=at))
        .select_related("topic", "area", "lead")
        .prefetch_related("assisting")
    )

    def key(r: RoutingRule) -> tuple[int, int, int, int, int]:
        return (-areas.index(r.area_id), topics.index(r.topic_id), -_named(r), -r.priority, r.pk)

    return sorted(rules, key=key)


def _named(r: RoutingRule) -> int:
    """How many of category and hotline type the rule names (more is more specific)."""
    return int(bool(r.category)) + int(bool(r.hotline_type))


def _why(best: RoutingRule, runner_up: RoutingRule | None, area: Unit, topic: Topic) -> Reason:
    if runner_up is None:
        return Reason("派单目录中唯一适用的规则", "The only catalogue rule that applies")
    if best.area_id != runner_up.area_id:
        return Reason(
            f"属地更具体：{best.area.name}的规则优先于{runner_up.area.name}的规则",
            f"More specific area: {best.area.name} before {runner_up.area.name}",
        )
    if best.topic_id != runner_up.topic_id:
        return Reason(
            f"问题类别更具体：“{best.topic.name}”优先于“{runner_up.topic.name}”",
            f"More specific topic: {best.topic.name} before {runner_up.topic.name}",
        )
    if _named(best) != _named(runner_up):
        return Reason(
            "规则同时限定了性质或工单类型，更具体",
            "The rule also names the category or work-order type",
        )
    return Reason(
        f"优先级更高（{best.priority} > {runner_up.priority}）",
        f"Higher priority ({best.priority} > {runner_up.priority})",
    )


def _rule_reason(r: RoutingRule, area: Unit) -> Reason:
    scope = "" if r.area_id == area.pk else "（含下级）"
    scope_en = "" if r.area_id == area.pk else " (and below)"
    extra = "".join(
        f"·{label}"
        for label in (
            str(Category(r.category).label) if r.category else "",
            str(HotlineType(r.hotline_type).label) if r.hotline_type else "",
        )
        if label
    )
    return Reason(
        f"派单目录：{r.topic.name}{extra} × {r.area.name}{scope} → 主办 {r.lead.name}；"
        f"依据：{r.basis}",
        f"Dispatch catalogue: {r.topic.name}{extra} × {r.area.name}{scope_en} → lead "
        f"{r.lead.name}; basis: {r.basis}",
    )


def _history_reason(n: int, objected: int) -> Reason:
    if objected == 0:
        return Reason(
            f"历史上同类事项 {n} 次转送至该单位、无异议",
            f"Matters of this topic and area were sent to this unit {n} times, no objection",
        )
    return Reason(
        f"历史上同类事项 {n} 次转送至该单位，其中 {objected} 次被提出异议",
        f"Matters of this topic and area were sent to this unit {n} times, "
        f"{objected} with an objection",
    )


def history(*, topic: Topic, area: Unit, limit: int = HISTORY_LIMIT) -> list[RouteCount]:
    """Units that matters of exactly this topic × area went to, most accepted first."""
    return list(
        RouteCount.objects.filter(topic=topic, area=area, dispatched__gt=0)
        .annotate(accepted=F("dispatched") - F("objected"))
        .filter(accepted__gt=0)
        .select_related("unit")
        .order_by("-accepted", "objected", "unit_id")[:limit]
    )


def suggest(
    *,
    topic: Topic | None,
    area: Unit | None,
    category: str = "",
    hotline_type: str = "",
    at: date | datetime | None = None,
) -> list[Suggestion]:
    """Ranked candidates: catalogue rules first (most specific area, then topic, then
    priority), then units only this deployment's history speaks for. A unit appears once;
    its history is an extra reason on its catalogue suggestion."""
    if topic is None or area is None:
        return []
    day = _day(at)
    rules = matching_rules(
        topic=topic, area=area, category=category, hotline_type=hotline_type, at=day
    )
    counts = {c.unit_id: c for c in history(topic=topic, area=area)}
    out: list[Suggestion] = []
    seen: set[int] = set()
    for i, r in enumerate(rules):
        if r.lead_id in seen:
            continue
        seen.add(r.lead_id)
        nxt = next((x for x in rules[i + 1 :] if x.lead_id != r.lead_id), None)
        reasons = [_rule_reason(r, area)]
        if not out:
            reasons.append(_why(r, nxt, area, topic))
        c = counts.get(r.lead_id)
        if c is not None:
            reasons.append(_history_reason(c.dispatched, c.objected))
        out.append(
            Suggestion(
                lead=r.lead,
                assisting=tuple(u for u in r.assisting.all() if u.pk != r.lead_id),
                rule=r,
                source="catalogue",
                reasons=tuple(reasons),
                dispatched=c.dispatched if c else 0,
                objected=c.objected if c else 0,
            )
        )
    for c in counts.values():
        if c.unit_id in seen:
            continue
        seen.add(c.unit_id)
        out.append(
            Suggestion(
                lead=c.unit,
                assisting=(),
                rule=None,
                source="history",
                reasons=(_history_reason(c.dispatched, c.objected),),
                dispatched=c.dispatched,
                objected=c.objected,
            )
        )
    return out


def suggest_for(matter: Matter, *, at: date | datetime | None = None) -> list[Suggestion]:
    return suggest(
        topic=matter.topic,
        area=matter.area,
        category=matter.category,
        hotline_type=matter.hotline_type,
        at=at,
    )


# --- the registrar's choice (called by the forward/assign effect) -----------------------


def record_choice(matter: Matter, lead: Unit, data: dict[str, Any], *, at: datetime) -> None:
    """Record in ``data`` (the event) what the catalogue suggested and whether the
    registrar followed it; a different lead needs a short reason. Counts the dispatch."""
    reason = str(data.pop("override_reason", "") or "").strip()
    cands = [s for s in suggest_for(matter, at=at) if s.source == "catalogue"]
    best = cands[0] if cands else None
    routing: dict[str, Any] = {"rule": None, "suggested": None, "followed": None}
    if best is not None and best.rule is not None:
        followed = best.lead.pk == lead.pk
        routing = {
            "rule": best.rule.pk,
            "suggested": best.lead.pk,
            "suggested_name": best.lead.name,
            "followed": followed,
        }
        if not followed:
            if not reason:
                raise UserError(
                    "override_reason",
                    f"所选单位不是派单目录建议的主办单位（{best.lead.name}），请简要说明理由",
                    f"The unit chosen is not the catalogue's lead ({best.lead.name}): "
                    "give a short reason",
                    field="override_reason",
                )
            if len(reason) > OVERRIDE_LIMIT:
                raise UserError(
                    "too_long",
                    f"理由过长（最多{OVERRIDE_LIMIT}字）",
                    "The reason is too long",
                    field="override_reason",
                )
            routing["override_reason"] = reason
    data["routing"] = routing
    count(matter, lead, dispatched=1)


def count(matter: Matter, unit: Unit | None, *, dispatched: int = 0, objected: int = 0) -> None:
    """Add to the history counters of ``matter``'s topic × area (inside the caller's
    transaction, so a refused action counts nothing)."""
    if matter.topic_id is None or matter.area_id is None or unit is None:
        return
    key = {"topic_id": matter.topic_id, "area_id": matter.area_id, "unit_id": unit.pk}
    change = {"dispatched": F("dispatched") + dispatched, "objected": F("objected") + objected}
    if RouteCount.objects.filter(**key).update(**change):
        return
    try:
        with transaction.atomic():
            RouteCount.objects.create(**key, dispatched=dispatched, objected=objected)
    except IntegrityError:  # created meanwhile by a concurrent dispatch
        RouteCount.objects.filter(**key).update(**change)


def rebuild_counts() -> int:
    """Recompute every counter from the event log (after an import or a restore)."""

    totals: dict[tuple[int, int, int], list[int]] = {}
    lead: dict[int, int] = {}
    events = (
        Event.objects.filter(action__in=["forward", "assign", "object", "reject_objection"])
        .filter(matter__topic__isnull=False, matter__area__isnull=False)
        .values_list("matter_id", "matter__topic_id", "matter__area_id", "action", "data")
        .order_by("matter_id", "seq")
    )
    for matter_id, topic_id, area_id, action, data in events.iterator(chunk_size=2000):
        if action in ("forward", "assign"):
            unit = int(data.get("unit") or 0)
            lead[matter_id] = unit
            totals.setdefault((topic_id, area_id, unit), [0, 0])[0] += 1
        elif action == "object" and lead.get(matter_id):
            totals.setdefault((topic_id, area_id, lead[matter_id]), [0, 0])[1] += 1
    with transaction.atomic():
        RouteCount.objects.all().delete()
        RouteCount.objects.bulk_create(
            [
                RouteCount(topic_id=t, area_id=a, unit_id=u, dispatched=d, objected=o)
                for (t, a, u), (d, o) in totals.items()
                if u
            ],
            batch_size=1000,
        )
    return len(totals)


# --- the catalogue ----------------------------------------------------------------------


def check_rule(
    *,
    rule_id: int | None,
    topic: Topic | None,
    area: Unit | None,
    category: str,
    hotline_type: str,
    lead: Unit | None,
    assisting: Iterable[Unit],
    effective_from: date | None,
    effective_to: date | None,
    basis: str,
    is_active: bool = True,
) -> None:
    """Refuse an invalid rule with a bilingual reason naming the field."""
    for value, name, zh, en in (
        (topic, "topic", "问题类别", "topic"),
        (area, "area", "属地", "area"),
        (lead, "lead", "主办单位", "lead unit"),
        (effective_from, "effective_from", "生效日期", "effective-from date"),
    ):
        if value is None:
            raise UserError("required", f"请填写{zh}", f"The {en} is required", field=name)
    if not (basis or "").strip():
        raise UserError(
            "required",
            "请填写法律依据或三定职责",
            "The legal basis or duty reference is required",
            field="basis",
        )
    assert effective_from is not None and lead is not None
    if effective_to is not None and effective_to < effective_from:
        raise UserError(
            "dates_reversed",
            "失效日期不能早于生效日期",
            "The end date is before the start date",
            field="effective_to",
        )
    if any(u.pk == lead.pk for u in assisting):
        raise UserError(
            "lead_in_assisting",
            f"主办单位（{lead.name}）不能同时列为协办单位",
            f"The lead unit ({lead.name}) cannot also be an assisting unit",
            field="assisting",
        )
    if category and category not in Category.values:
        raise UserError("bad_choice", "请选择性质", "Choose a valid category", field="category")
    if hotline_type and hotline_type not in HotlineType.values:
        raise UserError(
            "bad_choice", "请选择工单类型", "Choose a valid work-order type", field="hotline_type"
        )
    if not is_active:
        return
    same = RoutingRule.objects.filter(
        is_active=True, topic=topic, area=area, category=category, hotline_type=hotline_type
    )
    if rule_id is not None:
        same = same.exclude(pk=rule_id)
    # Two periods overlap unless one ends before the other starts.
    same = same.filter(Q(effective_to__isnull=True) | Q(effective_to__gte=effective_from))
    if effective_to is not None:
        same = same.filter(effective_from__lte=effective_to)
    clash = same.order_by("effective_from").first()
    if clash is not None:
        raise UserError(
            "overlap",
            f"与已有规则（#{clash.pk}，{clash.effective_from:%Y年%m月%d日}起）重复："
            "同一问题类别、属地、性质和工单类型的规则生效期间不能重叠",
            f"Overlaps rule #{clash.pk} (from {clash.effective_from.isoformat()}) with the "
            "same topic, area, category and work-order type",
            field="effective_from",
        )


def save_rule(*, rule: RoutingRule, assisting: Iterable[Unit], by: User | None) -> RoutingRule:
    """Validate and save a catalogue rule with its assisting units, in one transaction."""
    units = list(assisting)
    with transaction.atomic():
        check_rule(
            rule_id=rule.pk,
            topic=rule.topic if rule.topic_id else None,
            area=rule.area if rule.area_id else None,
            category=rule.category,
            hotline_type=rule.hotline_type,
            lead=rule.lead if rule.lead_id else None,
            assisting=units,
            effective_from=rule.effective_from,
            effective_to=rule.effective_to,
            basis=rule.basis,
            is_active=rule.is_active,
        )
        rule.basis = rule.basis.strip()
        rule.updated_by = by if by is not None and by.is_authenticated else None
        rule.save()
        rule.assisting.set(units)
    return rule
