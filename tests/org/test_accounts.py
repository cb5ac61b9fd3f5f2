"""Account security: administrators' resets, forced password change, idle timeout, deploy
checks (issue: privacy and security, part 4 and 5)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time

import pytest
from django.test import Client

from xinfang.audit.models import AccessLog
from xinfang.org.account import LAST_SEEN
from xinfang.org.models import User

from ..factories import PASSWORD, World, login


@pytest.fixture(autouse=True)
def _admin_site_rights(world: World) -> None:
    # Deployments make their administrators superusers (as the demo does).
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)


def _whats() -> list[tuple[str, str | None, str]]:
    return list(AccessLog.objects.order_by("id").values_list("what", "user__username", "detail"))


def test_admin_reset_gives_a_temporary_password_that_must_be_changed(world: World) -> None:
    c = login(world.admin)
    r = c.post(
        "/admin/org/user/",
        {"action": "reset_passwords", "_selected_action": [world.handler.pk]},
        follow=True,
    )
    text = r.content.decode()
    m = re.search(r"handler 的临时密码：([A-Za-z0-9]{14})", text, re.I)
    assert m, text[:2000]
    temporary = m.group(1)
    world.handler.refresh_from_db()
    assert world.handler.must_change_password
    assert not world.handler.check_password(PASSWORD)
    assert ("reset_password", "admin", "handler") in _whats()

    h = Client()
    assert h.login(username="handler", password=temporary)
    r = h.get("/")
    assert r.status_code == 302 and r["Location"] == "/account/password/"
    page = h.get("/account/password/")
    assert "管理员已重置您的密码" in page.content.decode()

    # Refusals change nothing and say why, in Chinese and English.
    for data, words in [
        (
            {"old": "wrong", "new": "Neu-Passwort-2026", "repeat": "Neu-Passwort-2026"},
            "原密码不正确",
        ),
        ({"old": temporary, "new": "Neu-Passwort-2026", "repeat": "other-2026-x"}, "不一致"),
        ({"old": temporary, "new": "123", "repeat": "123"}, "新密码不符合要求"),
        ({"old": temporary, "new": temporary, "repeat": temporary}, "不能与原密码相同"),
    ]:
        r = h.post("/account/password/", data)
        assert r.status_code == 400 and words in r.content.decode()
        world.handler.refresh_from_db()
        assert world.handler.check_password(temporary) and world.handler.must_change_password

    r = h.post(
        "/account/password/",
        {"old": temporary, "new": "Neu-Passwort-2026", "repeat": "Neu-Passwort-2026"},
    )
    assert r.status_code == 302 and r["Location"] == "/"
    world.handler.refresh_from_db()
    assert world.handler.check_password("Neu-Passwort-2026")
    assert not world.handler.must_change_password
    assert h.get("/").status_code == 200  # the session survived the change
    assert ("change_password", "handler", "handler") in _whats()


def test_admin_password_form_is_audited_and_forces_a_change(world: World) -> None:
    c = login(world.admin)
    r = c.post(
        f"/admin/org/user/{world.handler.pk}/password/",
        {
            "password1": "Set-By-Admin-2026",
            "password2": "Set-By-Admin-2026",
            "usable_password": "true",
        },
    )
    assert r.status_code == 302, r.content.decode()[:1500]
    world.handler.refresh_from_db()
    assert world.handler.check_password("Set-By-Admin-2026")
    assert world.handler.must_change_password
    assert ("reset_password", "admin", "handler") in _whats()


def test_admin_resets_two_factor(world: World) -> None:
    assert world.auditor.totp_confirmed_at is not None
    c = login(world.admin)
    c.post(
        "/admin/org/user/",
        {"action": "reset_two_factor", "_selected_action": [world.auditor.pk]},
    )
    world.auditor.refresh_from_db()
    assert world.auditor.totp_confirmed_at is None and world.auditor.totp_secret == ""
    assert ("reset_2fa", "admin", "auditor") in _whats()
    # The auditor must enrol again before anything else.
    a = Client()
    a.post("/login/", {"username": "auditor", "password": PASSWORD})
    r = a.get("/")
    assert r.status_code == 302 and r["Location"] == "/account/2fa/"


def test_non_admin_cannot_reset(world: World) -> None:
    c = login(world.handler)
    r = c.post(
        "/admin/org/user/",
        {"action": "reset_passwords", "_selected_action": [world.registrar.pk]},
    )
    assert r.status_code == 302 and "/admin/login/" in r["Location"]
    world.registrar.refresh_from_db()
    assert world.registrar.check_password(PASSWORD) and not world.registrar.must_change_password
    assert AccessLog.objects.filter(what="reset_password").count() == 0


def test_deactivating_an_account_is_audited(world: World) -> None:
    c = login(world.admin)
    page = c.get(f"/admin/org/user/{world.handler.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not isinstance(v, list)}
    data.update(
        {
            "username": "handler",
            "is_active": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
        }
    )
    for k in ("is_active", "is_staff", "is_superuser", "last_login"):
        data.pop(k, None)
    r = c.post(f"/admin/org/user/{world.handler.pk}/change/", data)
    assert r.status_code == 302, r.content.decode()[:3000]
    world.handler.refresh_from_db()
    assert not world.handler.is_active
    assert ("account_flag", "admin", "handler is_active=0") in _whats()


def test_idle_session_is_signed_out(world: World, settings) -> None:
    settings.XINFANG = {**settings.XINFANG, "SESSION_IDLE_MINUTES": 30}
    c = login(world.handler)
    assert c.get("/").status_code == 200
    s = c.session
    assert isinstance(s[LAST_SEEN], int)
    s[LAST_SEEN] = int(time.time()) - 29 * 60  # still inside the window
    s.save()
    assert c.get("/").status_code == 200
    s = c.session
    s[LAST_SEEN] = int(time.time()) - 31 * 60
    s.save()
    r = c.get("/")
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=/")
    assert "_auth_user_id" not in c.session
    assert c.get("/").status_code == 302  # stays signed out


def test_check_deploy_is_clean_in_production_settings(tmp_path) -> None:
    # Browser tests in this process set DJANGO_ALLOW_ASYNC_UNSAFE; production does not.
    env = {
        **{k: v for k, v in os.environ.items() if k != "DJANGO_ALLOW_ASYNC_UNSAFE"},
        "XINFANG_DEBUG": "0",
        "XINFANG_SECRET_KEY": "k" * 20 + "-production-only-" + "x9Z" * 12,
        "XINFANG_ALLOWED_HOSTS": "xinfang.example.gov.cn",
        "XINFANG_FIELD_KEYS": "a" * 43 + "=",
        "XINFANG_INDEX_KEY": "i" * 40,
        "XINFANG_AUDIT_KEY": "a" * 40,
        "XINFANG_DATA_DIR": str(tmp_path),
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    r = subprocess.run(
        [sys.executable, "-m", "xinfang.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "no issues" in r.stdout
