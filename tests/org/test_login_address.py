"""Sign-in locks per account, and per client address only from a trusted proxy header
(issue 25, finding 5).

Behind the documented reverse proxy every request comes from the proxy's address, so a
lock on the connection address locked out every member of staff after twenty failures.
"""

from __future__ import annotations

import pytest
from django.test import Client, RequestFactory

from xinfang.audit.models import AccessLog
from xinfang.core.throttle import address_key, client_address

from ..factories import PASSWORD, World

PROXY = "10.0.0.1"


def _sign_in(c: Client, username: str, password: str) -> str:
    r = c.post("/login/", {"username": username, "password": password})
    if r.status_code == 302:
        return "ok"
    return "locked" if "登录失败次数过多" in r.content.decode() else "failed"


def test_failures_through_the_proxy_lock_out_no_one_else(world: World) -> None:
    """No trusted header: the connection address is the proxy's, so there is no address
    lock; twenty-five failures for many accounts leave every other account usable."""
    for i in range(25):
        c = Client(REMOTE_ADDR=PROXY)
        assert _sign_in(c, f"nobody{i % 7}", "wrong") == "failed"  # < 5 an account
    assert _sign_in(Client(REMOTE_ADDR=PROXY), "leader", PASSWORD) == "ok"
    assert _sign_in(Client(REMOTE_ADDR=PROXY), "handler", PASSWORD) == "ok"


def test_the_account_locks_whatever_the_address(world: World) -> None:
    for i in range(5):
        c = Client(REMOTE_ADDR=f"192.0.2.{i}")
        assert _sign_in(c, "handler", "wrong") == "failed"
    assert _sign_in(Client(REMOTE_ADDR="192.0.2.99"), "handler", PASSWORD) == "locked"
    assert _sign_in(Client(REMOTE_ADDR="192.0.2.0"), "leader", PASSWORD) == "ok"


def test_trusted_header_locks_the_client_not_the_proxy(world: World, settings) -> None:
    settings.XINFANG = {
        **settings.XINFANG,
        "TRUSTED_PROXY_HEADER": "X-Forwarded-For",
        "TRUSTED_PROXY_HOPS": 1,
    }
    attacker = "203.0.113.9"
    for i in range(20):
        c = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=attacker)
        assert _sign_in(c, f"nobody{i % 5}", "wrong") == "failed"
    c = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=attacker)
    assert _sign_in(c, "leader", PASSWORD) == "locked"
    # A forged entry before the proxy's own is not the address the proxy saw.
    forged = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"198.51.100.1, {attacker}")
    assert _sign_in(forged, "leader", PASSWORD) == "locked"
    # A colleague behind the same proxy signs in.
    colleague = Client(REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert _sign_in(colleague, "leader", PASSWORD) == "ok"
    assert AccessLog.objects.filter(what="login_locked").count() == 2


def test_address_lock_limit_is_a_setting(world: World, settings) -> None:
    settings.XINFANG = {
        **settings.XINFANG,
        "TRUSTED_PROXY_HEADER": "X-Real-IP",
        "LOGIN_THROTTLE": {"FAILURES": 5, "SECONDS": 900, "ADDRESS_FAILURES": 3},
    }
    for i in range(3):
        c = Client(HTTP_X_REAL_IP="203.0.113.5")
        assert _sign_in(c, f"nobody{i}", "wrong") == "failed"
    assert _sign_in(Client(HTTP_X_REAL_IP="203.0.113.5"), "leader", PASSWORD) == "locked"
    assert _sign_in(Client(HTTP_X_REAL_IP="203.0.113.6"), "leader", PASSWORD) == "ok"


@pytest.mark.parametrize(
    ("header", "hops", "meta", "expected"),
    [
        ("", 1, {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}, ""),  # no proxy configured
        ("REMOTE_ADDR", 1, {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}, "10.0.0.1"),
        ("X-Forwarded-For", 1, {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}, "203.0.113.1"),
        ("X-Forwarded-For", 1, {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.1"}, "203.0.113.1"),
        (
            "X-Forwarded-For",
            2,
            {"HTTP_X_FORWARDED_FOR": "1.1.1.1, 203.0.113.1, 10.0.0.2"},
            "203.0.113.1",
        ),
        ("X-Forwarded-For", 2, {"HTTP_X_FORWARDED_FOR": "203.0.113.1"}, ""),  # too few hops
        ("X-Forwarded-For", 1, {}, ""),  # the proxy did not set it
        ("X-Forwarded-For", 1, {"HTTP_X_FORWARDED_FOR": "not-an-address"}, ""),
        ("x-real-ip", 1, {"HTTP_X_REAL_IP": " 2001:db8::1 "}, "2001:db8::1"),
    ],
)
def test_client_address(settings, header: str, hops: int, meta: dict, expected: str) -> None:
    settings.XINFANG = {
        **settings.XINFANG,
        "TRUSTED_PROXY_HEADER": header,
        "TRUSTED_PROXY_HOPS": hops,
    }
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", **meta)
    assert client_address(request) == expected


def test_an_ipv6_client_is_locked_by_its_network() -> None:
    """One IPv6 subscriber holds a whole /64: locking one address of it stops nothing."""
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:ffff::9")
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("203.0.113.1") == "203.0.113.1"
