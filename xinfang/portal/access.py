"""Citizens' access: receipt number + secret, remembered in the session for a while.

A wrong secret and an unknown number get the same answer, so lookups reveal nothing. A
verified lookup opens the whole chain (original, 复查, 复核), which shares one secret.
"""

from __future__ import annotations

import secrets
import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

from xinfang.cases.models import Matter
from xinfang.cases.services import hash_secret
from xinfang.core.errors import UserError

SESSION_KEY = "portal_access"
TTL = 30 * 60


def _limits() -> dict[str, tuple[int, int]]:
    cfg = settings.XINFANG.get("PORTAL_LIMITS", {})

    def pair(key: str, default: tuple[int, int]) -> tuple[int, int]:
        a, b = cfg.get(key, default)
        return int(a), int(b)

    return {
        "submit_ip": pair("SUBMIT_PER_IP", (5, 3600)),
        "submit_phone": pair("SUBMIT_PER_PHONE", (3, 3600)),
        "lookup_ip": pair("LOOKUP_PER_IP", (20, 600)),
    }


class TooMany(UserError):
    status = 429


def throttle(kind: str, who: str) -> None:
    """Count one attempt; refuse with 429 past the limit (the window is fixed)."""
    limit, window = _limits()[kind]
    key = f"portal:{kind}:{who}"
    cache.add(key, 0, window)
    n = cache.incr(key)
    if n > limit:
        raise TooMany(
            "too_many",
            f"操作过于频繁，请{max(window // 60, 1)}分钟后再试",
            "Too many attempts; please try again later",
        )


def chain_ids(m: Matter) -> list[int]:
    root = m
    while root.parent_id is not None:
        root = root.parent  # type: ignore[assignment]
    ids = [root.pk]
    for child in Matter.objects.filter(parent=root):
        ids.append(child.pk)
        ids += list(Matter.objects.filter(parent=child).values_list("pk", flat=True))
    return ids


def verify(request: Any, receipt_no: str, secret: str) -> Matter:
    ip = request.META.get("REMOTE_ADDR", "")
    throttle("lookup_ip", ip)
    m = Matter.objects.filter(receipt_no=receipt_no.strip()).first()
    given = hash_secret(secret.strip().upper())
    if m is None or not secrets.compare_digest(m.secret_hash, given):
        raise UserError("not_found", "受理编号或查询码不正确", "Receipt number or secret is wrong")
    grant(request, m)
    return m


def grant(request: Any, m: Matter) -> None:
    access = request.session.get(SESSION_KEY, {})
    until = time.time() + TTL
    for pk in chain_ids(m):
        access[str(pk)] = until
    request.session[SESSION_KEY] = access


def allowed(request: Any, m: Matter) -> bool:
    until = request.session.get(SESSION_KEY, {}).get(str(m.pk))
    return bool(until and until > time.time())
