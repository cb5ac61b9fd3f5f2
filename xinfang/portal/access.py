"""Citizens' access: receipt number + secret, remembered in the session for a while; and
the rate limits that keep the portal usable under abuse without locking out real people.

A wrong secret and an unknown number get the same answer, so lookups reveal nothing. A
verified lookup opens the whole chain (original, 复查, 复核), which shares one secret
(XFGZ Arts. 35–36), for ``TTL`` seconds in this browser session only.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest

from xinfang.cases.models import Matter
from xinfang.cases.services import hash_secret
from xinfang.core.crypto import blind_index, normalise_phone
from xinfang.core.errors import UserError

SESSION_KEY = "portal_access"
TTL = 30 * 60

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "SUBMIT_PER_IP": (5, 3600),
    "SUBMIT_PER_PHONE": (3, 3600),
    "LOOKUP_PER_IP": (20, 600),
    "BOOK_PER_IP": (10, 3600),
}
KINDS = {
    "submit_ip": "SUBMIT_PER_IP",
    "submit_phone": "SUBMIT_PER_PHONE",
    "lookup_ip": "LOOKUP_PER_IP",
    "book_ip": "BOOK_PER_IP",
}


def _limit(kind: str) -> tuple[int, int]:
    """(attempts, seconds) from XINFANG['PORTAL_LIMITS'], else the default."""
    key = KINDS[kind]
    cfg = settings.XINFANG.get("PORTAL_LIMITS", {})
    n, window = cfg.get(key, DEFAULT_LIMITS[key])
    return int(n), int(window)


class TooMany(UserError):
    """The caller went past a rate limit (HTTP 429); ``retry_after`` is in seconds."""

    status = 429

    def __init__(self, window: int) -> None:
        minutes = max(window // 60, 1)
        super().__init__(
            "too_many",
            f"操作过于频繁，请{minutes}分钟后再试。如有急事，请拨打当地信访部门电话或来访",
            f"Too many attempts; please try again in {minutes} minutes",
        )
        self.retry_after = window


def client_ip(request: HttpRequest) -> str:
    """The caller's address. Behind a reverse proxy, XINFANG['PORTAL_IP_HEADER'] names the
    META key the proxy sets (e.g. ``HTTP_X_REAL_IP``); never trust it without a proxy."""
    header = settings.XINFANG.get("PORTAL_IP_HEADER") or "REMOTE_ADDR"
    value = str(request.META.get(header) or request.META.get("REMOTE_ADDR", ""))
    return value.split(",")[0].strip()


def phone_key(phone: str) -> str:
    """Rate-limit key for a phone number: a keyed hash, so the cache never holds phones."""
    return blind_index(normalise_phone(phone))


def _exempt(kind: str, who: str) -> bool:
    # Reception halls and community service points submit for many people from one
    # address: a deployment lists them so that real people are not locked out.
    return kind.endswith("_ip") and who in settings.XINFANG.get("PORTAL_TRUSTED_IPS", ())


def _key(kind: str, who: str) -> str:
    return f"portal:{kind}:{who}"


def check(kind: str, who: str) -> None:
    """Refuse with ``TooMany`` if ``who`` already used up the limit; counts nothing."""
    limit, window = _limit(kind)
    if who and not _exempt(kind, who) and int(cache.get(_key(kind, who), 0)) >= limit:
        raise TooMany(window)


def hit(kind: str, who: str) -> None:
    """Count one attempt in a fixed window that starts with the first attempt."""
    if not who or _exempt(kind, who):
        return
    _, window = _limit(kind)
    key = _key(kind, who)
    cache.add(key, 0, window)
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, window)


def throttle(kind: str, who: str) -> None:
    """Check, then count: for attempts that cost something whether they succeed or not."""
    check(kind, who)
    hit(kind, who)


def chain_ids(m: Matter) -> list[int]:
    """The original matter and its 复查/复核 descendants: what one secret opens."""
    root = m
    while root.parent_id is not None:
        root = Matter.objects.only("pk", "parent_id").get(pk=root.parent_id)
    ids = [root.pk]
    level = [root.pk]
    while level:
        level = list(Matter.objects.filter(parent_id__in=level).values_list("pk", flat=True))
        ids += level
    return ids


def verify(request: HttpRequest, receipt_no: str, secret: str) -> Matter:
    """Open a matter by receipt number and secret, or raise the one generic error.

    Only failed lookups count towards the per-IP limit: a citizen who checks their own
    matter often is never locked out; someone guessing is.
    """
    ip = client_ip(request)
    check("lookup_ip", ip)
    m = Matter.objects.filter(receipt_no=receipt_no.strip()).first()
    given = hash_secret(secret.strip().upper())
    # Compare even when the number is unknown, so both paths take the same time.
    stored = m.secret_hash if m is not None else hash_secret("-")
    if not secrets.compare_digest(stored, given) or m is None:
        hit("lookup_ip", ip)
        raise UserError(
            "not_found",
            "受理编号或查询码不正确，请核对后重试",
            "The receipt number or the secret is not correct",
        )
    grant(request, m)
    return m


def grant(request: Any, m: Matter) -> None:
    """Let this session open ``m``'s whole chain for ``TTL`` seconds."""
    access = dict(request.session.get(SESSION_KEY, {}))
    now = time.time()
    access = {k: v for k, v in access.items() if v > now}
    for pk in chain_ids(m):
        access[str(pk)] = now + TTL
    request.session[SESSION_KEY] = access


def allowed(request: Any, m: Matter) -> bool:
    until = request.session.get(SESSION_KEY, {}).get(str(m.pk))
    return bool(until and until > time.time())


def forget(request: Any) -> None:
    """Close every matter this session opened (a shared computer)."""
    request.session.pop(SESSION_KEY, None)
