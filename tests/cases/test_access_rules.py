"""The rules of ``cases.access`` said twice — in SQL for lists, in Python for one matter —
must say the same thing for every kind of user on every kind of matter: the read rule
(need-to-know, XFGZ Art. 30's accused unit), the identity rule (Art. 30; PIPL Art. 51), the
indexable restatements of the read rule, and acting only where one may see."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Category, Matter
from xinfang.org.models import Membership, Role, User

from ..factories import World, register

UNITS = ("city", "county", "office", "housing", "labour", "town", "town2", "village")
ROLES = tuple(Role.values)


def matters(w: World) -> list[Matter]:
    """One of each shape a matter takes for the rules."""
    out = [register(w, title="只登记未转送")]  # registered at the office, not yet routed
    m = register(w, title="转送乡镇")
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    out.append(transition(m, "accept", actor=w.handler))
    m = register(w, title="住建主办人社协办")
    out.append(
        transition(
            m,
            "forward",
            actor=w.registrar,
            data={"unit": w.housing.pk, "assisting": [w.labour.pk]},
        )
    )
    m = register(w, title="检举住建局", category=Category.REPORT)
    transition(m, "record_accused", actor=w.registrar, data={"unit": w.housing.pk})
    out.append(transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}))
    out.append(register(w, title="镇里自己登记", unit=w.town, by=w.registrar_town))
    out.append(register(w, title="登记为保密", confidential=True))
    m = register(w, title="保密并转送", confidential=True)
    out.append(transition(m, "forward", actor=w.registrar, data={"unit": w.labour.pk}))
    return [Matter.objects.select_related("registered_unit", "lead_unit").get(pk=x.pk) for x in out]


def agree(user: Any, ms: list[Matter]) -> None:
    seen = set(access.visible(user).values_list("pk", flat=True))
    named = set(
        access.restrict(Matter.objects.all(), user, "identity").values_list("pk", flat=True)
    )
    for m in ms:
        assert access.can_see(user, m) == (m.pk in seen), (user, m.title)
        assert access.can_see_identity(user, m) == (m.pk in named), (user, m.title)
        if getattr(user, "is_authenticated", False) and access.scopes_of(user, m):
            assert m.pk in seen, ("acts without seeing", user, m.title)
    if not getattr(user, "is_authenticated", False):
        return
    scope = access.staff_scope(user)
    assert set(access.narrowed(access.visible(user), scope).values_list("pk", flat=True)) == seen
    assert set(access.open_visible(user).values_list("pk", flat=True)) == set(
        access.visible(user).open().values_list("pk", flat=True)
    )


def test_every_user_of_the_world_and_a_stranger(world: World) -> None:
    ms = matters(world)
    for user in [*world.users.values(), AnonymousUser()]:
        agree(user, ms)
    # the cases the rules are about, said outright
    accused = next(m for m in ms if m.title == "检举住建局")
    assert not access.can_see(world.housing_handler, accused)
    assert not access.can_see(world.housing_leader, accused)
    assert access.can_see(world.handler, accused) and access.can_see_identity(
        world.handler, accused
    )
    assert access.can_see(world.supervisor, accused)
    assert not access.can_see_identity(world.supervisor, accused)


@pytest.fixture
def shapes(world: World) -> tuple[World, list[Matter]]:
    return world, matters(world)


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(st.lists(st.tuples(st.sampled_from(ROLES), st.sampled_from(UNITS)), min_size=1, max_size=4))
def test_any_mix_of_roles_and_units(shapes: tuple[World, list[Matter]], held: list) -> None:
    w, ms = shapes
    user = User.objects.create(username=f"u{User.objects.count()}")
    for role, unit in set(held):
        Membership.objects.create(user=user, unit=getattr(w, unit), role=role)
    try:
        agree(User.objects.get(pk=user.pk), ms)
    finally:
        Membership.objects.filter(user=user).delete()
        user.delete()
