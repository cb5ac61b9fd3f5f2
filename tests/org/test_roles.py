from __future__ import annotations

from xinfang.audit.models import AccessLog
from xinfang.org.models import Role
from xinfang.org.services import grant_role, revoke_role

from ..factories import World


def test_admin_role_gives_admin_site_and_is_audited(world: World) -> None:
    u = world.handler
    assert not u.is_staff
    grant_role(user=u, unit=world.county, role=Role.ADMIN, by=world.admin)
    u.refresh_from_db()
    assert u.is_staff
    revoke_role(user=u, unit=world.county, role=Role.ADMIN, by=world.admin)
    u.refresh_from_db()
    assert not u.is_staff
    assert list(AccessLog.objects.values_list("what", "user__username")) == [
        ("grant_role", "admin"),
        ("revoke_role", "admin"),
    ]


def test_unit_paths_follow_moves(world: World) -> None:
    v = world.village
    assert v.path == f"{world.town.path}{v.pk}/"
    world.town.parent = world.city
    world.town.save()
    v.refresh_from_db()
    assert v.path == f"{world.city.path}{world.town.pk}/{v.pk}/"
