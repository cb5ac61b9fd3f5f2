"""The portal's limits count phones and devices, not addresses, and ask a question instead of
refusing: a township hall's kiosk and citizens behind one carrier address all get through, at
worst after answering a question; a device or a phone that keeps failing meets a hard limit
(429 with Retry-After); a question is answered once, in its own session, before it expires,
and needs no script."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Matter
from xinfang.core.models import Throttle
from xinfang.portal import challenge, device
from xinfang.reception.models import Booking

from ..factories import World
from ..reception.test_reception import day
from .test_portal import form, secret_of, submit

KIOSK = "203.0.113.9"
LIMITS = {
    "SUBMIT_PER_IP": (3, 3600),
    "SUBMIT_PER_DEVICE": (3, 3600),
    "SUBMIT_PER_PHONE": (2, 3600),
    "SUBMIT_PER_PHONE_MAX": 4,
    "LOOKUP_PER_IP": (10, 600),
    "LOOKUP_PER_DEVICE": (3, 600),
    "LOOKUP_PER_NUMBER": (10, 3600),
    "BOOK_PER_IP": (3, 3600),
    "BOOK_PER_DEVICE": (2, 3600),
    "BOOK_PER_PHONE": (2, 3600),
    "BOOK_PER_PHONE_MAX": 4,
    "FAILURES_PER_DEVICE": (6, 3600),
}
QUESTION = re.compile(
    r'<label for="(challenge_answer[^"]*)"[^>]*>\s*(\d+) (加|减) (\d+) 等于多少？'
)


@pytest.fixture
def limits(settings) -> None:
    settings.XINFANG = {
        **settings.XINFANG,
        "PORTAL_LIMITS": LIMITS,
        "TRUSTED_PROXY_HEADER": "X-Forwarded-For",
        "TRUSTED_PROXY_HOPS": 1,
    }


def at(address: str = KIOSK) -> Client:
    return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)


def asked(html: str) -> bool:
    return 'name="challenge_answer"' in html


def answer(html: str, *, wrong: bool = False) -> dict[str, str]:
    """What a person who reads the page (or hears it read) types: the question is plain text,
    the label of the answer field."""
    cid = re.search(r'name="challenge_id" value="([^"]+)"', html)
    q = QUESTION.search(html)
    assert cid and q, "no question on the page"
    a, op, b = int(q[2]), q[3], int(q[4])
    value = a + b if op == "加" else a - b
    return {"challenge_id": cid[1], "challenge_answer": str(value + 1 if wrong else value)}


def preview(c: Client, w: World, **kw):
    return c.post("/portal/submit/", {**form(w, **kw), "step": "preview"})


def submit_as_a_person(c: Client, w: World, **kw) -> tuple[bool, object]:
    """Fill in the form, read the confirmation page, answer the question if there is one,
    confirm. Returns whether a question was asked, and the final response."""
    page = preview(c, w, **kw)
    assert page.status_code == 200, page.content.decode()[:2000]
    html = page.content.decode()
    extra = answer(html) if asked(html) else {}
    r = c.post("/portal/submit/", {**form(w, **kw), "step": "submit", **extra}, follow=True)
    return bool(extra), r


def track(c: Client, no: str, secret: str, **extra: str):
    return c.post("/portal/track/", {"receipt_no": no, "secret": secret, **extra})


# --- the kiosk and the carrier's shared address -------------------------------------------


def test_a_kiosk_lets_every_citizen_submit_at_worst_after_a_question(world: World, limits) -> None:
    """One browser in a township hall, one address, a different citizen each time."""
    kiosk = at()
    kiosk.get("/portal/submit/")
    questions = []
    for i in range(12):
        was_asked, r = submit_as_a_person(
            kiosk, world, title=f"第{i}件", name=f"群众{i}", phone=f"1370000{i:04d}"
        )
        assert r.status_code == 200, r.content.decode()[:2000]
        secret_of(r.content.decode())  # the receipt
        questions.append(was_asked)
        kiosk.post("/portal/leave/")  # the next citizen
    assert questions == [False] * 3 + [True] * 9
    assert Matter.objects.count() == 12


def test_citizens_behind_one_carrier_address_all_get_through(world: World, limits) -> None:
    """Carrier-grade NAT: many phones, many browsers, one address. The address only asks for
    the question past its ceiling; it never refuses on its own."""
    questions = []
    for i in range(12):
        was_asked, r = submit_as_a_person(at(), world, title=f"第{i}件", phone=f"1380000{i:04d}")
        assert r.status_code == 200
        secret_of(r.content.decode())
        questions.append(was_asked)
    assert questions == [False] * 3 + [True] * 9
    assert Matter.objects.count() == 12


def test_the_right_secret_opens_at_a_busy_address_after_a_question(world: World, limits) -> None:
    """Others' wrong secrets at the kiosk's address never lock a citizen out: past the
    address's ceiling the citizen answers a question, then the matter opens."""
    no, secret = secret_of(submit(at("198.51.100.1"), world).content.decode())
    for i in range(10):
        assert track(at(), f"X-{i}", "AAAA-BBBB-CCCC").status_code == 404
    citizen = at()
    page = citizen.get("/portal/track/").content.decode()
    assert asked(page)  # shown with the form, so the citizen answers it in one go
    r = track(citizen, no, secret, **answer(page))
    assert r.status_code == 302 and r["Location"] == f"/portal/m/{no}/"
    assert not Throttle.objects.filter(key__startswith="portal:lookup_ip:", count__gt=10).exists()


# --- a device or a phone that keeps failing -----------------------------------------------


def test_a_device_that_keeps_guessing_gets_the_question_then_the_hard_limit(
    world: World, settings, limits
) -> None:
    settings.XINFANG = {**settings.XINFANG, "TRUSTED_PROXY_HEADER": ""}  # the device alone
    no, secret = secret_of(submit(Client(), world).content.decode())
    guesser = Client()
    guesser.get("/portal/track/")
    for i in range(3):
        r = track(guesser, no, f"AAAA-BBBB-{i:04d}")
        assert r.status_code == 404 and "受理编号或查询码不正确" in r.content.decode()
    html = r.content.decode()
    assert asked(html)  # the third "not correct" already carries the question
    # Without an answer nothing is checked, not even the right secret.
    r = track(guesser, no, secret)
    assert r.status_code == 400 and asked(r.content.decode())
    assert "请回答下面的验证问题" in r.content.decode()
    # With the answer a guess is checked again, and counts (4 failures).
    r = track(guesser, no, "AAAA-BBBB-0003", **answer(r.content.decode()))
    assert r.status_code == 404 and asked(r.content.decode())
    # A wrong answer counts as an attempt (5 failures).
    r = track(guesser, no, "AAAA-BBBB-0004", **answer(r.content.decode(), wrong=True))
    assert r.status_code == 400 and "回答不正确" in r.content.decode()
    # The sixth failure reaches the hard limit: 429, Retry-After, when to come back.
    r = track(guesser, no, "AAAA-BBBB-0005", **answer(r.content.decode()))
    assert r.status_code == 429 and 3570 <= int(r["Retry-After"]) <= 3600
    text = r.content.decode()
    assert "操作过于频繁，请60分钟后" in text and re.search(r"\d\d:\d\d以后）再试", text)
    assert "Too many" not in text and not asked(text)
    # Now even the right secret with a right answer is refused on this device …
    r = track(guesser, no, secret)
    assert r.status_code == 429
    # … and only on it: the citizen's own phone opens the matter.
    assert track(Client(), no, secret).status_code == 302
    # The store counts devices by a keyed hash; the cookie's value is nowhere.
    raw = guesser.cookies[device.COOKIE].value.split(":")[0]
    assert not Throttle.objects.filter(key__contains=raw).exists()
    assert not AccessLog.objects.filter(detail__contains=raw).exists()


def test_the_hard_limit_is_said_in_english_only_in_english(world: World, settings, limits) -> None:
    settings.XINFANG = {**settings.XINFANG, "TRUSTED_PROXY_HEADER": ""}
    no, _ = secret_of(submit(Client(), world).content.decode())
    c = Client()
    c.cookies["django_language"] = "en"
    r = None
    for i in range(3):
        r = track(c, no, f"AAAA-BBBB-{i:04d}")
    assert r is not None
    r = track(c, no, "AAAA-BBBB-0009")
    msg = re.search(r'<div class="msg error" role="alert">([^<]*)</div>', r.content.decode())
    assert r.status_code == 400 and msg and msg[1].isascii() and "question" in msg[1], msg
    for _ in range(3):
        r = track(c, no, "AAAA-BBBB-0009", challenge_id="x", challenge_answer="1")
    msg = re.search(r'<div class="msg error" role="alert">([^<]*)</div>', r.content.decode())
    assert r.status_code == 429 and msg and msg[1].startswith("Too many attempts"), msg
    assert msg[1].isascii()


def test_a_phone_that_keeps_submitting_gets_the_question_then_the_hard_limit(
    world: World, limits
) -> None:
    """The phone's allowance follows the phone from any browser and address."""
    results = []
    for i in range(4):
        was_asked, r = submit_as_a_person(
            at(f"198.51.100.{i}"), world, title=f"第{i}件", phone="13900001111"
        )
        results.append((was_asked, r.status_code))
    assert results == [(False, 200), (False, 200), (True, 200), (True, 200)]
    assert Matter.objects.count() == 4
    # The fifth: refused already on the confirmation page, with the typed text kept.
    r = preview(at("198.51.100.9"), world, title="第5件", phone="13900001111")
    assert r.status_code == 429 and 3570 <= int(r["Retry-After"]) <= 3600
    assert "操作过于频繁" in r.content.decode() and 'value="第5件"' in r.content.decode()
    r = at("198.51.100.9").post(
        "/portal/submit/", {**form(world, title="第5件", phone="13900001111"), "step": "submit"}
    )
    assert r.status_code == 429 and Matter.objects.count() == 4


# --- one answer, one session, one time ----------------------------------------------------


def guessed_to_the_question(w: World) -> tuple[Client, str, str, str]:
    no, secret = secret_of(submit(Client(), w).content.decode())
    c = Client()
    r = None
    for i in range(3):
        r = track(c, no, f"AAAA-BBBB-{i:04d}")
    assert r is not None and asked(r.content.decode())
    return c, no, secret, r.content.decode()


def test_an_answer_cannot_be_replayed(world: World, settings, limits) -> None:
    settings.XINFANG = {**settings.XINFANG, "TRUSTED_PROXY_HEADER": ""}
    c, no, secret, html = guessed_to_the_question(world)
    solved = answer(html)
    assert track(c, no, "AAAA-BBBB-0007", **solved).status_code == 404  # used once
    r = track(c, no, secret, **solved)  # the same answer again
    assert r.status_code == 400 and "回答不正确" in r.content.decode()
    assert c.get(f"/portal/m/{no}/").status_code == 404


def test_an_answer_is_bound_to_its_session(world: World, settings, limits) -> None:
    settings.XINFANG = {**settings.XINFANG, "TRUSTED_PROXY_HEADER": ""}
    a, no, secret, html = guessed_to_the_question(world)
    b, _, _, _ = guessed_to_the_question(world)
    solved_in_a = answer(html)
    r = track(b, no, secret, **solved_in_a)
    assert r.status_code == 400 and b.get(f"/portal/m/{no}/").status_code == 404
    # Still good once, in the session that was asked.
    assert track(a, no, secret, **solved_in_a).status_code == 302


def test_a_question_expires(world: World, settings, limits, monkeypatch) -> None:
    # A question lives a minute here, well inside the device's window of wrong secrets.
    settings.XINFANG = {
        **settings.XINFANG,
        "TRUSTED_PROXY_HEADER": "",
        "PORTAL_LIMITS": {**LIMITS, "CHALLENGE_SECONDS": 60},
    }
    c, no, secret, html = guessed_to_the_question(world)
    later = challenge.time.time() + challenge.seconds() + 1
    monkeypatch.setattr(challenge.time, "time", lambda: later)
    r = track(c, no, secret, **answer(html))
    assert r.status_code == 400 and "已过期" in r.content.decode() and asked(r.content.decode())
    # An expired question is not a failure: the new one opens the matter.
    assert track(c, no, secret, **answer(r.content.decode())).status_code == 302


def test_people_answer_as_they_type(world: World, settings, limits) -> None:
    """Full-width digits from a phone keyboard and Chinese numerals are answers too."""
    settings.XINFANG = {**settings.XINFANG, "TRUSTED_PROXY_HEADER": ""}
    c, no, secret, html = guessed_to_the_question(world)
    solved = answer(html)
    wide = "".join(chr(ord(d) + 0xFEE0) for d in solved["challenge_answer"])
    assert track(c, no, secret, **{**solved, "challenge_answer": f" {wide} "}).status_code == 302
    assert challenge.number("十二") == 12 and challenge.number("七") == 7
    assert challenge.number("两") == 2 and challenge.number("二十") == 20
    assert challenge.number("abc") is None and challenge.number("") is None


# --- without scripts, and the device cookie ------------------------------------------------


def test_the_question_is_a_plain_form_field(world: World, settings, limits) -> None:
    """No script, image or audio: a text question labelling a text field inside the form
    that is submitted, so keyboard, screen reader and a browser without JavaScript all
    reach it."""
    settings.XINFANG = {**settings.XINFANG, "TRUSTED_PROXY_HEADER": ""}
    _, _, _, html = guessed_to_the_question(world)
    forms = re.findall(r"<form method=\"post\"[^>]*>(.*?)</form>", html, re.S)
    inside = [f for f in forms if 'name="challenge_answer"' in f]
    assert len(inside) == 1
    f = inside[0]
    assert 'name="secret"' in f and 'type="submit"' in f and 'name="challenge_id"' in f
    q = QUESTION.search(f)
    assert q and f'id="{q[1]}"' in f
    assert "<img" not in f and "<audio" not in f and "<script" not in f and "hidden>" not in f


def test_the_device_cookie(world: World) -> None:
    """A random number, signed, HttpOnly, SameSite=Lax, for the portal's pages only; a
    tampered one is replaced."""
    c = Client()
    r = c.get("/portal/submit/")
    cookie = r.cookies[device.COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/portal/"
    assert int(cookie["max-age"]) >= 180 * 24 * 3600
    value = cookie.value
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}:\S+", value)  # the id, then its signature
    assert device.COOKIE not in c.get("/portal/submit/").cookies  # kept, not re-issued
    c.cookies[device.COOKIE] = value.split(":")[0] + ":forged"
    assert c.get("/portal/track/").cookies[device.COOKIE].value != value


# --- bookings -----------------------------------------------------------------------------


def test_a_booking_past_the_device_allowance_asks_the_question_and_keeps_the_input(
    world: World, limits
) -> None:
    d = day(world, capacity=10)
    c = at()
    page = c.get("/portal/reception/").content.decode()
    assert not asked(page)
    for i in range(2):
        r = c.post(
            f"/portal/reception/{d.pk}/book/",
            {"name": f"钱{i}", "phone": f"1360000000{i}", "description": "征地补偿"},
        )
        assert r.status_code == 200 and "预约成功" in r.content.decode()
    data = {"name": "孙八", "phone": "13600000009", "description": "宅基地纠纷"}
    r = c.post(f"/portal/reception/{d.pk}/book/", data)
    html = r.content.decode()
    assert r.status_code == 400 and asked(html) and Booking.objects.count() == 2
    assert 'value="孙八"' in html and 'value="13600000009"' in html and "宅基地纠纷" in html
    r = c.post(f"/portal/reception/{d.pk}/book/", {**data, **answer(html)})
    assert r.status_code == 200 and "预约成功" in r.content.decode()
    assert Booking.objects.count() == 3
    assert asked(c.get("/portal/reception/").content.decode())  # shown with the form now


# --- in a real browser with JavaScript switched off -----------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_question_works_without_javascript(live_server, settings) -> None:
    import os

    from ..browser import chromium
    from ..factories import build_world

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    settings.XINFANG = {**settings.XINFANG, "PORTAL_LIMITS": LIMITS, "TRUSTED_PROXY_HEADER": ""}
    w = build_world()
    no, secret = secret_of(submit(Client(), w).content.decode())
    with chromium() as b:
        ctx = b.new_context(java_script_enabled=False, locale="zh-CN")
        page = ctx.new_page()
        page.goto(f"{live_server.url}/portal/track/")
        for i in range(3):
            page.fill("#receipt_no", no)
            page.fill("#secret", f"AAAA-BBBB-{i:04d}")
            page.click("main button[type=submit]")
            page.wait_for_selector("text=受理编号或查询码不正确")
        label = page.locator("label[for^=challenge_answer]")
        assert label.is_visible()
        q = QUESTION.search(f'<label for="challenge_answer">{label.inner_text().strip()}')
        assert q, label.inner_text()
        value = int(q[2]) + int(q[4]) if q[3] == "加" else int(q[2]) - int(q[4])
        page.fill("#secret", secret)
        page.get_by_label(label.inner_text().strip()).fill(str(value))
        page.click("main button[type=submit]")
        page.wait_for_url(f"**/portal/m/{no}/")
        assert page.is_visible("text=已收到，正在登记审查")
        ctx.close()
