"""API tokens of a staff user:

- ``xinfang token USERNAME [--name N] [--days D]``: print a new token (shown once);
- ``xinfang token --revoke USERNAME [--prefix P]``: revoke the user's tokens (or one);
- ``xinfang token --list USERNAME``: the user's tokens, without their secret.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from xinfang.api.models import ApiToken
from xinfang.core.errors import UserError
from xinfang.org.models import User


class Command(BaseCommand):
    help = "为工作人员生成、列出或撤销API令牌 / issue, list or revoke a staff user's API tokens"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="", help="用途说明 / what the token is for")
        parser.add_argument("--days", type=int, help="有效天数 / valid for this many days")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--revoke", action="store_true", help="撤销令牌 / revoke")
        what.add_argument("--list", action="store_true", help="列出令牌 / list")
        parser.add_argument("--prefix", default="", help="只撤销此前缀的令牌 / only this one")

    def handle(self, *args: Any, **o: Any) -> None:
        user = User.objects.filter(username=o["username"]).first()
        if user is None:
            raise CommandError(f"没有用户“{o['username']}” / no such user")
        tokens = ApiToken.objects.filter(user=user)
        if o["list"]:
            for t in tokens.order_by("created_at"):
                self.stdout.write(
                    f"{t.prefix}…  {t.state}  {timezone.localtime(t.created_at):%Y-%m-%d} → "
                    f"{timezone.localtime(t.expires_at):%Y-%m-%d}  {t.name}"
                )
            return
        if o["revoke"]:
            if o["prefix"]:
                tokens = tokens.filter(prefix=o["prefix"])
            n = tokens.revoke(by=None)
            self.stdout.write(f"已撤销 {n} 个令牌 / {n} revoked")
            return
        if not user.is_active:
            raise CommandError(f"用户“{user.username}”已停用 / the user is not active")
        try:
            row, token = ApiToken.issue(user, o["name"], o["days"])
        except UserError as e:
            raise CommandError(f"{e.zh} / {e.en}") from None
        self.stderr.write(f"有效期至 {timezone.localtime(row.expires_at):%Y-%m-%d %H:%M} / expires")
        self.stdout.write(token)
