"""Login throttling: after too many failures a username (and separately an address) is
locked for a while, with a clear message; every failure and lock is in the access log."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.cache import cache

LIMIT = 5  # failures
WINDOW = 15 * 60  # seconds


def _limits() -> tuple[int, int]:
    cfg = settings.XINFANG.get("LOGIN_THROTTLE", {})
    return int(cfg.get("FAILURES", LIMIT)), int(cfg.get("SECONDS", WINDOW))


class ThrottledAuthenticationForm(AuthenticationForm):
    def clean(self) -> dict[str, Any]:
        from xinfang.audit.services import log_access

        limit, window = _limits()
        username = (self.data.get("username") or "").strip().lower()
        ip = self.request.META.get("REMOTE_ADDR", "") if self.request else ""
        keys = [f"login-fail:u:{username}", f"login-fail:ip:{ip}"]
        if any((cache.get(k) or 0) >= limit * (4 if ":ip:" in k else 1) for k in keys):
            log_access(user=None, what="login_locked", detail=username, request=self.request)
            raise forms.ValidationError(
                f"登录失败次数过多，请{window // 60}分钟后再试（Too many failed attempts; "
                f"try again in {window // 60} minutes）",
                code="locked",
            )
        try:
            data = super().clean()
        except forms.ValidationError:
            for k in keys:
                cache.add(k, 0, window)
                cache.incr(k)
            log_access(user=None, what="login_failed", detail=username, request=self.request)
            raise
        cache.delete(keys[0])
        return data
