"""Password rules beyond Django's: not the user name, not a password used before.

Both are ordinary password validators (``AUTH_PASSWORD_VALIDATORS``), so every way of
setting a password applies them: the own-password page, the admin's forms,
``createsuperuser``. Earlier passwords are kept as hashes only (``PasswordHistory``).
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import check_password
from django.contrib.auth.password_validation import UserAttributeSimilarityValidator
from django.core.exceptions import ValidationError
from django.utils.translation import get_language

from .models import PasswordHistory


def _said(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") else zh


class SimilarityValidator(UserAttributeSimilarityValidator):
    """Django's check against the user's own details, including the name staff go by."""

    DEFAULT_USER_ATTRIBUTES = ("username", "display_name", "first_name", "last_name", "email")


class NotUsernameValidator:
    """Refuses a password that contains the user name (any case). Names shorter than
    ``min_length`` are common letter pairs and mean nothing inside a password."""

    def __init__(self, min_length: int = 3) -> None:
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        name = str(getattr(user, "username", "") or "").strip().lower()
        if len(name) >= self.min_length and name in password.lower():
            raise ValidationError(
                _said("密码不能包含用户名", "The password must not contain the user name"),
                code="password_contains_username",
            )

    def get_help_text(self) -> str:
        return _said("密码不能包含用户名", "The password must not contain your user name")


class NotReusedValidator:
    """Refuses the current password and the ``count`` passwords before it.

    ``User.set_password`` notes the hash it replaces; after the save, ``password_changed``
    keeps that hash and drops the oldest beyond ``count``.
    """

    def __init__(self, count: int = 5) -> None:
        self.count = count

    def validate(self, password: str, user: Any = None) -> None:
        if user is None or user.pk is None:
            return
        earlier = [user.password, *self._kept(user).values_list("password", flat=True)]
        if any(h and check_password(password, h) for h in earlier):
            raise ValidationError(
                _said(
                    f"不能使用当前密码或最近{self.count}次用过的密码",
                    f"Choose a password other than your last {self.count + 1}",
                ),
                code="password_reused",
            )

    def password_changed(self, password: str, user: Any = None) -> None:
        outgoing = getattr(user, "_outgoing_password", "")
        if user is None or user.pk is None or not outgoing or outgoing.startswith("!"):
            return
        user._outgoing_password = ""
        PasswordHistory.objects.create(user=user, password=outgoing)
        keep = list(self._kept(user).values_list("pk", flat=True)[: self.count])
        PasswordHistory.objects.filter(user=user).exclude(pk__in=keep).delete()

    def _kept(self, user: Any) -> Any:
        return PasswordHistory.objects.filter(user=user).order_by("-created_at", "-pk")

    def get_help_text(self) -> str:
        return _said(
            f"不能使用当前密码或最近{self.count}次用过的密码",
            f"Your password cannot be one of your last {self.count + 1}",
        )
