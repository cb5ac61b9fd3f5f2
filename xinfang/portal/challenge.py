"""A question the portal asks before it goes on, when its limits call for one
(``access.admit``): a small sum or difference, such as "7 加 5 等于多少？".

What it guarantees:

- made here, on the server: no outside service is asked and nothing about the citizen leaves
  the server;
- plain text that labels the answer field of the form being sent, so a screen reader reads
  it, a keyboard reaches it and a browser without JavaScript submits it (no image, no audio,
  no script);
- bound to the session that was asked: the expected answer stays in that session, as a
  keyed digest only, and another session's answer is wrong there;
- one time: a question is struck off when an answer to it is checked, right or wrong;
- expiring: ``seconds()`` after it was asked (``XINFANG['PORTAL_LIMITS']['CHALLENGE_SECONDS']``),
  an answer is not checked and a new question is asked.

A session keeps its ``KEEP`` latest open questions per action, so a page open in a second
tab still works. Answers are read as people type them: full-width digits, spaces and the
Chinese numerals up to twenty.

A sum keeps no determined program out; what it does is make each try cost a round trip in
a session, and it lets people through where the old limits refused them. The hard limits in
``access`` stay for a device or a phone that keeps failing.
"""

from __future__ import annotations

import secrets
import time
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

SESSION_KEY = "portal_challenge"
KEEP = 5
DEFAULT_SECONDS = 20 * 60
FIELD_ID = "challenge_id"
FIELD_ANSWER = "challenge_answer"
_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5}
_DIGITS |= {"六": 6, "七": 7, "八": 8, "九": 9}


class Outcome(StrEnum):
    PASSED = "passed"
    MISSING = "missing"  # no answer given: ask, count nothing
    EXPIRED = "expired"  # asked too long ago: ask again, count nothing
    WRONG = "wrong"  # a wrong answer, or one to a question this session was not asked


@dataclass(frozen=True)
class Challenge:
    """What a page shows: the question and the number the answer is sent back with."""

    id: str
    question: str


def seconds() -> int:
    """How long a question may be answered."""
    cfg = settings.XINFANG.get("PORTAL_LIMITS", {})
    return int(cfg.get("CHALLENGE_SECONDS", DEFAULT_SECONDS))


def _digest(cid: str, answer: int) -> str:
    return salted_hmac("xinfang.portal.challenge", f"{cid}:{answer}").hexdigest()


def _question() -> tuple[str, int]:
    """A sum of two digits, or a difference from ten to eighteen: answers from 1 to 18."""
    if secrets.randbelow(2):
        a, b = 1 + secrets.randbelow(9), 1 + secrets.randbelow(9)
        return _("%(a)d 加 %(b)d 等于多少？") % {"a": a, "b": b}, a + b
    a, b = 10 + secrets.randbelow(9), 1 + secrets.randbelow(9)
    return _("%(a)d 减 %(b)d 等于多少？") % {"a": a, "b": b}, a - b


def number(text: str) -> int | None:
    """The whole number someone typed: ``12``, ``１２``, ``十二``; None if it is not one."""
    s = "".join(unicodedata.normalize("NFKC", text).split())
    if s.isascii() and s.isdigit() and len(s) <= 4:
        return int(s)
    if len(s) == 1 and s in _DIGITS:
        return _DIGITS[s]
    if "十" in s and s.count("十") == 1:
        tens, _sep, ones = s.partition("十")
        if len(tens) > 1 or len(ones) > 1 or any(c not in _DIGITS for c in tens + ones):
            return None
        return (_DIGITS[tens] if tens else 1) * 10 + (_DIGITS[ones] if ones else 0)
    return None


def _open(request: Any, action: str) -> list[list[Any]]:
    return list(request.session.get(SESSION_KEY, {}).get(action, []))


def _keep(request: Any, action: str, entries: list[list[Any]]) -> None:
    store = dict(request.session.get(SESSION_KEY, {}))
    store[action] = entries
    request.session[SESSION_KEY] = store


def issue(request: Any, action: str) -> Challenge:
    """Ask a new question in this session for ``action`` ("submit", "lookup", "book")."""
    now = time.time()
    question, answer = _question()
    cid = secrets.token_urlsafe(12)
    kept = [e for e in _open(request, action) if e[2] > now][-(KEEP - 1) :]
    _keep(request, action, [*kept, [cid, _digest(cid, answer), now + seconds()]])
    return Challenge(cid, question)


def check(request: Any, action: str) -> Outcome:
    """Check the answer the request carries, striking the question off whatever it says."""
    cid = str(request.POST.get(FIELD_ID, ""))[:40]
    if not cid:
        return Outcome.MISSING
    entries = _open(request, action)
    found = next((e for e in entries if e[0] == cid), None)
    if found is None:
        return Outcome.WRONG  # answered already, another session's, or made up
    _keep(request, action, [e for e in entries if e is not found])
    if found[2] <= time.time():
        return Outcome.EXPIRED
    given = str(request.POST.get(FIELD_ANSWER, ""))[:20]
    if not given.strip():
        return Outcome.MISSING
    value = number(given)
    if value is None or not constant_time_compare(found[1], _digest(cid, value)):
        return Outcome.WRONG
    return Outcome.PASSED
