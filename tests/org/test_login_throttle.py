from __future__ import annotations

from django.test import Client

from xinfang.audit.models import AccessLog

from ..factories import PASSWORD, World


def test_lockout_after_five_failures(world: World) -> None:
    c = Client()
    for _ in range(5):
        r = c.post("/login/", {"username": "handler", "password": "wrong"})
        assert r.status_code == 200 and "用户名或密码不正确" in r.content.decode()
    # even the right password is refused while locked
    r = c.post("/login/", {"username": "handler", "password": PASSWORD})
    assert r.status_code == 200 and "登录失败次数过多" in r.content.decode()
    assert "_auth_user_id" not in c.session
    # another user from the same address is not locked out by these five
    r = c.post("/login/", {"username": "leader", "password": PASSWORD})
    assert r.status_code == 302
    whats = list(AccessLog.objects.values_list("what", flat=True))
    assert whats.count("login_failed") == 5 and whats.count("login_locked") == 1


def test_success_resets_the_counter(world: World) -> None:
    c = Client()
    for _ in range(4):
        c.post("/login/", {"username": "handler", "password": "wrong"})
    assert c.post("/login/", {"username": "handler", "password": PASSWORD}).status_code == 302
    c.logout()
    for _ in range(4):
        c.post("/login/", {"username": "handler", "password": "wrong"})
    assert c.post("/login/", {"username": "handler", "password": PASSWORD}).status_code == 302


def test_the_lock_is_said_in_one_language(world: World) -> None:
    for _ in range(5):
        Client().post("/login/", {"username": "handler", "password": "wrong"})
    zh = Client().post("/login/", {"username": "handler", "password": PASSWORD})
    assert "登录失败次数过多" in zh.content.decode()
    assert "Too many failed attempts" not in zh.content.decode()
    en = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/login/", {"username": "handler", "password": PASSWORD}
    )
    assert "Too many failed attempts" in en.content.decode()
    assert "登录失败次数过多" not in en.content.decode()
