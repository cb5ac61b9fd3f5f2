"""Accounts: roles, password and two-factor resets. Every change is written to the access
log (audit)."""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction

from xinfang.audit.services import log_access
from xinfang.core.errors import UserError

from .auth import unlock
from .models import Membership, Role, Unit, User


def sync_staff_flag(user: User) -> None:
    """Django's admin site needs ``is_staff``: it follows the administrator role."""
    should = user.is_superuser or user.memberships.filter(role=Role.ADMIN).exists()
    if user.is_staff != should:
        user.is_staff = should
        user.save(update_fields=["is_staff"])


def grant_role(*, user: User, unit: Unit, role: str, by: Any, request: Any = None) -> Membership:

    with transaction.atomic():
        m, _ = Membership.objects.get_or_create(user=user, unit=unit, role=role)
        sync_staff_flag(user)
        log_access(
            user=by, what="grant_role", request=request, detail=f"{user.username} +{role}@{unit.pk}"
        )
    return m


def revoke_role(*, user: User, unit: Unit, role: str, by: Any, request: Any = None) -> None:

    with transaction.atomic():
        Membership.objects.filter(user=user, unit=unit, role=role).delete()
        sync_staff_flag(user)
        log_access(
            user=by,
            what="revoke_role",
            request=request,
            detail=f"{user.username} -{role}@{unit.pk}",
        )


def _temporary_password() -> str:
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"
    return "".join(secrets.choice(alphabet) for _ in range(14))


def reset_password(*, user: User, by: Any, request: Any = None) -> str:
    """An administrator resets a staff member's password. Returns a temporary password,
    to be handed over once; the user must choose a new one at the next sign-in."""

    temporary = _temporary_password()
    with transaction.atomic():
        user.set_password(temporary)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        log_access(user=by, what="reset_password", request=request, detail=user.username)
    return temporary


def mark_password_set_by_admin(*, user: User, by: Any, request: Any = None) -> None:
    """The admin's own password form set a password: audit it and require a new one."""

    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(must_change_password=True)
        log_access(user=by, what="reset_password", request=request, detail=user.username)


def reset_two_factor(*, user: User, by: Any, request: Any = None) -> None:
    """An administrator clears a lost authenticator; the user enrols again at sign-in."""

    with transaction.atomic():
        user.totp_secret, user.totp_confirmed_at, user.totp_last_step = "", None, None
        user.save(update_fields=["totp_secret", "totp_confirmed_at", "totp_last_step"])
        log_access(user=by, what="reset_2fa", request=request, detail=user.username)


def unlock_sign_in(*, user: User, by: Any, request: Any = None) -> None:
    """An administrator ends the lock on a staff member's account after failed sign-ins
    (someone else may have caused it: the lock is per account)."""

    unlock(user.username)
    log_access(user=by, what="unlock_login", request=request, detail=user.username)


def change_own_password(
    *, user: User, old: str, new: str, repeat: str, request: Any = None
) -> None:
    """A staff member changes their own password (required after an administrator's reset).
    Refused with a bilingual ``UserError`` unless the old password is right, the two new
    ones agree and Django's password validators accept it."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    if not user.check_password(old):
        raise UserError(
            "bad_password", "原密码不正确", "The current password is wrong", field="old"
        )
    if new != repeat:
        raise UserError(
            "mismatch", "两次输入的新密码不一致", "The new passwords differ", field="repeat"
        )
    if new == old:
        raise UserError(
            "same", "新密码不能与原密码相同", "Choose a password you have not used", field="new"
        )
    try:
        validate_password(new, user)
    except ValidationError as e:
        raise UserError(
            "weak_password",
            "新密码不符合要求：" + "；".join(e.messages),
            "The new password is too weak: " + "; ".join(e.messages),
            field="new",
        ) from None
    with transaction.atomic():
        user.set_password(new)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        log_access(user=user, what="change_password", request=request, detail=user.username)


def audit_account_flags(*, user: User, before: dict[str, bool], by: Any, request: Any) -> None:
    """Record changes of the flags that grant or remove access (active, superuser)."""

    for flag in ("is_active", "is_superuser"):
        now = bool(getattr(user, flag))
        if before.get(flag) != now:
            log_access(
                user=by,
                what="account_flag",
                request=request,
                detail=f"{user.username} {flag}={'1' if now else '0'}",
            )
