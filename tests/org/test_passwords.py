"""Passwords: not the username, not one used before (issue 25, Low)."""

from __future__ import annotations

import itertools

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import translation

from xinfang.core.errors import UserError
from xinfang.org.models import PasswordHistory, User
from xinfang.org.services import change_own_password

from ..factories import PASSWORD, UserFactory, World, login


@pytest.fixture
def wang(db) -> User:
    return UserFactory(username="wangxiaoming", display_name="王小明")


def _change(user: User, old: str, new: str) -> None:
    change_own_password(user=user, old=old, new=new, repeat=new)


@pytest.mark.parametrize("new", ["wangxiaoming", "WangXiaoming", "wangxiaoming-2026-Q3x"])
def test_a_password_equal_to_or_containing_the_username_is_refused(wang: User, new: str) -> None:
    with translation.override("zh-hans"), pytest.raises(UserError) as e:
        _change(wang, PASSWORD, new)
    assert e.value.code == "weak_password" and "用户名" in e.value.zh
    wang.refresh_from_db()
    assert wang.check_password(PASSWORD)


def test_the_username_check_speaks_english_when_chosen(wang: User) -> None:
    with translation.override("en"), pytest.raises(ValidationError) as e:
        validate_password("wangxiaoming-2026-Q3x", wang)
    assert any("user name" in m for m in e.value.messages)
    assert not any("用户名" in m for m in e.value.messages)


def test_a_short_username_inside_a_password_is_allowed(db) -> None:
    u = UserFactory(username="li")  # too short to mean anything inside a password
    _change(u, PASSWORD, "Fen-lian-2026-xq")
    u.refresh_from_db()
    assert u.check_password("Fen-lian-2026-xq")


def test_earlier_passwords_cannot_come_back(wang: User, settings) -> None:
    _change(wang, PASSWORD, "Second-pass-2026")
    _change(wang, "Second-pass-2026", "Third-pass-2026")
    for earlier in (PASSWORD, "Second-pass-2026", "Third-pass-2026"):
        with pytest.raises(UserError) as e:
            _change(wang, "Third-pass-2026", earlier)
        assert e.value.code in {"weak_password", "same"}
    wang.refresh_from_db()
    assert wang.check_password("Third-pass-2026")


def test_history_keeps_the_configured_number(wang: User, settings) -> None:
    settings.AUTH_PASSWORD_VALIDATORS = [
        *settings.AUTH_PASSWORD_VALIDATORS[:-1],
        {"NAME": "xinfang.org.passwords.NotReusedValidator", "OPTIONS": {"count": 2}},
    ]
    passwords = [PASSWORD, "Pass-one-2026x", "Pass-two-2026x", "Pass-three-2026x"]
    for old, new in itertools.pairwise(passwords):
        _change(wang, old, new)
    # kept: the current one and the two before it; the first may come back
    assert PasswordHistory.objects.filter(user=wang).count() == 2
    with pytest.raises(UserError):
        _change(wang, "Pass-three-2026x", "Pass-one-2026x")
    _change(wang, "Pass-three-2026x", PASSWORD)


def test_history_holds_hashes_only(wang: User) -> None:
    _change(wang, PASSWORD, "Second-pass-2026")
    kept = PasswordHistory.objects.get(user=wang).password
    assert PASSWORD not in kept and kept.startswith("md5$")


def test_rehashing_at_sign_in_is_not_a_new_password(wang: User, settings) -> None:
    """Django stores the password again when the hasher's settings change; that is the
    same password and must not push real earlier passwords out of the history."""
    _change(wang, PASSWORD, "Second-pass-2026")
    settings.PASSWORD_HASHERS = [
        "django.contrib.auth.hashers.PBKDF2PasswordHasher",
        "django.contrib.auth.hashers.MD5PasswordHasher",
    ]
    wang.refresh_from_db()
    assert wang.check_password("Second-pass-2026")  # rehashed with PBKDF2 and saved
    wang.refresh_from_db()
    assert wang.password.startswith("pbkdf2_sha256$")
    assert PasswordHistory.objects.filter(user=wang).count() == 1


def test_the_admin_password_form_applies_the_same_rules(world: World) -> None:
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    target = UserFactory(username="zhaoliuliu")
    c: Client = login(world.admin)
    r = c.post(
        f"/admin/org/user/{target.pk}/password/",
        {"password1": "zhaoliuliu", "password2": "zhaoliuliu", "usable_password": "true"},
    )
    assert r.status_code == 200 and "用户名" in r.content.decode()
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
