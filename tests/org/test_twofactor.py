from __future__ import annotations

import re

import pyotp
from django.test import Client

from xinfang.org.models import Membership, Role

from ..factories import PASSWORD, TOTP_SECRET, World


def test_enrolled_user_needs_the_code(world: World) -> None:
    c = Client()
    r = c.post("/login/", {"username": "auditor", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"] == "/login/code/"
    assert "_auth_user_id" not in c.session
    r = c.post("/login/code/", {"code": "000000"})
    assert "验证码不正确" in r.content.decode() and "_auth_user_id" not in c.session
    r = c.post("/login/code/", {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert r.status_code == 302 and c.session["_auth_user_id"] == str(world.auditor.pk)


def test_too_many_wrong_codes_end_the_attempt(world: World) -> None:
    c = Client()
    c.post("/login/", {"username": "auditor", "password": PASSWORD})
    for _ in range(5):
        c.post("/login/code/", {"code": "000000"})
    r = c.post("/login/code/", {"code": pyotp.TOTP(TOTP_SECRET).now()})
    assert r.status_code == 302 and r["Location"] == "/login/"
    assert "_auth_user_id" not in c.session


def test_new_administrator_must_enrol_first(world: World) -> None:
    u = world.handler
    Membership.objects.create(user=u, unit=world.county, role=Role.ADMIN)
    c = Client()
    assert c.post("/login/", {"username": "handler", "password": PASSWORD}).status_code == 302
    r = c.get("/")
    assert r.status_code == 302 and r["Location"] == "/account/2fa/"
    page = c.get("/account/2fa/")
    assert page.status_code == 200
    # a QR code of the otpauth URI, drawn in the page (no image fetched from anywhere)
    assert "<svg" in page.content.decode() and "<img" not in page.content.decode()
    secret = c.session["2fa_new_secret"]
    assert c.post("/account/2fa/", {"code": "000000"}).status_code == 200
    r = c.post("/account/2fa/", {"code": pyotp.TOTP(secret).now()})
    codes = re.findall(r"<code>([A-Z0-9]{4}-[A-Z0-9]{4})</code>", r.content.decode())
    assert r.status_code == 200 and len(set(codes)) == 10  # shown once, now
    assert c.get("/").status_code == 200
    u.refresh_from_db()
    assert u.totp_confirmed_at is not None and u.totp_secret == secret


def test_ordinary_staff_sign_in_with_password(world: World) -> None:
    c = Client()
    assert c.post("/login/", {"username": "leader", "password": PASSWORD})["Location"] == "/"
    assert c.get("/").status_code == 200


def test_a_recovery_code_signs_in_once_instead_of_a_lost_phone(world: World) -> None:
    from xinfang.audit.models import AccessLog
    from xinfang.org.twofactor import new_recovery_codes

    codes = new_recovery_codes(world.auditor)
    c = Client()
    c.post("/login/", {"username": "auditor", "password": PASSWORD})
    r = c.post("/login/code/", {"code": codes[3].lower().replace("-", " ")})
    assert r.status_code == 302 and c.session["_auth_user_id"] == str(world.auditor.pk)
    assert AccessLog.objects.filter(what="recovery_code", user=world.auditor).exists()
    # struck off: the same code opens nothing again; the others still do
    c = Client()
    c.post("/login/", {"username": "auditor", "password": PASSWORD})
    r = c.post("/login/code/", {"code": codes[3]})
    assert "_auth_user_id" not in c.session and "验证码不正确" in r.content.decode()
    r = c.post("/login/code/", {"code": codes[4]})
    assert r.status_code == 302
    # new codes replace the old ones
    fresh = new_recovery_codes(world.auditor)
    c = Client()
    c.post("/login/", {"username": "auditor", "password": PASSWORD})
    c.post("/login/code/", {"code": codes[5]})
    assert "_auth_user_id" not in c.session
    assert c.post("/login/code/", {"code": fresh[0]}).status_code == 302


def test_a_signed_in_user_without_the_admin_is_refused_not_looped(world) -> None:  # type: ignore[no-untyped-def]
    from ..factories import login

    r = login(world.leader).get("/admin/", follow=True)
    assert r.status_code == 404 and len(r.redirect_chain) == 1
    assert login(world.leader).get("/admin/login/").status_code == 404
