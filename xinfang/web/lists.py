"""Staff lists in a shape the databases answer from indexes.

``Matter.objects.visible_to(user)`` is the rule; its ``OR … EXISTS`` form makes both SQLite
and PostgreSQL read every matter of the table to decide. ``open_visible`` keeps the rule
and adds the same condition restated as branches that each match an index — a unit's open
matters as lead (``matter_lead_status_due``), as registering organ
(``matter_reg_status_due``) and as assisting unit (``matterunit_unit_role``) — so a queue
or an overdue list costs what the unit has open, not what the deployment has ever had.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from xinfang.cases.models import (
    NOT_OPEN,
    Matter,
    MatterQuerySet,
    StaffScope,
    Status,
    narrowed,
    staff_scope,
)


def scope_units(user: Any, scope: StaffScope | None = None) -> set[int]:
    """The units whose matters ``visible_to`` shows ``user``: their own units, and the
    subtree a supervisor or leader supervises."""
    return (scope or staff_scope(user)).units()


def open_visible(user: Any, *, overdue_on: date | None = None) -> MatterQuerySet:
    """``visible_to(user).open()`` (with ``overdue_on``: ``.overdue(overdue_on)``), narrowed
    by an equivalent indexable condition (``cases.models.narrowed``) within the open
    statuses and, for the overdue, the deadline range (the third column of both unit
    indexes: a range, not a filter)."""
    scope = staff_scope(user)
    qs = Matter.objects.visible_to(user, scope).open()
    if overdue_on is not None:
        qs = qs.overdue(overdue_on)
    if scope.empty:
        return qs
    live = [s for s in Status.values if s not in NOT_OPEN]
    if scope.everything:
        # Every matter is inside the scope: the (status, current_due) index answers it.
        return qs.filter(status__in=live)
    within: dict[str, Any] = {"status__in": live}
    if overdue_on is not None:
        within["current_due__lt"] = overdue_on
    return narrowed(qs, scope, **within)
