"""Citizens' access: receipt number + secret, remembered in the session for a while; and
the rate limits that keep the portal usable under abuse without locking out real people.

A wrong secret and an unknown number get the same answer, so lookups reveal nothing. A
verified lookup opens the whole chain (original, 复查, 复核), which shares one secret
(XFGZ Arts. 35–36), for ``TTL`` seconds in this browser session only.

The counters are shared by every worker process (``core.throttle``). Limits per address
apply only when a trusted proxy reports the client's address: behind the proxy, the
connection address is everyone's.

The lookup lock never refuses the right receipt number and secret. What stops guessing
is the secret: 12 characters of a 32-character alphabet, 2⁶⁰ values, so a million
guesses a second at one matter would take over 18,000 years on average. A lock that also
refused the right secret would add nothing against that and would let anyone who knows
a receipt number (printed on every notice) — or who shares a citizen's address — lock the
citizen out. So the lock counts wrong secrets per receipt number (from any address) and
per client address; past the limit a wrong secret is answered "too many attempts"
(429) instead of "not correct", which tells a mistyping citizen to check the receipt,
and the first refusal is written to the access log, so the office sees a number under
attack. The right secret is checked first and always opens the matter.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from xinfang.actions.registration import hash_secret
from xinfang.audit.services import log_access
from xinfang.cases.models import Matter
from xinfang.core import throttle as counters
from xinfang.core.crypto import blind_index, normalise_phone
from xinfang.core.errors import UserError

SESSION_KEY = "portal_access"
TTL = 30 * 60

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "SUBMIT_PER_IP": (5, 3600),
    "SUBMIT_PER_PHONE": (3, 3600),
    "LOOKUP_PER_IP": (20, 600),
    "LOOKUP_PER_NUMBER": (10, 3600),
    "BOOK_PER_IP": (10, 3600),
}
KINDS = {
    "submit_ip": "SUBMIT_PER_IP",
    "submit_phone": "SUBMIT_PER_PHONE",
    "lookup_ip": "LOOKUP_PER_IP",
    "lookup_no": "LOOKUP_PER_NUMBER",
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
    """The caller's address from the trusted proxy header, or "" when it is not known
    (then nothing is limited per address): ``core.throttle.client_address``."""
    return counters.client_address(request)


def phone_key(phone: str) -> str:
    """Rate-limit key for a phone number: a keyed hash, so the store never holds phones."""
    return blind_index(normalise_phone(phone))


def _exempt(kind: str, who: str) -> bool:
    # Reception halls and community service points submit for many people from one
    # address: a deployment lists them so that real people are not locked out.
    return kind.endswith("_ip") and who in settings.XINFANG.get("PORTAL_TRUSTED_IPS", ())


def _key(kind: str, who: str) -> str:
    if kind.endswith("_ip"):
        who = counters.address_key(who)
    return f"portal:{kind}:{who}"


def _over(kind: str, who: str) -> bool:
    limit, _ = _limit(kind)
    return bool(who) and not _exempt(kind, who) and counters.count(_key(kind, who)) >= limit


def check(kind: str, who: str) -> None:
    """Refuse with ``TooMany`` if ``who`` already used up the limit; counts nothing."""
    if _over(kind, who):
        raise TooMany(_limit(kind)[1])


def hit(kind: str, who: str) -> int:
    """Count one attempt in a fixed window that starts with the first attempt; returns the
    count (0 when nothing is counted: no address known, or an exempt one)."""
    if not who or _exempt(kind, who):
        return 0
    return counters.hit(_key(kind, who), _limit(kind)[1])


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


def typed_secret(secret: str) -> str:
    """The secret as it was issued (``ABCD-EFGH-JKLM``) from what a person typed or a phone
    keyboard produced: full-width letters, lower case, spaces and any kind of dash."""
    compact = "".join(c for c in unicodedata.normalize("NFKC", secret) if c.isalnum()).upper()
    if len(compact) == 12:
        return f"{compact[:4]}-{compact[4:8]}-{compact[8:]}"
    return compact


def typed_receipt_no(receipt_no: str) -> str:
    """The receipt number from what was typed: full-width digits and dashes, spaces."""
    text = unicodedata.normalize("NFKC", receipt_no)
    return "".join("-" if c in "-‐‑‒–—―" else c for c in text if not c.isspace())[:40]


def verify(request: HttpRequest, receipt_no: str, secret: str) -> Matter:
    """Open a matter by receipt number and secret, or raise the one generic error.

    The right pair always opens the matter, whatever others tried before (see the module
    docstring). Only wrong ones count, per receipt number and per client address; past
    either limit a wrong one is refused with ``TooMany`` instead.
    """
    ip = client_ip(request)
    no = typed_receipt_no(receipt_no)
    m = Matter.objects.filter(receipt_no=no).first() if no else None
    given = hash_secret(typed_secret(secret))
    # Compare even when the number is unknown, so both paths take the same time.
    stored = m.secret_hash if m is not None else hash_secret("-")
    if secrets.compare_digest(stored, given) and m is not None:
        counters.reset(_key("lookup_no", no))  # the owner mistyped before: forget it
        grant(request, m)
        return m
    wait = 0
    for kind, who in (("lookup_no", no), ("lookup_ip", ip)):
        n, limit = hit(kind, who), _limit(kind)[0]  # n counts this failure too
        if n > limit:
            wait = max(wait, counters.retry_after(_key(kind, who)), 1)
        if n == limit + 1:  # the first refusal in this window
            log_access(user=None, what="lookup_locked", detail=who, request=request)
    if wait:
        raise TooMany(wait)
    raise UserError(
        "not_found",
        "受理编号或查询码不正确，请核对后重试",
        "The receipt number or the secret is not correct",
    )


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
