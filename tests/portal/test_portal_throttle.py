"""The portal's limits: shared by every worker, per client address only from a trusted
proxy header, and a lookup lock that never refuses the right receipt number and secret
(issue 25, findings 4 and 5 and the Low finding on the lookup lock).

An address is no longer refused on its own: past its ceiling it asks for the question
(``portal.challenge``; tests/portal/test_portal_challenge.py), so the two tests of the
address limit below say so instead of expecting 429."""

from __future__ import annotations

import pytest
from django.test import Client

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Matter
from xinfang.core.models import Throttle

from ..factories import World
from .test_portal import form, secret_of, submit
from .test_portal_challenge import answer, asked

ADDRESS = {"TRUSTED_PROXY_HEADER": "X-Forwarded-For", "TRUSTED_PROXY_HOPS": 1}


def track(c: Client, no: str, secret: str) -> int:
    return c.post("/portal/track/", {"receipt_no": no, "secret": secret}).status_code


@pytest.fixture
def behind_proxy(settings) -> None:
    settings.XINFANG = {**settings.XINFANG, **ADDRESS}


def at(address: str) -> Client:
    return Client(REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=address)


def test_the_right_secret_opens_after_others_failed_at_the_same_address(
    world: World, behind_proxy, settings
) -> None:
    """A reception hall, an internet café, a carrier's shared address: someone else's
    wrong tries never keep a citizen from their own matter. Past the address's ceiling
    every lookup from it asks the question first (it used to answer 429)."""
    settings.XINFANG = {**settings.XINFANG, "PORTAL_LIMITS": {"LOOKUP_PER_IP": (20, 600)}}
    no, secret = secret_of(submit(at("203.0.113.5"), world).content.decode())
    said = [track(at("203.0.113.5"), f"X-{i}", "AAAA-BBBB-CCCC") for i in range(30)]
    assert said == [404] * 20 + [400] * 10  # unanswered questions check nothing
    citizen = at("203.0.113.5")
    r = citizen.post("/portal/track/", {"receipt_no": no, "secret": secret})
    assert r.status_code == 400 and asked(r.content.decode())
    r = citizen.post(
        "/portal/track/", {"receipt_no": no, "secret": secret, **answer(r.content.decode())}
    )
    assert r.status_code == 302


def test_the_right_secret_opens_a_number_under_attack(world: World, behind_proxy) -> None:
    """Guesses at one receipt number from many addresses lock that number for wrong
    secrets; its owner still gets in."""
    no, secret = secret_of(submit(Client(), world).content.decode())
    said = [track(at(f"198.51.100.{i}"), no, f"AAAA-BBBB-{i:04d}") for i in range(12)]
    assert said == [404] * 10 + [429] * 2
    r = at("198.51.100.200").post("/portal/track/", {"receipt_no": no, "secret": "ZZZZ-ZZZZ-ZZZZ"})
    assert r.status_code == 429 and 3570 <= int(r["Retry-After"]) <= 3600
    assert "操作过于频繁" in r.content.decode()
    assert track(at("198.51.100.201"), no, secret) == 302
    # The lock is in the access log once, naming the number, not the guesses.
    locked = AccessLog.objects.filter(what="lookup_locked")
    assert list(locked.values_list("detail", flat=True)) == [no]


def test_an_unknown_number_locks_the_same_way(world: World) -> None:
    """No difference between a number that exists and one that does not."""
    no, _ = secret_of(submit(Client(), world).content.decode())
    unknown = no[:-1] + ("9" if no[-1] != "9" else "8")
    assert not Matter.objects.filter(receipt_no=unknown).exists()
    known = [track(Client(), no, "AAAA-BBBB-CCCC") for _ in range(11)]
    other = [track(Client(), unknown, "AAAA-BBBB-CCCC") for _ in range(11)]
    assert known == other == [404] * 10 + [429]


def test_lookups_are_counted_in_the_shared_store(world: World) -> None:
    no, secret = secret_of(submit(Client(), world).content.decode())
    track(Client(), no, "AAAA-BBBB-CCCC")
    assert Throttle.objects.get(key=f"portal:lookup_no:{no}").count == 1
    # a success forgets the number's failures (the owner mistyped)
    assert track(Client(), no, secret) == 302
    assert not Throttle.objects.filter(key=f"portal:lookup_no:{no}").exists()


def test_without_a_trusted_header_no_address_limit_applies(world: World) -> None:
    """Behind the proxy every citizen has the proxy's address: six submissions from it
    in an hour are six citizens, not one."""
    for i in range(6):
        secret_of(
            submit(Client(), world, title=f"第{i}件", phone=f"1370000{i:04d}").content.decode()
        )
    assert Matter.objects.count() == 6


def test_with_a_trusted_header_the_address_ceiling_asks_the_question(
    world: World, behind_proxy, settings
) -> None:
    """The sixth submission from one address in an hour used to be refused (429); now it
    asks the question, keeps what was typed, and registers once answered."""
    settings.XINFANG = {**settings.XINFANG, "PORTAL_LIMITS": {"SUBMIT_PER_IP": (5, 3600)}}
    for i in range(5):
        secret_of(
            submit(
                at("203.0.113.7"), world, title=f"第{i}件", phone=f"1370000{i:04d}"
            ).content.decode()
        )
    sixth = at("203.0.113.7")
    r = submit(sixth, world, title="第6件", phone="13700009999")
    html = r.content.decode()
    assert r.status_code == 400 and asked(html) and 'value="第6件"' in html
    assert Matter.objects.count() == 5
    data = {**form(world, title="第6件", phone="13700009999"), "step": "submit", **answer(html)}
    secret_of(sixth.post("/portal/submit/", data, follow=True).content.decode())
    secret_of(submit(at("203.0.113.8"), world, title="第7件", phone="13700009998").content.decode())
    assert Matter.objects.count() == 7
