"""A TOTP code is accepted once (issue 25, Low): someone who watched a code being typed,
or read it from a proxy log, cannot use it in a second session within its 90 seconds."""

from __future__ import annotations

import pyotp
import pytest
from django.test import Client

from xinfang.org import twofactor
from xinfang.org.models import User

from ..factories import PASSWORD, TOTP_SECRET, World

T0 = 1_900_000_020.0  # the start of a 30-second step


@pytest.fixture
def clock(monkeypatch) -> list[float]:
    now = [T0]
    monkeypatch.setattr(twofactor, "_now", lambda: now[0])
    return now


def _password_step(username: str = "auditor") -> Client:
    c = Client()
    r = c.post("/login/", {"username": username, "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/login/code/"
    return c


def _code(at: float) -> str:
    return pyotp.TOTP(TOTP_SECRET).at(at)


def test_the_same_code_is_refused_in_a_second_session(world: World, clock) -> None:
    first, second = _password_step(), _password_step()
    code = _code(T0)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    assert first.session["_auth_user_id"] == str(world.auditor.pk)
    r = second.post("/login/code/", {"code": code})
    assert r.status_code == 200 and "_auth_user_id" not in second.session
    assert "已使用" in r.content.decode()
    # The next step's code works.
    clock[0] += 30
    assert second.post("/login/code/", {"code": _code(clock[0])}).status_code == 302


def test_an_older_code_is_refused_after_a_newer_one(world: World, clock) -> None:
    """The window accepts the previous step's code (clock drift), but not once a later
    code was used."""
    first, second = _password_step(), _password_step()
    assert first.post("/login/code/", {"code": _code(T0)}).status_code == 302
    r = second.post("/login/code/", {"code": _code(T0 - 30)})
    assert r.status_code == 200 and "_auth_user_id" not in second.session


def test_a_code_inside_the_window_is_accepted(world: World, clock) -> None:
    c = _password_step()
    assert c.post("/login/code/", {"code": _code(T0 - 30)}).status_code == 302


def test_the_enrolment_code_cannot_sign_in_again(world: World, clock) -> None:
    u = world.handler
    c = Client()
    assert c.post("/login/", {"username": "handler", "password": PASSWORD}).status_code == 302
    c.get("/account/2fa/")
    secret = c.session["2fa_new_secret"]
    code = pyotp.TOTP(secret).at(T0)
    r = c.post("/account/2fa/", {"code": code})
    assert r.status_code == 200 and "恢复码" in r.content.decode()  # enrolled: codes shown
    other = _password_step("handler")
    r = other.post("/login/code/", {"code": code})
    assert r.status_code == 200 and "_auth_user_id" not in other.session
    u.refresh_from_db()
    assert u.totp_last_step == int(T0) // 30


def test_a_reset_clears_the_last_step(world: World, clock) -> None:
    from xinfang.org.services import reset_two_factor

    c = _password_step()
    assert c.post("/login/code/", {"code": _code(T0)}).status_code == 302
    reset_two_factor(user=world.auditor, by=world.admin)
    assert User.objects.get(pk=world.auditor.pk).totp_last_step is None
