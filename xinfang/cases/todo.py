"""What waits for a user's action (待办), grouped by the action, with counts.

Each group names the step of the procedure it stands for and the roles the transition
table lets take it, in the units where the user holds them: the registering organ routes,
decides objections and answers new online submissions; the lead unit's handlers accept,
handle and reply to a 督办; its leaders sign opinions and decide extensions. A matter the
user may see but whose next step is someone else's is not in the list (it stays under
"本单位在办" and in search).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from xinfang.org.models import Role, memberships_with_units, prefetch_memberships

from . import access
from .models import NOT_OPEN, Channel, Kind, Matter, MatterQuerySet, Status

OFFICE = (Role.REGISTRAR, Role.SUPERVISOR)
HANDLE = (Role.HANDLER,)
LEAD = (Role.HANDLER, Role.LEADER)  # a 督办 escalates from the handlers to the leaders
SIGN = (Role.LEADER,)


@dataclass(frozen=True)
class Group:
    key: str
    label: Any  # lazily translated
    roles: tuple[str, ...]
    field: str  # the matter's unit that must be one of the user's units with those roles
    where: Q | Callable[[], Q]  # a callable for a condition on today's date

    def condition(self) -> Q:
        return self.where() if callable(self.where) else self.where


GROUPS = (
    Group(
        "online",
        _("新网上信访"),
        OFFICE,
        "registered_unit_id",
        Q(status=Status.REGISTERED, kind=Kind.ORIGINAL, channel=Channel.ONLINE),
    ),
    Group(
        "route",
        _("待转送交办"),
        OFFICE,
        "registered_unit_id",
        Q(status=Status.REGISTERED, kind=Kind.ORIGINAL) & ~Q(channel=Channel.ONLINE),
    ),
    Group("objection", _("待处理异议"), OFFICE, "registered_unit_id", Q(status=Status.OBJECTED)),
    Group("accept", _("待受理"), HANDLE, "lead_unit_id", Q(status=Status.DISPATCHED)),
    Group(
        "review",
        _("待受理复查复核"),
        OFFICE,
        "registered_unit_id",
        Q(status=Status.REGISTERED) & ~Q(kind=Kind.ORIGINAL),
    ),
    Group("approve", _("待审批意见"), SIGN, "lead_unit_id", Q(status=Status.OPINION_PENDING)),
    Group(
        "extension",
        _("待批延期"),
        SIGN,
        "lead_unit_id",
        Q(status=Status.HANDLING, extension_state="requested"),
    ),
    Group(
        "supervision",
        _("待回复督办"),
        LEAD,
        "lead_unit_id",
        Q(supervision_due__isnull=False) & ~Q(status__in=NOT_OPEN),
    ),
    Group(
        "press",
        _("超期待督办"),
        (Role.SUPERVISOR,),
        "registered_unit_id",
        # past a deadline and no 督办 running yet: where the office presses (XFGZ Art. 40)
        lambda: (
            Q(current_due__lt=timezone.localdate(), supervision_due__isnull=True)
            & ~Q(status__in=NOT_OPEN)
        ),
    ),
    Group("handle", _("办理中"), HANDLE, "lead_unit_id", Q(status=Status.HANDLING)),
    Group("conclude", _("待办结"), HANDLE, "lead_unit_id", Q(status=Status.ANSWERED)),
)
BY_KEY = {g.key: g for g in GROUPS}


def _units(user: Any, roles: tuple[str, ...]) -> list[int]:
    return sorted({m.unit_id for m in memberships_with_units(user) if m.role in roles})


def condition(user: Any, key: str | None = None) -> Q | None:
    """The condition of group ``key`` for ``user`` (every group's when ``key`` is None), or
    None when the user holds none of its roles anywhere."""
    out: Q | None = None
    for g in [BY_KEY[key]] if key else GROUPS:
        units = _units(user, g.roles)
        if units:
            q = g.condition() & Q(**{f"{g.field}__in": units})
            out = q if out is None else out | q
    return out


def waiting(user: Any, key: str | None = None) -> MatterQuerySet:
    """The open matters waiting for ``user`` (in group ``key``, or in any). Each group asks
    for matters registered or led in the user's own units, which the read rule lets them
    see but for a report accusing one of those units (XFGZ Art. 30), excluded here; so the
    groups are read from the unit indexes, not through the whole visible set."""
    q = condition(user, key)
    if q is None:
        return Matter.objects.none()
    own = [m.unit_id for m in memberships_with_units(user) if m.role not in access.OUTSIDE]
    return Matter.objects.filter(q).exclude(accused_unit_id__in=own)


def counts(user: Any) -> tuple[list[tuple[Group, int]], int]:
    """Every group the user's roles give them with how many matters wait in it, and how many
    wait in any (a matter can be in two groups), in one query over the matters in any
    group (each group's condition an index range)."""
    if not getattr(user, "is_authenticated", False):
        return [], 0
    prefetch_memberships(user)
    mine = [(g, q) for g in GROUPS if (q := condition(user, g.key)) is not None]
    if not mine:
        return [], 0
    found = waiting(user).aggregate(
        _all=Count("pk"), **{g.key: Count("pk", filter=q) for g, q in mine}
    )
    return [(g, found[g.key]) for g, _q in mine], found["_all"]
