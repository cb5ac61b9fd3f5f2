"""API tokens: only a hash is stored; the token is shown once when created."""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, models
from django.utils import timezone

from xinfang.core.rows import Columns, fetch
from xinfang.org.models import User


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


TOUCH_EVERY = timedelta(minutes=1)


class ApiTokenQuerySet(models.QuerySet["ApiToken"]):
    @staticmethod
    def _live(prefix: str) -> ApiToken | None:
        """The first unrevoked token of an active user with ``prefix``, its user read in
        the same statement: what ``filter(prefix=…, revoked=False, user__is_active=True)
        .select_related("user").first()`` returns, without building that query on every
        API request (``core.rows``)."""
        tok, usr = _COLUMNS
        qn = connection.ops.quote_name
        rows = fetch(
            f"SELECT {tok.sql}, {usr.sql} FROM {qn(ApiToken._meta.db_table)} t "
            f"JOIN {qn(User._meta.db_table)} u ON u.id = t.user_id "
            "WHERE t.prefix = %s AND NOT t.revoked AND u.is_active ORDER BY t.id LIMIT 1",
            [prefix],
        )
        if not rows:
            return None
        row = tok.build(rows[0])
        assert row is not None
        row._meta.get_field("user").set_cached_value(row, usr.build(rows[0], len(tok)))
        return row

    def authenticate(self, token: str) -> ApiToken | None:
        if len(token) < 20:
            return None
        row = self._live(token[:8])
        if row is None or not secrets.compare_digest(row.key_hash, _hash(token)):
            return None
        now = timezone.now()
        # Recorded to the minute: a write on every request would serialise API clients on
        # SQLite's single writer for no information anyone reads.
        if row.last_used_at is None or now - row.last_used_at >= TOUCH_EVERY:
            ApiToken.objects.filter(pk=row.pk).update(last_used_at=now)
            row.last_used_at = now
        return row


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(max_length=60, blank=True)
    prefix = models.CharField(max_length=8, db_index=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked = models.BooleanField(default=False)

    objects = ApiTokenQuerySet.as_manager()

    def __str__(self) -> str:
        return f"{self.user} {self.prefix}… {self.name}"

    @classmethod
    def issue(cls, user: object, name: str = "") -> tuple[ApiToken, str]:
        token = secrets.token_urlsafe(32)
        row = cls.objects.create(user=user, name=name, prefix=token[:8], key_hash=_hash(token))
        return row, token


_COLUMNS = (Columns(ApiToken, "t"), Columns(User, "u"))
