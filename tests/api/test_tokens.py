"""API tokens expire, can be revoked by a command and in the admin, die with a password
change, and need TOTP where the role does (issue 25, Low)."""

from __future__ import annotations

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone

from xinfang.api.models import ApiToken
from xinfang.audit.models import AccessLog
from xinfang.core.errors import UserError
from xinfang.org.models import Membership, Role, User
from xinfang.org.services import change_own_password, reset_password, reset_two_factor

from ..factories import PASSWORD, World, login


def me(token: str) -> int:
    return Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {token}").status_code


def issue(username: str, *args: str) -> str:
    out = StringIO()
    call_command("token", username, *args, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


def test_a_token_expires(world: World, settings) -> None:
    settings.XINFANG = {**settings.XINFANG, "API_TOKEN_DAYS": 30}
    row, token = ApiToken.issue(world.registrar)
    assert abs(row.expires_at - (timezone.now() + timedelta(days=30))) < timedelta(minutes=1)
    assert me(token) == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    assert me(token) == 401


def test_the_command_sets_the_days_and_refuses_more_than_the_setting(world: World) -> None:
    token = issue("registrar", "--days", "7")
    row = ApiToken.objects.get(prefix=token[:8])
    assert timedelta(days=6, hours=23) < row.expires_at - timezone.now() <= timedelta(days=7)
    with pytest.raises(CommandError):
        issue("registrar", "--days", "100000")


def test_the_command_revokes_every_token_of_a_user(world: World) -> None:
    a, b = issue("registrar"), issue("registrar", "--name", "importer")
    other = issue("handler")
    out = StringIO()
    call_command("token", "--revoke", "registrar", stdout=out)
    assert "2" in out.getvalue()
    assert me(a) == me(b) == 401 and me(other) == 200
    assert AccessLog.objects.filter(what="revoke_token", detail__startswith="registrar").exists()
    assert ApiToken.objects.filter(user=world.registrar, revoked=False).count() == 0


def test_the_command_lists_tokens_without_their_secret(world: World) -> None:
    token = issue("registrar", "--name", "importer")
    out = StringIO()
    call_command("token", "--list", "registrar", stdout=out)
    text = out.getvalue()
    assert token[:8] in text and "importer" in text and token not in text


def test_the_admin_revokes_a_token(world: World) -> None:
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    row, token = ApiToken.issue(world.registrar)
    c = login(world.admin)
    page = c.get("/admin/api/apitoken/")
    assert page.status_code == 200 and row.prefix in page.content.decode()
    assert row.key_hash not in page.content.decode()
    r = c.post("/admin/api/apitoken/", {"action": "revoke", "_selected_action": [row.pk]})
    assert r.status_code == 302
    assert me(token) == 401
    assert AccessLog.objects.filter(what="revoke_token", user=world.admin).exists()
    # Tokens are issued by the command only: the secret is shown once, there.
    assert c.get("/admin/api/apitoken/add/").status_code == 403


def test_a_password_change_ends_every_token(world: World) -> None:
    _, token = ApiToken.issue(world.registrar)
    change_own_password(
        user=world.registrar, old=PASSWORD, new="Neu-Pass-2026x", repeat="Neu-Pass-2026x"
    )
    assert me(token) == 401


def test_an_administrators_reset_ends_every_token(world: World) -> None:
    _, token = ApiToken.issue(world.registrar)
    reset_password(user=world.registrar, by=world.admin)
    assert me(token) == 401


def test_any_way_of_setting_the_password_ends_every_token(world: World) -> None:
    """``xinfang changepassword`` and the admin's forms set the password directly."""
    _, token = ApiToken.issue(world.registrar)
    u = User.objects.get(pk=world.registrar.pk)
    u.set_password("Anders-2026-pass")
    u.save()
    assert me(token) == 401
    _, fresh = ApiToken.issue(u)
    assert me(fresh) == 200


@pytest.mark.parametrize("how", ["admin role", "auditor role", "superuser"])
def test_no_token_without_totp_where_the_role_needs_it(world: World, how: str) -> None:
    u = world.handler
    if how == "superuser":
        User.objects.filter(pk=u.pk).update(is_superuser=True)
    else:
        role = Role.ADMIN if how == "admin role" else Role.AUDITOR
        Membership.objects.create(user=u, unit=world.county, role=role)
    u = User.objects.get(pk=u.pk)
    with pytest.raises(CommandError, match="双因素"):
        issue("handler")
    with pytest.raises(UserError):
        ApiToken.issue(u)
    assert not ApiToken.objects.filter(user=u).exists()


def test_a_token_stops_when_totp_is_reset(world: World) -> None:
    _, token = ApiToken.issue(world.auditor)  # enrolled: allowed
    assert me(token) == 200
    reset_two_factor(user=world.auditor, by=world.admin)
    assert me(token) == 401


def test_a_token_issued_before_the_role_needs_totp_stops(world: World) -> None:
    _, token = ApiToken.issue(world.handler)
    assert me(token) == 200
    Membership.objects.create(user=world.handler, unit=world.county, role=Role.ADMIN)
    assert me(token) == 401
