"""``xinfang token USERNAME``: print a new API token (shown once)."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.api.models import ApiToken
from xinfang.org.models import User


class Command(BaseCommand):
    help = "为工作人员生成API令牌 / issue an API token for a staff user"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--name", default="")

    def handle(self, *args: Any, **o: Any) -> None:
        user = User.objects.filter(username=o["username"], is_active=True).first()
        if user is None:
            raise CommandError(f"没有用户“{o['username']}” / no such active user")
        _, token = ApiToken.issue(user, o["name"])
        self.stdout.write(token)
