"""The admin site has no sign-in of its own (it skipped the throttle and the TOTP step),
and administrators can end a lock that someone else caused on an account."""

from __future__ import annotations

from django.test import Client

from xinfang.audit.models import AccessLog
from xinfang.org.models import User

from ..factories import PASSWORD, World, login


def test_the_admin_login_page_leads_to_the_staff_sign_in(world: World) -> None:
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    c = Client()
    r = c.post("/admin/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert r.status_code == 302 and r["Location"].startswith("/login/?next=/admin/")
    assert "_auth_user_id" not in c.session
    assert c.get("/admin/").status_code == 302
    # Through the staff sign-in an enrolled administrator still needs the code.
    r = c.post("/login/?next=/admin/", {"username": "admin", "password": PASSWORD})
    assert r["Location"] == "/login/code/" and "_auth_user_id" not in c.session


def test_an_administrator_unlocks_an_account(world: World) -> None:
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    for _ in range(5):
        Client().post("/login/", {"username": "handler", "password": "wrong"})
    r = Client().post("/login/", {"username": "handler", "password": PASSWORD})
    assert "登录失败次数过多" in r.content.decode()
    c = login(world.admin)
    r = c.post(
        "/admin/org/user/",
        {"action": "unlock_sign_in", "_selected_action": [world.handler.pk]},
    )
    assert r.status_code == 302
    assert (
        Client().post("/login/", {"username": "handler", "password": PASSWORD}).status_code == 302
    )
    assert AccessLog.objects.filter(
        what="unlock_login", user=world.admin, detail="handler"
    ).exists()


def test_the_admin_speaks_the_offices_language(world: World, django_user_model) -> None:
    """Not "Django 管理" with English section headers."""
    from django.utils import timezone

    from ..factories import TOTP_SECRET

    root = django_user_model.objects.create_superuser(
        "root", password="x-long-password-2026", totp_secret=TOTP_SECRET
    )
    django_user_model.objects.filter(pk=root.pk).update(totp_confirmed_at=timezone.now())
    c = Client()
    c.force_login(root)
    html = c.get("/admin/").content.decode()
    assert "信访事项办理系统 · 系统管理" in html and "Django" not in html
    for section in ("信访事项", "单位与人员", "告知文书与消息", "期限与节假日"):
        assert section in html, section
