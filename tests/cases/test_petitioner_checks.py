"""Keyboard mistakes at registration are caught where every face registers (issue: staff
registration took an address as a phone number and any 18 digits as an ID number, and a
letter with neither address nor phone was accepted silently)."""

from __future__ import annotations

import pytest
from django.test import Client

from xinfang.api.models import ApiToken
from xinfang.cases.inputs import check_id_number, check_phone
from xinfang.cases.models import Matter
from xinfang.core.errors import UserError

from ..factories import World, login, register


@pytest.mark.parametrize(
    "number",
    [
        "11010519491231002X",
        "11010519491231002x",
        "110105 19491231 002X",
        "360421199001181234",
        "360421800101123",  # an old 15-digit number
        "E12345678",  # a passport
    ],
)
def test_numbers_that_pass(number: str) -> None:
    assert check_id_number(number) == number


@pytest.mark.parametrize(
    "number", ["110105194912310021", "123456789012345678", "36042119900101123X"]
)
def test_resident_numbers_with_a_wrong_check_character(number: str) -> None:
    with pytest.raises(UserError) as e:
        check_id_number(number)
    assert e.value.code == "bad_id_number" and number in e.value.zh


@pytest.mark.parametrize(
    "phone",
    [
        "13800001234",
        "0791-86123456",
        "(0791) 8612 3456",
        "+86 138 0000 1234",
        "12345",
        "0791-86123456转802",
    ],
)
def test_phones_as_people_write_them(phone: str) -> None:
    assert check_phone(phone) == phone


@pytest.mark.parametrize(
    "phone", ["城关镇桃园路8号", "张三", "1234", "微信zhangsan", "138000012341380000123"]
)
def test_what_is_not_a_phone(phone: str) -> None:
    with pytest.raises(UserError) as e:
        check_phone(phone)
    assert e.value.code == "bad_phone"


def test_every_face_refuses_and_writes_nothing(world: World) -> None:
    w = world
    with pytest.raises(UserError):
        register(w, petitioners=[{"name": "张三", "phone": "城关镇桃园路8号"}])
    # the staff form: the message in the office's language, the form kept
    r = login(w.registrar).post(
        "/matters/new/",
        {
            "unit": w.office.pk,
            "channel": "letter",
            "category": "claim",
            "title": "楼顶漏水",
            "content": "请求维修",
            "p0_name": "张三",
            "p0_phone": "13800001234",
            "p0_id": "110105194912310021",
        },
    )
    assert r.status_code == 400 and "校验位不符" in r.content.decode()
    # the API: a 400 on the field
    _, token = ApiToken.issue(w.registrar)
    r = Client().post(
        "/api/v1/matters",
        {
            "unit": w.office.pk,
            "channel": "letter",
            "category": "claim",
            "title": "楼顶漏水",
            "content": "请求维修",
            "received_at": "2026-11-20T09:00:00+08:00",
            "petitioners": [{"name": "张三", "phone": "桃园路8号"}],
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )
    assert r.status_code == 400 and r.json()["field"] == "petitioners"
    assert not Matter.objects.exists()


def test_a_letter_without_address_or_phone_is_registered_with_a_warning(world: World) -> None:
    w = world
    form = {
        "unit": w.office.pk,
        "channel": "letter",
        "category": "claim",
        "title": "楼顶漏水",
        "content": "请求维修",
        "p0_name": "张三",
    }
    html = login(w.registrar).post("/matters/new/", form, follow=True).content.decode()
    assert Matter.objects.count() == 1
    assert "告知书将无法送达" in html
    form["p0_phone"] = "13800001234"
    html = login(w.registrar).post("/matters/new/", form, follow=True).content.decode()
    assert Matter.objects.count() == 2 and "告知书将无法送达" not in html
