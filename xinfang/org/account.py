"""The staff member's own account: changing the password, and two guards on every request.

- ``IdleTimeout`` ends a staff session after ``XINFANG['SESSION_IDLE_MINUTES']`` without a
  request (the absolute limit is ``SESSION_COOKIE_AGE``). A grievance file left open on an
  unattended screen is a disclosure (PIPL Art. 51).
- ``RequirePasswordChange`` sends a user whose password an administrator reset to the
  password page before anything else.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from xinfang.core.errors import UserError

from .services import change_own_password

LAST_SEEN = "last_seen"
TOUCH_EVERY = 60  # seconds: the session is written at most once a minute


def _idle_seconds() -> int:
    return int(settings.XINFANG.get("SESSION_IDLE_MINUTES", 30)) * 60


class IdleTimeout:
    """Log out a session that has been idle too long; citizens have no sessions here."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and hasattr(request, "session"):
            now = int(time.time())
            last = request.session.get(LAST_SEEN)
            if last is not None and now - int(last) > _idle_seconds():
                logout(request)
                messages.info(request, _("长时间未操作，已自动退出，请重新登录"))
                return redirect(f"{settings.LOGIN_URL}?next={request.path}")
            if last is None or now - int(last) >= TOUCH_EVERY:
                request.session[LAST_SEEN] = now
        return self.get_response(request)


class RequirePasswordChange:
    ALLOWED = ("/account/password/", "/logout/", "/static/", "/i18n/", "/login/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and getattr(user, "must_change_password", False)
            and not request.path.startswith(self.ALLOWED)
        ):
            return redirect("org:password")
        return self.get_response(request)


@login_required
@require_http_methods(["GET", "POST"])
def password(request: HttpRequest) -> HttpResponse:
    """Change one's own password (old, new, new again)."""
    user: Any = request.user
    error: UserError | None = None
    if request.method == "POST":
        try:
            change_own_password(
                user=user,
                old=request.POST.get("old", ""),
                new=request.POST.get("new", ""),
                repeat=request.POST.get("repeat", ""),
                request=request,
            )
        except UserError as e:
            error = e
        else:
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改"))
            return redirect("/")
    return render(
        request,
        "org/password.html",
        {"error": error, "forced": user.must_change_password},
        status=400 if error else 200,
    )
