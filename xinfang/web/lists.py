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
    MatterUnit,
    StaffScope,
    Status,
    staff_scope,
)


def scope_units(user: Any, scope: StaffScope | None = None) -> set[int]:
    """The units whose matters ``visible_to`` shows ``user``: their own units, and the
    subtree a supervisor or leader supervises."""
    return (scope or staff_scope(user)).units()


def open_visible(user: Any, *, overdue_on: date | None = None) -> MatterQuerySet:
    """``visible_to(user).open()`` (with ``overdue_on``: ``.overdue(overdue_on)``), narrowed
    by an equivalent indexable condition (the lead unit is always the active lead
    ``MatterUnit``, ``effects._set_units``)."""
    scope = staff_scope(user)
    qs = Matter.objects.visible_to(user, scope).open()
    if overdue_on is not None:
        qs = qs.overdue(overdue_on)
    if scope.empty:
        return qs
    live = [s for s in Status.values if s not in NOT_OPEN]
    open_ = Matter.objects.filter(status__in=live)
    if overdue_on is not None:
        # The deadline is the third column of both unit indexes: a range, not a filter.
        open_ = open_.filter(current_due__lt=overdue_on)
    if scope.everything:
        # Every matter is inside the scope: the (status, current_due) index answers it.
        return qs.filter(status__in=live)
    units = scope.units()
    # The assisting arm starts from the unit's assignments and joins each to its matter:
    # as ``pk IN (assignments)`` PostgreSQL read every open matter near a deadline
    # (47 k rows, 40 k pages at 1 M) to keep 113 of them.
    assisting = MatterUnit.objects.filter(
        unit_id__in=units,
        role=MatterUnit.ASSIST,
        active=True,
        matter__status__in=live,
        **({"matter__current_due__lt": overdue_on} if overdue_on is not None else {}),
    ).values("matter_id")
    # A UNION of three index scans: an OR of them would make PostgreSQL give up the
    # indexes (the subquery arm cannot be a bitmap) and read every open matter.
    ids = (
        open_.filter(lead_unit_id__in=units)
        .values("pk")
        .union(open_.filter(registered_unit_id__in=units).values("pk"), assisting)
    )
    return qs.filter(pk__in=ids)
