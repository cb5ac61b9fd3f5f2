"""Phone and ID numbers are encrypted at rest, searchable by exact phone, rotatable."""

from __future__ import annotations

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.db import connection

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Petitioner
from xinfang.core import crypto

from ..factories import World, login, register


def raw(pk: int) -> tuple[str, str]:
    with connection.cursor() as cur:
        cur.execute("SELECT phone, id_number FROM cases_petitioner WHERE id = %s", [pk])
        return cur.fetchone()


def test_stored_encrypted_read_in_clear(world: World) -> None:
    m = register(
        world,
        petitioners=[{"name": "张三", "phone": "13800001234", "id_number": "110101199001061234"}],
    )
    p = m.petitioners.get()
    phone, idn = raw(p.pk)
    assert phone.startswith("enc1:") and "13800001234" not in phone
    assert idn.startswith("enc1:") and "1101" not in idn
    p = Petitioner.objects.get(pk=p.pk)
    assert (p.phone, p.id_number) == ("13800001234", "110101199001061234")
    assert Petitioner.objects.with_phone("138-0000-1234").get().pk == p.pk


def test_staff_see_masked_and_unmasking_is_logged(world: World) -> None:
    m = register(world)
    c = login(world.registrar)
    html = c.get(f"/matters/{m.pk}/").content.decode()
    assert "138****1234" in html and "13800001234" not in html
    r = c.post(f"/matters/{m.pk}/reveal/", {"purpose": "contact"})
    assert r.status_code == 200 and "13800001234" in r.content.decode()
    assert r["Cache-Control"] == "no-store"
    # never carried in a cookie (the messages cookie is readable in the browser)
    assert all(
        "13800001234" not in v.value and "1101011990" not in v.value for v in r.cookies.values()
    )
    assert "13800001234" not in c.get(f"/matters/{m.pk}/").content.decode()
    entry = AccessLog.objects.get(what="unmask", matter=m, user=world.registrar)
    assert entry.purpose == "联系信访人"
    other = login(world.other_handler)
    assert other.post(f"/matters/{m.pk}/reveal/", {"purpose": "contact"}).status_code == 404
    # without a stated purpose nothing is shown and nothing logged
    r = c.post(f"/matters/{m.pk}/reveal/", follow=True)
    assert (
        "13800001234" not in r.content.decode() and "请选择显示完整号码的用途" in r.content.decode()
    )
    assert AccessLog.objects.filter(what="unmask", matter=m).count() == 1


def test_the_access_log_names_what_was_done(world: World) -> None:
    m = register(world)
    login(world.registrar).post(f"/matters/{m.pk}/reveal/", {"purpose": "serve"})
    html = login(world.auditor).get("/audit/access/").content.decode()
    assert "显示完整号码" in html and "送达告知书、意见书" in html and ">unmask<" not in html


def test_key_rotation(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    old = Fernet.generate_key().decode()
    monkeypatch.setenv("XINFANG_FIELD_KEYS", old)
    crypto._fernet.cache_clear()
    m = register(world)
    pk = m.petitioners.get().pk
    before = raw(pk)[0]
    new = Fernet.generate_key().decode()
    monkeypatch.setenv("XINFANG_FIELD_KEYS", f"{new},{old}")
    crypto._fernet.cache_clear()
    call_command("rotate_keys")
    after = raw(pk)[0]
    assert after != before
    monkeypatch.setenv("XINFANG_FIELD_KEYS", new)  # the old key is gone
    crypto._fernet.cache_clear()
    assert Petitioner.objects.get(pk=pk).phone == "13800001234"
    crypto._fernet.cache_clear()
