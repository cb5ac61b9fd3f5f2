"""Citizens' access: receipt number + secret, remembered in the session for a while; and
the rate limits that keep the portal usable under abuse without locking out real people.

A wrong secret and an unknown number get the same answer, so lookups reveal nothing. A
verified lookup opens the whole chain (original, 复查, 复核), which shares one secret
(XFGZ Arts. 35–36), for ``TTL`` seconds in this browser session only.

Limits
------
Attempts are counted per phone number (a keyed hash), per device (``portal.device``: a
random number in a cookie) and per client address (only from a trusted proxy header:
behind the proxy, the connection address is everyone's); never per person. The counters
are shared by every worker process (``core.throttle``). What counts: a registered
submission, a booking, a wrong secret, and a wrong answer to the question
(``portal.challenge``), which counts on every counter of its action.

- Past its allowance, a phone, a device or an address makes the portal ask the question
  before it goes on; once answered, the attempt proceeds as any other.
- An address is never refused on its own. Hundreds of people may share one (a township
  hall's kiosk, a carrier's shared address), so its allowance is a high ceiling that only
  asks the question; addresses in ``XINFANG['PORTAL_TRUSTED_IPS']`` are not counted.
- Hard limits (``TooMany``: 429 with Retry-After and the time to come back): a device with
  ``FAILURES_PER_DEVICE`` failures in that window is refused every attempt until the window
  ends; a phone with ``*_PER_PHONE_MAX`` submissions (bookings) in the window of
  ``*_PER_PHONE`` is refused further ones. Others cannot bring either about from their own
  browsers.

The lookup never refuses the right receipt number and secret except on a device that has
kept failing; at worst it asks the question first. What stops guessing is the secret: 12
characters of a 32-character alphabet, 2⁶⁰ values, so a million guesses a second at one
matter would take over 18,000 years on average. Wrong secrets are also counted per receipt
number (from any device or address); past that limit a wrong secret is answered "too many
attempts" (429) instead of "not correct", which tells a mistyping citizen to check the
receipt, and the first refusal is written to the access log, so the office sees a number
under attack. That count never refuses the right secret and never asks the question.

Settings
--------
``XINFANG['PORTAL_LIMITS']`` holds any of these keys; a missing key takes its value from
``DEFAULT_LIMITS`` or ``DEFAULT_MAX``. ``(attempts, seconds)`` is an allowance in a fixed
window that starts with its first attempt.

- ``SUBMIT_PER_IP``, ``SUBMIT_PER_DEVICE``, ``SUBMIT_PER_PHONE`` ``(attempts, seconds)``:
  submissions from one address, one device, with one phone before the question is asked;
- ``SUBMIT_PER_PHONE_MAX`` (a number): submissions with one phone in the window of
  ``SUBMIT_PER_PHONE`` before further ones are refused;
- ``LOOKUP_PER_IP``, ``LOOKUP_PER_DEVICE`` ``(attempts, seconds)``: wrong secrets from one
  address, one device before the question is asked;
- ``LOOKUP_PER_NUMBER`` ``(attempts, seconds)``: wrong secrets for one receipt number before
  they are answered "too many attempts";
- ``BOOK_PER_IP``, ``BOOK_PER_DEVICE``, ``BOOK_PER_PHONE`` ``(attempts, seconds)`` and
  ``BOOK_PER_PHONE_MAX`` (a number): the same for reception-day bookings;
- ``FAILURES_PER_DEVICE`` ``(attempts, seconds)``: wrong secrets and wrong answers from one
  device, whatever the action, before it is refused;
- ``CHALLENGE_SECONDS`` (a number): how long a question may be answered.
"""

from __future__ import annotations

import math
import re
import secrets
import time
import unicodedata
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from xinfang.actions.registration import hash_secret
from xinfang.audit.services import log_access
from xinfang.cases.models import Matter
from xinfang.core import throttle as counters
from xinfang.core.crypto import blind_index, normalise_phone
from xinfang.core.errors import UserError

from . import challenge, device
from .challenge import Challenge, Outcome

SESSION_KEY = "portal_access"
TTL = 30 * 60

DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    "SUBMIT_PER_IP": (30, 3600),
    "SUBMIT_PER_DEVICE": (5, 3600),
    "SUBMIT_PER_PHONE": (3, 3600),
    "LOOKUP_PER_IP": (60, 600),
    "LOOKUP_PER_DEVICE": (5, 600),
    "LOOKUP_PER_NUMBER": (10, 3600),
    "BOOK_PER_IP": (30, 3600),
    "BOOK_PER_DEVICE": (5, 3600),
    "BOOK_PER_PHONE": (3, 3600),
    "FAILURES_PER_DEVICE": (20, 3600),
}
DEFAULT_MAX: dict[str, int] = {"SUBMIT_PER_PHONE_MAX": 10, "BOOK_PER_PHONE_MAX": 6}
KINDS = {
    "submit_ip": "SUBMIT_PER_IP",
    "submit_device": "SUBMIT_PER_DEVICE",
    "submit_phone": "SUBMIT_PER_PHONE",
    "lookup_ip": "LOOKUP_PER_IP",
    "lookup_device": "LOOKUP_PER_DEVICE",
    "lookup_no": "LOOKUP_PER_NUMBER",
    "book_ip": "BOOK_PER_IP",
    "book_device": "BOOK_PER_DEVICE",
    "book_phone": "BOOK_PER_PHONE",
    "failed_device": "FAILURES_PER_DEVICE",
}


def _settings() -> dict[str, Any]:
    return dict(settings.XINFANG.get("PORTAL_LIMITS") or {})


def _limit(kind: str) -> tuple[int, int]:
    """(attempts, seconds) from XINFANG['PORTAL_LIMITS'], else the default."""
    key = KINDS[kind]
    n, window = _settings().get(key, DEFAULT_LIMITS[key])
    return int(n), int(window)


def _hard(kind: str) -> int | None:
    """The hard limit on ``kind``'s counter, if it has one."""
    key = f"{KINDS[kind]}_MAX"
    if key not in DEFAULT_MAX:
        return None
    return int(_settings().get(key, DEFAULT_MAX[key]))


def _when(wait: int) -> tuple[str, str]:
    """The local time a wait of ``wait`` seconds ends, as Chinese and English readers say it."""
    end = timezone.localtime() + timedelta(seconds=wait)
    if end.date() == timezone.localdate():
        return f"{end:%H:%M}", f"{end:%H:%M}"
    return f"{end.month}月{end.day}日{end:%H:%M}", f"{end.day} {end:%b %H:%M}"


class TooMany(UserError):
    """A hard limit (HTTP 429); ``retry_after`` is in seconds, and the message says when."""

    status = 429

    def __init__(self, wait: int) -> None:
        wait = max(int(wait), 1)
        minutes = max(math.ceil(wait / 60), 1)
        zh_at, en_at = _when(wait)
        super().__init__(
            "too_many",
            f"操作过于频繁，请{minutes}分钟后（{zh_at}以后）再试。"
            "如有急事，请拨打当地信访部门电话或来访",
            f"Too many attempts; please try again in {minutes} "
            f"minute{'s' if minutes > 1 else ''} (after {en_at}). If it is urgent, "
            "call or visit your local letters and visits office",
        )
        self.retry_after = wait


_ASK = {
    Outcome.MISSING: (
        "为保障网上信访正常使用，请回答下面的验证问题后继续",
        "To keep the portal open to everyone, please answer the question below to continue",
    ),
    Outcome.EXPIRED: (
        "验证问题已过期，请回答下面的新问题",
        "The question has expired; please answer the new question below",
    ),
    Outcome.WRONG: (
        "验证问题回答不正确，请回答下面的新问题",
        "The answer was not correct; please answer the new question below",
    ),
}


class ChallengeNeeded(UserError):
    """The attempt waits for an answer to the question (HTTP 400): the page asks a new one
    (``ask``) and keeps what was typed."""

    def __init__(self, outcome: Outcome) -> None:
        zh, en = _ASK[outcome]
        super().__init__(f"challenge_{outcome}", zh, en)
        self.outcome = outcome


def client_ip(request: HttpRequest) -> str:
    """The caller's address from the trusted proxy header, or "" when it is not known
    (then nothing is counted per address): ``core.throttle.client_address``."""
    return counters.client_address(request)


def phone_key(phone: str) -> str:
    """Rate-limit key for a phone number: a keyed hash, so the store never holds phones."""
    return blind_index(normalise_phone(phone))


@dataclass(frozen=True)
class Caller:
    """The keys one attempt at ``action`` ("submit", "lookup", "book") is counted under:
    an address, a device's keyed hash, a phone's keyed hash; "" for one not known."""

    action: str
    ip: str = ""
    device: str = ""
    phone: str = ""

    def counters(self) -> list[tuple[str, str]]:
        """(kind, key) of the counters that ask for the question."""
        out = [(f"{self.action}_ip", self.ip), (f"{self.action}_device", self.device)]
        if f"{self.action}_phone" in KINDS:
            out.append((f"{self.action}_phone", self.phone))
        return out


def caller(request: HttpRequest, action: str, *, phone: str = "") -> Caller:
    """Who is attempting ``action`` in ``request``, as far as the limits count."""
    return Caller(
        action,
        ip=client_ip(request),
        device=device.key(request),
        phone=phone_key(phone) if phone else "",
    )


def _exempt(kind: str, who: str) -> bool:
    # Reception halls and community service points submit for many people from one
    # address: a deployment lists them so that they are not even asked the question.
    return kind.endswith("_ip") and who in settings.XINFANG.get("PORTAL_TRUSTED_IPS", ())


def _key(kind: str, who: str) -> str:
    if kind.endswith("_ip"):
        who = counters.address_key(who)
    return f"portal:{kind}:{who}"


def _over(kind: str, who: str) -> bool:
    limit, _ = _limit(kind)
    return bool(who) and not _exempt(kind, who) and counters.count(_key(kind, who)) >= limit


def hit(kind: str, who: str) -> int:
    """Count one attempt in a fixed window that starts with the first attempt; returns the
    count (0 when nothing is counted: no key known, or an exempt address)."""
    if not who or _exempt(kind, who):
        return 0
    return counters.hit(_key(kind, who), _limit(kind)[1])


def blocked(c: Caller) -> int:
    """Seconds until ``c`` may try again; 0 unless a hard limit holds: the device has kept
    failing, or the phone is past its hard limit for the action."""
    wait = 0
    held = [("failed_device", c.device, _limit("failed_device")[0])]
    phone_kind = f"{c.action}_phone"
    hard = _hard(phone_kind) if phone_kind in KINDS else None
    if hard is not None:
        held.append((phone_kind, c.phone, hard))
    for kind, who, limit in held:
        if who and counters.count(_key(kind, who)) >= limit:
            wait = max(wait, counters.retry_after(_key(kind, who)), 1)
    return wait


def refuse_if_blocked(c: Caller) -> None:
    """Raise ``TooMany`` while a hard limit holds for ``c``; counts nothing."""
    wait = blocked(c)
    if wait:
        raise TooMany(wait)


def needs_challenge(c: Caller) -> bool:
    """Whether ``c``'s next attempt waits for an answer to the question."""
    return any(_over(kind, who) for kind, who in c.counters())


def ask(request: Any, action: str) -> Challenge:
    """A new question for ``action`` in this session."""
    return challenge.issue(request, action)


def challenge_for(request: Any, c: Caller) -> Challenge | None:
    """The question a page with ``c``'s form shows, when the attempt will need one: asked
    with the form, it is answered in the same step."""
    return ask(request, c.action) if needs_challenge(c) else None


def admit(request: Any, c: Caller) -> None:
    """Let ``c``'s attempt go on, or raise: ``TooMany`` while a hard limit holds;
    ``ChallengeNeeded`` when the question is needed and the request does not carry the
    right answer to one this session was asked (a wrong answer counts as a failure)."""
    refuse_if_blocked(c)
    if not needs_challenge(c):
        return
    outcome = challenge.check(request, c.action)
    if outcome is Outcome.PASSED:
        return
    if outcome is Outcome.WRONG:
        failed(c)
        refuse_if_blocked(c)
    raise ChallengeNeeded(outcome)


def counted(c: Caller) -> None:
    """Count one attempt that went through (a submission, a booking)."""
    for kind, who in c.counters():
        hit(kind, who)


def failed(c: Caller) -> None:
    """Count one failure (a wrong secret, a wrong answer) on the action's counters and on
    the device's failures."""
    counted(c)
    hit("failed_device", c.device)


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
    """The receipt number from what was typed: full-width digits and dashes, spaces or any
    dash between the parts, or the digits run together (``<organ>-<year>-<serial>``, the
    serial six digits: ``actions.records.next_receipt_no``)."""
    text = unicodedata.normalize("NFKC", receipt_no)
    parts = [p for p in re.split(r"[\s\-‐‑‒–—―]+", text) if p]
    if len(parts) == 1 and parts[0].isdigit() and len(parts[0]) > 10:
        run = parts[0]
        parts = [run[:-10], run[-10:-6], run[-6:]]
    return "-".join(parts)[:40]


def verify(request: HttpRequest, receipt_no: str, secret: str) -> Matter:
    """Open a matter by receipt number and secret, or raise the one generic error.

    ``admit`` first: a device that kept failing is refused (``TooMany``), and while the
    question is needed nothing is checked until it is answered (``ChallengeNeeded``). Then
    the right pair always opens the matter, whatever others tried before (see the module
    docstring). A wrong one counts as a failure, and per receipt number; past that number's
    limit, or at the device's hard limit, it is refused with ``TooMany`` instead.
    """
    c = caller(request, "lookup")
    admit(request, c)
    no = typed_receipt_no(receipt_no)
    m = Matter.objects.filter(receipt_no=no).first() if no else None
    given = hash_secret(typed_secret(secret))
    # Compare even when the number is unknown, so both paths take the same time.
    stored = m.secret_hash if m is not None else hash_secret("-")
    if secrets.compare_digest(stored, given) and m is not None:
        counters.reset(_key("lookup_no", no))  # the owner mistyped before: forget it
        grant(request, m)
        return m
    failed(c)
    wait = blocked(c)
    n, limit = hit("lookup_no", no), _limit("lookup_no")[0]  # n counts this failure too
    if n > limit:
        wait = max(wait, counters.retry_after(_key("lookup_no", no)), 1)
    if n == limit + 1:  # the first refusal in this window
        log_access(user=None, what="lookup_locked", detail=no, request=request)
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
