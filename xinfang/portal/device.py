"""The portal's device cookie: a random number that lets the limits (``access``) count the
attempts of one browser, so that people who share an address — a township hall's kiosk, a
carrier's shared address — are not counted as one.

What it guarantees (Xinfang never tracks petitioners, scope.md):

- it holds a random number and nothing else: no name, phone, matter, address or trait of
  the browser (no fingerprinting); the portal never writes it next to a matter, a booking
  or the access log;
- counters store only a keyed hash of it (``core.crypto.blind_index``), and they vanish
  when their window ends;
- it is sent only to the portal's own pages (``Path=/portal/``), never to another site
  (``SameSite=Lax``), is unreadable by scripts (``HttpOnly``) and signed, so a browser
  cannot claim another browser's number;
- it lives ``AGE`` seconds; a missing, expired or altered one is replaced by a new number.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from xinfang.core.crypto import blind_index

COOKIE = "xinfang_device"
SALT = "xinfang.portal.device"
AGE = 365 * 24 * 3600
_ID = re.compile(r"[A-Za-z0-9_-]{22}")
_KEY = "_portal_device"  # this request's hashed device, once read
_NEW = "_portal_device_new"  # a number minted for this request, to send back


def _read(request: HttpRequest) -> str:
    try:
        value = request.get_signed_cookie(COOKIE, salt=SALT, max_age=AGE)
    except (KeyError, signing.BadSignature):
        return ""
    return value if value and _ID.fullmatch(value) else ""


def key(request: HttpRequest) -> str:
    """The keyed hash the counters use for this browser; a browser without a valid cookie
    gets a new number (sent back by ``with_device``)."""
    known = getattr(request, _KEY, None)
    if known is not None:
        return str(known)
    value = _read(request)
    if not value:
        value = secrets.token_urlsafe(16)
        setattr(request, _NEW, value)
    hashed = blind_index(f"portal-device:{value}")
    setattr(request, _KEY, hashed)
    return hashed


def remember(request: HttpRequest, response: HttpResponse) -> None:
    """Send a number minted for this request back to the browser."""
    value = getattr(request, _NEW, "")
    if value:
        response.set_signed_cookie(
            COOKIE,
            value,
            salt=SALT,
            max_age=AGE,
            path=reverse("portal:home"),
            secure=settings.SESSION_COOKIE_SECURE,
            httponly=True,
            samesite="Lax",
        )


def with_device(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A portal view whose requests are counted per device: the browser has a number from
    the page with the form onwards, so the form's submission carries it."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        key(request)
        response = view(request, *args, **kwargs)
        remember(request, response)
        return response

    return wrapped
