"""What an effect receives and returns (the engine is ``workflow.transition``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from xinfang.cases.models import Event, Matter, Status
from xinfang.org.models import User


@dataclass
class Ctx:
    actor: User | None
    at: datetime
    by_citizen: bool
    today: date
    # Answers of guards' queries within one call (``allowed_actions`` asks every rule).
    memo: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass(frozen=True)
class Then:
    """A transition the engine runs after this one's event, in the same transaction, as the
    system on behalf of the same actor: the other side of a link, merge or split."""

    matter_id: int
    action: str
    data: dict[str, Any] = field(default_factory=dict)
    reason: str = ""


@dataclass
class Outcome:
    """What an effect asks of the engine besides the rule's own target status."""

    status: str | None = None  # instead of the rule's target
    # Same-transaction work that needs the event written and the row saved.
    after: Callable[[Matter, Event], None] | None = None
    then: list[Then] = field(default_factory=list)


Effect = Callable[[Matter, dict[str, Any], Ctx], Outcome | None]


# The statuses a matter may be merged into (并单) from.
MAIN_SOURCES = (
    Status.REGISTERED,
    Status.DISPATCHED,
    Status.OBJECTED,
    Status.HANDLING,
    Status.OPINION_PENDING,
)
# The main matter's public actions that its merged matters receive as ``relay`` events.
RELAYED = frozenset(
    {
        "forward",
        "assign",
        "accept",
        "accept_direct",
        "set_units",
        "record_hearing",
        "pause",
        "resume",
        "approve_extension",
        "approve_opinion",
        "record_execution",
        "conclude",
        "redirect",
        "emergency_transfer",
    }
)
