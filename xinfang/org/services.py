"""Granting and revoking roles. Every change is written to the access log (audit)."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from .models import Membership, Role, Unit, User


def sync_staff_flag(user: User) -> None:
    """Django's admin site needs ``is_staff``: it follows the administrator role."""
    should = user.is_superuser or user.memberships.filter(role=Role.ADMIN).exists()
    if user.is_staff != should:
        user.is_staff = should
        user.save(update_fields=["is_staff"])


def grant_role(*, user: User, unit: Unit, role: str, by: Any, request: Any = None) -> Membership:
    from xinfang.audit.services import log_access

    with transaction.atomic():
        m, _ = Membership.objects.get_or_create(user=user, unit=unit, role=role)
        sync_staff_flag(user)
        log_access(
            user=by, what="grant_role", request=request, detail=f"{user.username} +{role}@{unit.pk}"
        )
    return m


def revoke_role(*, user: User, unit: Unit, role: str, by: Any, request: Any = None) -> None:
    from xinfang.audit.services import log_access

    with transaction.atomic():
        Membership.objects.filter(user=user, unit=unit, role=role).delete()
        sync_staff_flag(user)
        log_access(
            user=by,
            what="revoke_role",
            request=request,
            detail=f"{user.username} -{role}@{unit.pk}",
        )
