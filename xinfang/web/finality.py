"""Earlier matters of the petitioner being registered whose chain original → 复查 → 复核
ended in a final re-examination decision (XFGZ Art. 36 para 3), for the registration form
and the API's intake endpoints. Read-only.

The same matter with the same facts and reasons is not accepted again after such a
decision, but it is still registered and the petitioner is told in writing where the
existing matter stands (procedure.md §1): this only warns, and the registrar decides.

The petitioner is matched as the same-matter panel matches them (``search.similar``: the
blind indexes of the ID number and the phone, the same name in the intake's area). Only
matters ``access.visible`` the user whose identity the user may also see are named (XFGZ
Art. 30); the chain's finality is read as ``actions.effects._chain_final`` reads it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import F
from django.utils import timezone

from xinfang.cases.inputs import PetitionerIn
from xinfang.cases.models import Decision, Kind, Matter
from xinfang.search.similar import same_person_matters

ARTICLE = "信访工作条例第三十六条第三款"
LIMIT = 5  # chains shown at most
ORDER: dict[str, int] = {Kind.ORIGINAL: 0, Kind.REVIEW: 1, Kind.REEXAM: 2}


@dataclass(frozen=True)
class FinalMatter:
    """One chain with a final 复核 decision, as the registrar may see it."""

    matter: Matter  # the petitioner's earlier matter named: the chain's original if visible
    existing: str  # ``data["existing"]`` of ``not_accept`` (ground art36): that matter's number
    decision: str  # the 复核 decision (XFGZ Art. 32), a ``Decision`` value
    decided_on: date  # the day the 复核 opinion was approved
    organ: str  # the organ that decided the 复核
    reason: str  # why this is the same petitioner (bilingual, as the similar panel says it)

    @property
    def decision_label(self) -> str:
        return str(Decision(self.decision).label) if self.decision in Decision.values else ""


def final_matters(
    *,
    user: Any,
    petitioners: Sequence[PetitionerIn | dict[str, Any]],
    area: Any = None,
    exclude_id: int | None = None,
    limit: int = LIMIT,
) -> list[FinalMatter]:
    """Chains with a final 复核 decision that hold an earlier matter of one of
    ``petitioners`` which ``user`` may see, newest decision first.

    Reads a few indexed queries: the petitioner's candidates (``search.similar``), their
    visibility, their chains (the matters whose parent is a chain's original, and theirs)
    and the final decisions among them."""
    person = same_person_matters(user, petitioners, area, exclude_id=exclude_id)
    if not person:
        return []
    shown = {
        m.pk: m
        for m in Matter.objects.filter(pk__in=person)
        .annotate(grand=F("parent__parent_id"))
        .only("receipt_no", "title", "kind", "status", "received_at", "parent")
    }
    # a 复查's original is its parent, a 复核's its grandparent (XFGZ Arts. 35, 36)
    root_of = {pk: m.grand or m.parent_id or pk for pk, m in shown.items()}  # type: ignore[attr-defined]
    roots = set(root_of.values())
    chain = {r: r for r in roots}
    level1 = dict(Matter.objects.filter(parent_id__in=roots).values_list("pk", "parent_id"))
    chain.update(level1)
    if level1:
        chain.update(
            (pk, level1[parent])
            for pk, parent in Matter.objects.filter(parent_id__in=level1).values_list(
                "pk", "parent_id"
            )
        )
    decided: dict[int, Matter] = {}  # root → its final decision (the newest if several)
    for f in (
        Matter.objects.filter(pk__in=chain, final=True)
        .select_related("lead_unit", "registered_unit")
        .only(
            "decision",
            "answered_at",
            "registered_at",
            "lead_unit__name",
            "registered_unit__name",
        )
    ):
        root = chain[f.pk]
        if root not in decided or _at(f) > _at(decided[root]):
            decided[root] = f
    out = []
    for root, f in decided.items():
        members = [m for pk, m in shown.items() if root_of[pk] == root]
        named = min(members, key=lambda m: (ORDER.get(m.kind, 3), m.pk))
        organ = f.lead_unit or f.registered_unit
        out.append(
            FinalMatter(
                matter=named,
                existing=named.receipt_no,
                decision=f.decision,
                decided_on=timezone.localdate(_at(f)),
                organ=organ.name,
                reason=person[named.pk][0],
            )
        )
    out.sort(key=lambda x: (x.decided_on, x.matter.pk), reverse=True)
    return out[:limit]


def _at(m: Matter) -> Any:
    return m.answered_at or m.registered_at


def default_reason(f: FinalMatter) -> str:
    """The explanation proposed for the not-accepted notice (the registrar may edit it)."""
    on = f"{f.decided_on.year}年{f.decided_on.month}月{f.decided_on.day}日"
    decision = f"复核意见为“{f.decision_label}”" if f.decision_label else "已作出复核意见"
    return (
        f"信访人就同一事实和理由再次提出。该事项（受理编号{f.matter.receipt_no}）已由"
        f"{f.organ}于{on}复核终结，{decision}。依据《信访工作条例》第三十六条第三款，"
        "不再受理。"
    )
