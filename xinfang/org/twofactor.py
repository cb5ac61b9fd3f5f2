"""TOTP two-factor sign-in for staff (RFC 6238, any authenticator app).

Administrators and auditors must enrol before they can use anything else; other staff may
enrol. With TOTP enrolled, a correct password only leads to the code step. A code is
accepted once: its time step must be later than the last one the user's account accepted
(RFC 6238 §5.2), so a code seen over someone's shoulder opens no second session.
"""

from __future__ import annotations

import hmac
import secrets
import time
from typing import Any

import pyotp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

from xinfang.audit.services import log_access
from xinfang.core import throttle

from .auth import ThrottledAuthenticationForm
from .models import TOTP_ROLES, User, requires_2fa

REQUIRED_ROLES = TOTP_ROLES
ISSUER = "Xinfang"
CODE_FAILURES = 5  # wrong codes of one account …
CODE_WINDOW = 15 * 60  # … in this many seconds end the attempt
DRIFT = 1  # steps either side of now that are accepted (phones' clocks drift)


def _now() -> float:
    return time.time()


def _said(zh: str, en: str) -> str:
    return en if (get_language() or "").startswith("en") else zh


def matching_step(secret: str, code: str) -> int | None:
    """The time step within ``DRIFT`` of now whose code is ``code``, if any."""
    code = code.strip()
    if len(code) != 6 or not code.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    now = totp.timecode(_now())
    for step in range(now - DRIFT, now + DRIFT + 1):
        if secrets.compare_digest(totp.generate_otp(step), code):
            return step
    return None


RECOVERY_CODES = 10
RECOVERY_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


def _recovery_hash(code: str) -> str:
    plain = "".join(c for c in code.upper() if c.isalnum())
    return hmac.new(
        settings.SECRET_KEY.encode(), f"recovery:{plain}".encode(), "sha256"
    ).hexdigest()


def new_recovery_codes(user: User) -> list[str]:
    """Ten fresh one-time codes for ``user`` (any earlier ones stop working), shown once."""
    codes = [
        "".join(secrets.choice(RECOVERY_ALPHABET) for _ in range(8)) for _ in range(RECOVERY_CODES)
    ]
    shown = [f"{c[:4]}-{c[4:]}" for c in codes]
    User.objects.filter(pk=user.pk).update(recovery_codes=[_recovery_hash(c) for c in codes])
    return shown


def use_recovery_code(user: User, code: str) -> bool:
    """Strike off ``code`` if it is one of the user's unused recovery codes: one conditional
    UPDATE on the list as read, so a code opens one session only."""
    digest = _recovery_hash(code)
    kept = list(User.objects.filter(pk=user.pk).values_list("recovery_codes", flat=True))
    codes = list(kept[0] or []) if kept else []
    if not any(hmac.compare_digest(digest, h) for h in codes):
        return False
    left = [h for h in codes if not hmac.compare_digest(digest, h)]
    return User.objects.filter(pk=user.pk, recovery_codes=codes).update(recovery_codes=left) == 1


def use_step(user: User, step: int, **fields: Any) -> bool:
    """Record ``step`` as the user's last accepted one (and ``fields``) if it is later than
    the last: one conditional UPDATE, so of two sessions with the same code one wins."""
    later = Q(totp_last_step__isnull=True) | Q(totp_last_step__lt=step)
    return User.objects.filter(later, pk=user.pk).update(totp_last_step=step, **fields) == 1


class TwoFactorLoginView(LoginView):
    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = ThrottledAuthenticationForm

    def form_valid(self, form: Any) -> HttpResponse:
        user = form.get_user()
        if user.totp_confirmed_at:
            self.request.session["2fa_user"] = user.pk
            self.request.session["2fa_backend"] = user.backend
            self.request.session["2fa_next"] = self.get_success_url()
            return redirect("org:code")
        return super().form_valid(form)


def code(request: HttpRequest) -> HttpResponse:
    """The second step: the 6-digit code from the authenticator."""
    pk = request.session.get("2fa_user")
    if not pk:
        return redirect("web:login")
    user = User.objects.filter(pk=pk, is_active=True).first()
    if user is None:
        return redirect("web:login")
    key = f"totp:u:{pk}"
    if request.method == "POST":
        if throttle.count(key) >= CODE_FAILURES:
            request.session.flush()
            messages.error(request, _said("验证码错误次数过多，请重新登录", "Too many wrong codes"))
            return redirect("web:login")
        typed = request.POST.get("code", "")
        step = matching_step(user.totp_secret, typed)
        recovered = step is None and len(typed.strip()) > 6 and use_recovery_code(user, typed)
        if recovered:
            log_access(user=user, what="recovery_code", request=request)
        if recovered or (step is not None and use_step(user, step)):
            nxt = request.session.get("2fa_next") or "/"
            backend = request.session.get("2fa_backend")
            login(request, user, backend=backend)
            throttle.reset(key)
            if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                nxt = "/"
            return HttpResponseRedirect(nxt)
        throttle.hit(key, CODE_WINDOW)
        if step is not None:
            messages.error(
                request,
                _said(
                    "此验证码已使用过，请等待身份验证器显示新的验证码",
                    "This code was used already: wait for the next one",
                ),
            )
        else:
            messages.error(request, _said("验证码不正确", "Wrong code"))
    return render(request, "org/code.html", {"username": user.username})


@login_required
def enrol(request: HttpRequest) -> HttpResponse:
    """Set up TOTP: show the key, confirm with a first code."""
    user: User = request.user  # type: ignore[assignment]
    if user.totp_confirmed_at:
        return render(request, "org/enrol.html", {"done": True})
    secret = request.session.get("2fa_new_secret") or pyotp.random_base32()
    request.session["2fa_new_secret"] = secret
    if request.method == "POST":
        step = matching_step(secret, request.POST.get("code", ""))
        # the confirming code counts as used: it cannot open a session afterwards
        if step is not None and use_step(
            user, step, totp_secret=secret, totp_confirmed_at=timezone.now()
        ):
            del request.session["2fa_new_secret"]

            log_access(user=user, what="enrol_2fa", request=request)
            messages.success(request, _said("已启用双因素认证", "Two-factor sign-in is on"))
            return render(request, "org/recovery.html", {"codes": new_recovery_codes(user)})
        messages.error(request, _said("验证码不正确", "Wrong code"))
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    # drawn here as SVG: no script, no image served from elsewhere, nothing leaves the page
    qr = segno.make(uri, error="m").svg_inline(
        scale=5, dark="#1c2530", light="#ffffff", omitsize=True
    )
    return render(
        request,
        "org/enrol.html",
        {
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "uri": uri,
            "qr": mark_safe(qr),  # segno's own SVG of the URI, escaped by segno
            "required": requires_2fa(user),
        },
    )


class RequireTwoFactor:
    """Administrators and auditors reach nothing but enrolment until TOTP is set up."""

    ALLOWED = ("/account/2fa/", "/account/password/", "/logout/", "/static/", "/i18n/", "/login/")

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not user.totp_confirmed_at
            and not request.path.startswith(self.ALLOWED)
            and requires_2fa(user)
        ):
            return redirect("org:enrol")
        return self.get_response(request)
