"""``visible_to`` filters on the supervised subtrees' unit ids (or on nothing when a
subtree holds every unit); it must return exactly the rows of the rule as first written,
path prefixes and all, for every kind of user, and so must the reports built on it."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Exists, OuterRef, Q

from xinfang.bench import org
from xinfang.cases import access
from xinfang.cases.models import Matter, MatterUnit
from xinfang.org.models import Level, Role, Unit, UnitKind, User
from xinfang.reports import exports
from xinfang.reports.queries import Period

DAY = date(2026, 6, 30)


def reference_visible(user: Any) -> Any:
    """The need-to-know rule in its first form: an OR over path prefixes and EXISTS."""
    memberships = list(user.memberships.select_related("unit", "unit__oversees"))
    unit_ids = {m.unit_id for m in memberships if m.role not in (Role.ADMIN, Role.AUDITOR)}
    prefixes = {
        (m.unit.oversees or m.unit).path
        for m in memberships
        if m.role in (Role.SUPERVISOR, Role.LEADER)
    }
    if not unit_ids and not prefixes:
        return Matter.objects.none()
    handled = MatterUnit.objects.filter(matter=OuterRef("pk"), active=True)
    cond = Q(registered_unit_id__in=unit_ids) | Q(Exists(handled.filter(unit_id__in=unit_ids)))
    for p in prefixes:
        cond |= Q(registered_unit__path__startswith=p) | Q(
            Exists(handled.filter(unit__path__startswith=p))
        )
    qs = Matter.objects.filter(cond)
    return qs.exclude(accused_unit_id__in=unit_ids) if unit_ids else qs


def staff(dep: org.Deployment) -> list[User]:
    ids = {uids[0] for uids in dep.staff.values()}
    for o in dep.offices:
        ids.update(o.supervisors[:1])
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def ids(qs: Any) -> set[int]:
    return set(qs.values_list("pk", flat=True))


def test_visible_to_is_the_rule_for_every_user(dep) -> None:
    users = staff(dep)
    assert len(users) > 20
    for u in users:
        assert ids(access.visible(u)) == ids(reference_visible(u)), u.username
    nobody = User.objects.create(username="nobody")
    assert ids(access.visible(nobody)) == set()


def test_large_subtrees_go_to_the_database_as_a_subquery(dep, monkeypatch) -> None:
    monkeypatch.setattr(access, "SCOPE_ID_LIMIT", 3)
    wide = 0
    for u in staff(dep):
        scope = access.staff_scope(u)
        wide += scope.subtree is None
        assert ids(access.visible(u)) == ids(reference_visible(u)), u.username
    assert wide > 0


def test_only_a_subtree_holding_every_unit_is_everything(dep) -> None:
    province = next(o for o in dep.offices if o.unit.level == Level.PROVINCE)
    county = next(o for o in dep.offices if o.unit.level == Level.COUNTY and o.supervisors)
    top = access.staff_scope(User.objects.get(pk=province.supervisors[0]))
    assert top.everything
    assert top.units() == set(Unit.objects.values_list("pk", flat=True))
    low = access.staff_scope(User.objects.get(pk=county.supervisors[0]))
    assert not low.everything
    assert low.units() < set(Unit.objects.values_list("pk", flat=True))
    # A second root unit outside the province: the province is no longer everything.
    Unit.objects.create(name="另一省", kind=UnitKind.GOVERNMENT, level=Level.PROVINCE)
    assert not access.staff_scope(User.objects.get(pk=province.supervisors[0])).everything


def test_art_30_holds_for_a_supervisor_of_everything(dep) -> None:
    province = next(o for o in dep.offices if o.unit.level == Level.PROVINCE)
    sup = User.objects.get(pk=province.supervisors[0])
    m = Matter.objects.order_by("pk").first()
    assert m is not None
    Matter.objects.filter(pk=m.pk).update(accused_unit=province.unit)
    assert access.staff_scope(sup).everything
    assert m.pk not in ids(access.visible(sup))
    assert ids(access.visible(sup)) == ids(reference_visible(sup))


def test_reports_equal_the_rule_as_first_written(dep) -> None:
    p = Period(date(2025, 7, 1), date(2026, 7, 1))
    province = next(o for o in dep.offices if o.unit.level == Level.PROVINCE)
    county = next(o for o in dep.offices if o.unit.level == Level.COUNTY and o.supervisors)
    for pk in (province.supervisors[0], county.supervisors[0]):
        u = User.objects.get(pk=pk)
        got = exports.report_data(access.visible(u), p, DAY)
        want = exports.report_data(reference_visible(u), p, DAY)
        assert got == want, u.username
        assert got["summary"]["received"] > 0
