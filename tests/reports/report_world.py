"""A small county whose matters fall in known months, for the report filters and
comparisons: built through the real services, at fixed past dates."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from xinfang.actions.workflow import transition
from xinfang.cases.models import Channel, Matter, Topic
from xinfang.deadlines.clock import TZ
from xinfang.org.models import Unit

from ..factories import World, answered, register

UNASSIGNED = "未交办（尚无承办单位）"


def at(y: int, m: int, d: int, h: int = 10) -> datetime:
    return datetime(y, m, d, h, tzinfo=TZ)


def forwarded(w: World, when: datetime, unit: Unit, **kw: Any) -> Matter:
    m = register(w, at=when, **kw)
    return transition(m, "forward", actor=w.registrar, data={"unit": unit.pk}, at=when)


def build(w: World) -> dict[str, list[Matter]]:
    """2024-11: five letters forwarded to the town. 2025-10: two forwarded to the town.
    2025-11: three for the town (one answered on time), one collective visit on labour
    matters for the second town, and one registered and not yet forwarded."""
    labour, _ = Topic.objects.get_or_create(code="LD", defaults={"name": "劳动社保"})
    out: dict[str, list[Matter]] = {
        "2024-11": [forwarded(w, at(2024, 11, 3 + i), w.town) for i in range(5)],
        "2025-10": [forwarded(w, at(2025, 10, 8 + i), w.town) for i in range(2)],
    }
    nov = [
        forwarded(w, at(2025, 11, 3), w.town),
        forwarded(w, at(2025, 11, 4), w.town),
        answered(w, at=at(2025, 11, 5)),
        forwarded(
            w,
            at(2025, 11, 6),
            w.town2,
            channel=Channel.VISIT,
            topic=labour,
            area=w.town2,
            is_collective=True,
            headcount=12,
            petitioners=[{"name": "甲", "is_representative": True}],
        ),
        register(w, at=at(2025, 11, 20)),
    ]
    out["2025-11"] = nov
    return out
