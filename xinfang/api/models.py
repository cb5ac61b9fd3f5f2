"""API tokens: only a hash is stored; the token is shown once when created.

A token works until the first of: its expiry (``XINFANG['API_TOKEN_DAYS']``, 90 by
default), its revocation (``xinfang token --revoke``, the admin), a change of its user's
password (by any path: the token carries a mark of the password hash it was issued
under), the user's deactivation. A user whose role requires TOTP (administrators,
auditors, superusers) gets and uses a token only with TOTP enrolled.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.db import connection, models, transaction
from django.utils import timezone

from xinfang.audit.services import log_access
from xinfang.core.errors import UserError
from xinfang.core.rows import Columns, fetch
from xinfang.org.models import TOTP_ROLES, Membership, User, requires_2fa


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def password_mark(user: Any) -> str:
    """A mark of the user's password hash: it changes whenever the password does."""
    return hashlib.sha256(f"xinfang-token:{user.password}".encode()).hexdigest()


def token_days() -> int:
    return int(settings.XINFANG.get("API_TOKEN_DAYS", 90))


TOUCH_EVERY = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    @staticmethod
    def _live(prefix: str) -> tuple[ApiToken, bool] | None:
        """The first unrevoked token of an active user with ``prefix``, its user read in
        the same statement, and whether a role of the user requires TOTP: what
        ``filter(prefix=…, revoked=False, user__is_active=True).select_related("user")
        .first()`` returns, without building that query on every API request
        (``core.rows``)."""
        tok, usr = _COLUMNS
        qn = connection.ops.quote_name
        roles = ", ".join(["%s"] * len(TOTP_ROLES))
        rows = fetch(
            f"SELECT {tok.sql}, {usr.sql}, EXISTS (SELECT 1 FROM "
            f"{qn(Membership._meta.db_table)} m WHERE m.user_id = u.id AND m.role IN ({roles})) "
            f"FROM {qn(ApiToken._meta.db_table)} t "
            f"JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id "
            "WHERE t.prefix = %s AND NOT t.revoked AND u.is_active ORDER BY t.id LIMIT 1",
            [*TOTP_ROLES, prefix],
        )
        if not rows:
            return None
        row = tok.build(rows[0])
        assert row is not None
        user = usr.build(rows[0], len(tok))
        row._meta.get_field("user").set_cached_value(row, user)
        return row, bool(rows[0][-1])

    def authenticate(self, token: str) -> ApiToken | None:
        if len(token) < 20:
            return None
        live = self._live(token[:8])
        if live is None:
            return None
        row, role_needs_totp = live
        user = row.user
        now = timezone.now()
        if (
            not secrets.compare_digest(row.key_hash, _hash(token))
            or row.expires_at <= now
            or not secrets.compare_digest(row.password_mark, password_mark(user))
            or ((role_needs_totp or user.is_superuser) and user.totp_confirmed_at is None)
        ):
            return None
        # Recorded to the minute: a write on every request would serialise API clients on
        # SQLite's single writer for no information anyone reads.
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        return row

    def revoke(self, *, by: Any, request: Any = None) -> int:
        """Revoke these tokens; one access-log row per token. Returns how many."""

        with transaction.atomic():
            chosen = self.filter(revoked=False).select_related("user")
            rows = list(chosen.select_for_update(of=("self",)))
            ApiToken.objects.filter(pk__in=[t.pk for t in rows]).update(revoked=True)
            for t in rows:
                detail = f"{t.user.username} {t.prefix}… {t.name}".strip()
                log_access(user=by, what="revoke_token", request=request, detail=detail)
        return len(rows)


class ApiToken(models.Model):
    """A bearer token of a staff user for the API (see the module docstring for when it
    stops working). Created by ``issue``, revoked by ``ApiToken.objects…revoke``."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField("名称", max_length=60, blank=True)
    prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    expires_at = models.DateTimeField("到期时间")
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked = models.BooleanField("已撤销", default=False)
    password_mark = models.CharField(max_length=64, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "API令牌"
        verbose_name_plural = "API令牌"

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}… {self.name}"

    @classmethod
    def issue(cls, user: Any, name: str = "", days: int | None = None) -> tuple[ApiToken, str]:
        """A new token for ``user``, valid ``days`` (at most ``API_TOKEN_DAYS``); refused
        when a role of the user requires TOTP and the user has not enrolled."""
        if requires_2fa(user) and user.totp_confirmed_at is None:
            raise UserError(
                "totp_required",
                "该用户须先启用双因素认证，才能获得API令牌",
                "This user must enrol in two-factor sign-in before getting an API token",
            )
        limit = token_days()
        days = limit if days is None else days
        if not 1 <= days <= limit:
            raise UserError(
                "bad_days",
                f"有效天数须在1至{limit}天之间",
                f"The validity must be between 1 and {limit} days",
                field="days",
            )
        token = secrets.token_urlsafe(32)
        row = cls.objects.create(
            user=user,
            name=name,
            prefix=token[:8],
            key_hash=_hash(token),
            expires_at=timezone.now() + timedelta(days=days),
            password_mark=password_mark(user),
        )
        return row, token

    @property
    def state(self) -> str:
        """有效, 已撤销, 已过期 or 密码已修改 (as the admin lists it)."""
        if self.revoked:
            return "已撤销"
        if self.expires_at <= timezone.now():
            return "已过期"
        if not secrets.compare_digest(self.password_mark, password_mark(self.user)):
            return "密码已修改"
        return "有效"


_COLUMNS = (Columns(ApiToken, "t"), Columns(User, "u"))
