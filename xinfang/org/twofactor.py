"""TOTP two-factor sign-in for staff (RFC 6238, any authenticator app).

Administrators and auditors must enrol before they can use anything else; other staff may
enrol. With TOTP enrolled, a correct password only leads to the code step.
"""

from __future__ import annotations

from typing import Any

import pyotp
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from .auth import ThrottledAuthenticationForm
from .models import Role, User

REQUIRED_ROLES = (Role.ADMIN, Role.AUDITOR)
ISSUER = "Xinfang"


def requires_2fa(user: Any) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.is_superuser or user.memberships.filter(role__in=REQUIRED_ROLES).exists()
    )


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
    key = f"2fa-fail:{pk}"
    if request.method == "POST":
        if (cache.get(key) or 0) >= 5:
            request.session.flush()
            messages.error(request, "验证码错误次数过多，请重新登录（Too many wrong codes）")
            return redirect("web:login")
        if pyotp.TOTP(user.totp_secret).verify(
            request.POST.get("code", "").strip(), valid_window=1
        ):
            nxt = request.session.get("2fa_next") or "/"
            backend = request.session.get("2fa_backend")
            login(request, user, backend=backend)
            cache.delete(key)
            if not url_has_allowed_host_and_scheme(nxt, allowed_hosts={request.get_host()}):
                nxt = "/"
            return HttpResponseRedirect(nxt)
        cache.add(key, 0, 900)
        cache.incr(key)
        messages.error(request, "验证码不正确（Wrong code）")
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
        if pyotp.TOTP(secret).verify(request.POST.get("code", "").strip(), valid_window=1):
            user.totp_secret, user.totp_confirmed_at = secret, timezone.now()
            user.save(update_fields=["totp_secret", "totp_confirmed_at"])
            del request.session["2fa_new_secret"]
            from xinfang.audit.services import log_access

            log_access(user=user, what="enrol_2fa", request=request)
            messages.success(request, "已启用双因素认证（Two-factor sign-in is on）")
            return redirect("/")
        messages.error(request, "验证码不正确（Wrong code）")
    uri = pyotp.TOTP(secret).provisioning_uri(name=user.username, issuer_name=ISSUER)
    return render(
        request,
        "org/enrol.html",
        {
            "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
            "uri": uri,
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
