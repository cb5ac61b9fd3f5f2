"""Who may see what, and who may act: the one place the rules are written.

- **The read rule** (need-to-know, scope.md principle 4): a user sees a matter when one of
  their units registered it or handles it (lead or assisting), or when it was registered
  or is handled inside a subtree they supervise (a supervisor's or leader's own unit, or
  the unit its office ``oversees``); never a report that accuses one of their units
  (XFGZ Art. 30). ``restrict(qs, user)`` in SQL, ``can_see(user, matter)`` in Python;
  ``narrowed`` and ``open_visible`` restate it as conditions the indexes answer.
- **The identity rule** (XFGZ Art. 30; PIPL Art. 51): on a confidential matter (every
  检举控告, and any matter registered as confidential) only the registering organ's
  registrars and leaders and the lead unit's handlers and leaders see who wrote, and never
  a member of the accused unit; everyone else sees the petitioners masked.
  ``restrict(qs, user, "identity")`` and ``can_see_identity(user, matter)``.
- **Acting scopes**: ``scopes_of(user, matter)`` as ``role@scope`` strings, which the
  transition table's ``who`` column names (``registrar@registering``, ``handler@lead``,
  ``supervisor@supervising`` …).
- **Page gates**: ``may(user, page)``, the roles that reach each staff page.

``tests/cases/test_access_rules.py`` checks that the Python and SQL forms agree for every
kind of user on every kind of matter.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, TypeVar

from django.contrib.auth.base_user import AbstractBaseUser
from django.contrib.auth.models import AnonymousUser
from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery, Value

from xinfang.org.models import Membership, Role, Unit, memberships_with_units

from .models import NOT_OPEN, Matter, MatterQuerySet, MatterUnit, Status

# Above this many units the subtree is passed to the database as a subquery, not a list
# of ids (a province of village committees would exceed a statement's parameters).
SCOPE_ID_LIMIT = 2000


@dataclass(frozen=True)
class StaffScope:
    """The units behind a user's need-to-know (scope.md principle 4).

    ``own``: the units the user works in (any role but administrator and auditor);
    ``supervised``: the path prefixes of the subtrees they supervise (a supervisor's or
    leader's own unit, or the unit its office ``oversees``); ``subtree``: those subtrees'
    unit ids, or ``None`` when there are more than ``SCOPE_ID_LIMIT``; ``everything``: the
    subtrees hold every unit of the deployment, so every matter (each has a registering
    unit) is inside them.
    """

    own: frozenset[int]
    supervised: frozenset[str]
    subtree: frozenset[int] | None
    everything: bool

    @property
    def empty(self) -> bool:
        return not self.own and not self.supervised

    def units(self) -> set[int]:
        """Every unit whose matters the scope covers (own units and the subtrees)."""
        if self.subtree is not None:
            return set(self.own | self.subtree)
        return set(self.own) | set(
            Unit.objects.filter(self.subtree_q()).values_list("pk", flat=True)
        )

    def subtree_q(self) -> Q:
        q = Q()
        for p in sorted(self.supervised):
            q |= Q(path__startswith=p)
        return q


def staff_scope(user: Any) -> StaffScope:
    """``user``'s scope in two queries at most (memberships; the subtrees' units)."""
    if not getattr(user, "is_authenticated", False):
        return StaffScope(frozenset(), frozenset(), frozenset(), False)
    memberships = memberships_with_units(user)
    own = frozenset(m.unit_id for m in memberships if m.role not in OUTSIDE)
    prefixes = frozenset(
        (m.unit.oversees or m.unit).path
        for m in memberships
        if m.role in (Role.SUPERVISOR, Role.LEADER)
    )
    if not prefixes:
        return StaffScope(own, prefixes, frozenset(), False)
    q = Q()
    for p in sorted(prefixes):
        q |= Q(path__startswith=p)
    ids = frozenset(Unit.objects.filter(q).values_list("pk", flat=True))
    # Only a subtree from a root can hold every unit; then one count says whether it does.
    from_root = any(p.count("/") == 2 for p in prefixes)
    everything = from_root and len(ids) == Unit.objects.count()
    return StaffScope(own, prefixes, ids if len(ids) <= SCOPE_ID_LIMIT else None, everything)


# Roles that work on the deployment, not on its matters: they give no need-to-know.
OUTSIDE = (Role.ADMIN, Role.AUDITOR)

MQ = TypeVar("MQ", bound="QuerySet[Matter]")


def narrowed(qs: MQ, scope: StaffScope, *, outside: bool = False, **within: Any) -> MQ:
    """``qs`` (``restrict``-ed for ``scope``) narrowed by an equivalent indexable condition:
    the union of the matters led, registered or assisted in the scope's units
    (``outside``: those led or assisted in it that were registered elsewhere; ``within``:
    field lookups they also meet, e.g. ``status__in``), three index scans. The lead unit
    is always the active lead ``MatterUnit`` (``records.set_units``). An OR of the arms
    would make PostgreSQL give up the indexes and read every matter; without it a county's
    figures tested every matter of the period against the scope. The assisting arm starts
    from the units' assignments and tests each one's matter against ``within`` by its key,
    in a scalar subquery that PostgreSQL cannot turn into a join. As ``pk IN
    (assignments)``, and as a join whenever a sample of the statistics put fewer matters
    past their deadline than there were, PostgreSQL could read every open matter past or
    near a deadline instead of the unit's few."""
    if scope.everything and outside:
        return qs.none()  # every unit is in the scope
    if scope.empty or scope.everything:
        return qs
    units = sorted(scope.units())
    base = Matter.objects.filter(**within)
    assigned = MatterUnit.objects.filter(unit_id__in=units, role=MatterUnit.ASSIST, active=True)
    if within:
        meets = base.filter(pk=OuterRef("matter_id")).values(one=Value(1))[:1]
        assigned = assigned.annotate(meets=Subquery(meets)).filter(meets=1)
    led = base.filter(lead_unit_id__in=units)
    if outside:
        # tested in the ``matter_lead_reg`` index: otherwise every matter a county leads
        # was read from the table to keep the few registered elsewhere (or PostgreSQL
        # chose to read the whole table)
        led = led.exclude(registered_unit_id__in=units)
        qs = qs.exclude(registered_unit_id__in=units)
    arms = [] if outside else [base.filter(registered_unit_id__in=units).values("pk")]
    ids = led.values("pk").union(*arms, assigned.values("matter_id"))
    return qs.filter(pk__in=ids)


# --- the read rule ----------------------------------------------------------------------


def restrict(
    qs: MQ,
    user: AbstractBaseUser | AnonymousUser,
    action: Literal["view", "identity"] = "view",
    *,
    scope: StaffScope | None = None,
) -> MQ:
    """``qs`` cut to the matters ``user`` may see (``view``), or to those whose petitioners
    they may see (``identity``: combine it with ``view``, it does not imply it). ``scope``
    is ``staff_scope(user)`` when the caller has it already."""
    if action == "identity":
        return qs.filter(_identity_q(user))
    if not getattr(user, "is_authenticated", False):
        return qs.none()
    scope = scope or staff_scope(user)
    if scope.empty:
        return qs.none()
    if not scope.everything:
        units: Any = set(scope.own)
        if scope.subtree is not None:
            units |= scope.subtree
        else:
            units = Unit.objects.filter(Q(pk__in=sorted(scope.own)) | scope.subtree_q()).values(
                "pk"
            )
        handled = MatterUnit.objects.filter(matter=OuterRef("pk"), active=True)
        # The lead unit is always the active lead MatterUnit (records.set_units): said as a
        # column, a queue's rows are decided without a subquery each.
        qs = qs.filter(
            Q(registered_unit_id__in=units)
            | Q(lead_unit_id__in=units)
            | Q(Exists(handled.filter(unit_id__in=units)))
        )
    # XFGZ Art. 30: a report never reaches the unit it accuses.
    return qs.exclude(accused_unit_id__in=scope.own) if scope.own else qs


def visible(user: Any, scope: StaffScope | None = None) -> MatterQuerySet:
    """Every matter ``user`` may see: where every staff list, page and endpoint starts."""
    return restrict(Matter.objects.all(), user, scope=scope)


def can_see(user: Any, matter: Matter) -> bool:
    """The read rule for one matter, in Python: the units by their paths, not by ids."""
    if not getattr(user, "is_authenticated", False):
        return False
    ms = memberships_with_units(user)
    own = {m.unit_id for m in ms if m.role not in OUTSIDE}
    if matter.accused_unit_id in own:
        return False
    roots = [(m.unit.oversees or m.unit).path for m in ms if m.role in SUPERVISING]
    handling = set(
        MatterUnit.objects.filter(matter=matter, active=True).values_list("unit_id", "unit__path")
    )
    places: set[tuple[int, str]] = {(matter.registered_unit.pk, matter.registered_unit.path)}
    places |= handling
    if matter.lead_unit is not None:
        places.add((matter.lead_unit.pk, matter.lead_unit.path))
    return any(u in own or any(p.startswith(r) for r in roots) for u, p in places)


def own_units_only(qs: MQ, user: Any) -> MQ:
    """``qs`` cut to the matters of the user's own units — registered, led or assisted
    there — without the subtrees they supervise (the queue's "本单位" filter)."""
    units = [ms.unit_id for ms in user.memberships.all() if ms.role not in OUTSIDE]
    handling = MatterUnit.objects.filter(unit_id__in=units, active=True).values("matter_id")
    return qs.filter(
        Q(lead_unit_id__in=units) | Q(registered_unit_id__in=units) | Q(pk__in=handling)
    )


def scope_units(user: Any, scope: StaffScope | None = None) -> set[int]:
    """The units whose matters ``user`` sees: their own units, and the subtrees a
    supervisor or leader supervises."""
    return (scope or staff_scope(user)).units()


def open_visible(user: Any, *, overdue_on: Any = None) -> MatterQuerySet:
    """``visible(user).open()`` (with ``overdue_on``: ``.overdue(overdue_on)``), narrowed by
    an equivalent indexable condition (``narrowed``) within the open statuses and, for the
    overdue, the deadline range (the third column of both unit indexes: a range, not a
    filter). A unit's queue or overdue list costs what the unit has open, not what the
    deployment has ever had."""
    scope = staff_scope(user)
    qs = visible(user, scope).open()
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


# --- the identity rule ------------------------------------------------------------------

# Who sees a confidential matter's petitioners: by the role they hold in which unit.
IDENTITY_AT_REGISTERING = (Role.REGISTRAR, Role.LEADER)
IDENTITY_AT_LEAD = (Role.HANDLER, Role.LEADER)


def _identity_q(user: Any) -> Q:
    ms = list(user.memberships.all()) if getattr(user, "is_authenticated", False) else []
    reg = [m.unit_id for m in ms if m.role in IDENTITY_AT_REGISTERING]
    lead = [m.unit_id for m in ms if m.role in IDENTITY_AT_LEAD]
    mine = [m.unit_id for m in ms]
    entitled = (Q(registered_unit_id__in=reg) | Q(lead_unit_id__in=lead)) & ~Q(
        accused_unit_id__in=mine
    )
    return Q(confidential=False) | entitled


def can_see_identity(user: Any, matter: Matter) -> bool:
    """The identity rule for one matter, in Python."""
    if not matter.confidential:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    ms = list(user.memberships.all())
    if any(m.unit_id == matter.accused_unit_id for m in ms):
        return False
    return any(
        (m.unit_id == matter.registered_unit_id and m.role in IDENTITY_AT_REGISTERING)
        or (m.unit_id == matter.lead_unit_id and m.role in IDENTITY_AT_LEAD)
        for m in ms
    )


# --- acting scopes ----------------------------------------------------------------------

SUPERVISING = (Role.SUPERVISOR, Role.LEADER)


def scopes_of(user: Any, matter: Matter, handling: set[int] | None = None) -> set[str]:
    """The "role@scope" strings ``user`` holds for ``matter``. ``handling``: the matter's
    active handling units when the caller knows them (none, just registered)."""
    if user is None or not user.is_authenticated:
        return set()
    if handling is None:
        handling = set(
            MatterUnit.objects.filter(matter=matter, active=True).values_list("unit_id", flat=True)
        )
    lead_path = matter.lead_unit.path if matter.lead_unit else ""
    reg_path = matter.registered_unit.path
    ms = memberships_with_units(user)
    if any(m.unit_id == matter.accused_unit_id and m.role not in OUTSIDE for m in ms):
        return set()  # XFGZ Art. 30: whoever works in the accused unit never acts on it
    out: set[str] = set()
    for m in ms:
        if m.role in OUTSIDE:
            continue
        if m.unit_id == matter.registered_unit_id:
            out.add(f"{m.role}@registering")
        if m.unit_id == matter.lead_unit_id:
            out.add(f"{m.role}@lead")
            out.add(f"{m.role}@handling")
        if m.unit_id in handling:
            out.add(f"{m.role}@handling")
        if m.role == Role.LEADER and matter.lead_leader_id == user.pk:
            out.add("leader@appointed")  # 包案: the leader in charge of this matter
        if m.role in SUPERVISING:
            root = (m.unit.oversees or m.unit).path
            if (lead_path and lead_path.startswith(root) and m.unit_id != matter.lead_unit_id) or (
                reg_path.startswith(root) and m.unit_id != matter.registered_unit_id
            ):
                out.add(f"{m.role}@supervising")
    return out


def seen_by_unit(target: Matter, unit: Unit) -> bool:
    """Whether staff of ``unit`` (or its supervisors and leaders) could see ``target``: it
    is registered or handled inside ``unit``'s subtree (or the subtree it oversees)."""
    handling = MatterUnit.objects.filter(matter=target, active=True)
    paths = [target.registered_unit.path, *handling.values_list("unit__path", flat=True)]
    roots = [unit.path] + ([unit.oversees.path] if unit.oversees is not None else [])
    return any(p.startswith(r) for p in paths for r in roots)


# --- page gates -------------------------------------------------------------------------

# The roles that reach each staff page (the menu shows the ones a user may open).
PAGES: dict[str, frozenset[str]] = {
    "register": frozenset({Role.REGISTRAR}),  # registration, also through the API
    "route": frozenset({Role.REGISTRAR, Role.SUPERVISOR}),  # routing suggestions
    "desk": frozenset({Role.REGISTRAR, Role.SUPERVISOR}),  # return visits, 回头看 checks
    "reports": frozenset({Role.SUPERVISOR, Role.LEADER, Role.AUDITOR}),
    "hotspots": frozenset({Role.SUPERVISOR, Role.LEADER}),
    "charges": frozenset({Role.LEADER}),  # 我的包案
    "audit": frozenset({Role.AUDITOR}),
    "admin": frozenset({Role.ADMIN}),
    "matters": frozenset({Role.REGISTRAR, Role.HANDLER, Role.SUPERVISOR, Role.LEADER}),
    # the office's duty roster and logs (值班); who is on duty is the roster's (reception.duty)
    "duty": frozenset({Role.REGISTRAR, Role.SUPERVISOR, Role.LEADER}),
    # reception days and their bookings (领导接访日); whose days: reception.services
    "reception": frozenset({Role.REGISTRAR, Role.SUPERVISOR, Role.LEADER}),
}


def roles(user: Any) -> frozenset[str]:
    """The roles ``user`` holds anywhere, read once per user object (one request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    held = getattr(user, "_roles_held", None)
    if held is None:
        held = frozenset(m.role for m in user.memberships.all())
        user._roles_held = held
    return held


def may(user: Any, page: str) -> bool:
    """Whether ``user`` may open the staff page ``page`` (a key of ``PAGES``)."""
    if page == "admin" and (
        getattr(user, "is_superuser", False) or getattr(user, "is_staff", False)
    ):
        return True
    return bool(roles(user) & PAGES[page])


def units_for(user: Any, page: str) -> list[int]:
    """The units in which ``user`` holds a role that opens ``page``."""
    return sorted(
        m.unit_id for m in Membership.objects.filter(user=user, role__in=sorted(PAGES[page]))
    )
