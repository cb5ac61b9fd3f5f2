"""Sign-in throttling: after too many failures an account is locked for a while, and so
is a client address when a trusted proxy reports it; the message says for how long, and
every failure and refusal is in the access log.

The counters are shared by every worker process (``core.throttle``). A lock per
connection address would lock out every member of staff behind the reverse proxy, so
the address counts only from ``XINFANG['TRUSTED_PROXY_HEADER']``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import get_language

from xinfang.audit.services import log_access
from xinfang.core import throttle

LIMIT = 5  # failures of one account
WINDOW = 15 * 60  # seconds


def _limits() -> tuple[int, int, int]:
    """(failures per account, seconds, failures per client address)."""
    cfg = settings.XINFANG.get("LOGIN_THROTTLE", {})
    failures = int(cfg.get("FAILURES", LIMIT))
    return failures, int(cfg.get("SECONDS", WINDOW)), int(cfg.get("ADDRESS_FAILURES", failures * 4))


def account_key(username: str) -> str:
    return f"login:u:{username.strip().lower()}"


def _address_key(request: Any) -> str | None:
    address = throttle.client_address(request)
    return f"login:a:{throttle.address_key(address)}" if address else None


def locked(username: str, request: Any) -> bool:
    """Whether sign-in as ``username`` from this client is refused for now."""
    limit, _, per_address = _limits()
    if throttle.count(account_key(username)) >= limit:
        return True
    key = _address_key(request)
    return key is not None and throttle.count(key) >= per_address


def failed(username: str, request: Any) -> None:
    """Count one failure against the account and the client address."""
    _, window, _ = _limits()
    throttle.hit(account_key(username), window)
    key = _address_key(request)
    if key is not None:
        throttle.hit(key, window)


def unlock(username: str) -> None:
    """End an account's lock (an administrator's action, or a successful sign-in)."""
    throttle.reset(account_key(username))


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:

        _, window, _ = _limits()
        username = str(self.data.get("username") or "")
        if locked(username, self.request):
            log_access(user=None, what="login_locked", detail=username, request=self.request)
            minutes = max(window // 60, 1)
            raise forms.ValidationError(
                f"Too many failed attempts; try again in {minutes} minutes"
                if (get_language() or "").startswith("en")
                else f"登录失败次数过多，请{minutes}分钟后再试",
                code="locked",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            failed(username, self.request)
            log_access(user=None, what="login_failed", detail=username, request=self.request)
            raise
        unlock(username)
        return data
