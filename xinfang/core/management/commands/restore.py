"""``xinfang restore PATH``: replace the database with a backup (stop the server first)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.backup import restore
from xinfang.core.errors import UserError


class Command(BaseCommand):
    help = "从备份恢复数据库 / restore the database from a backup"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            restore(o["path"])
        except UserError as e:
            raise CommandError(e.message) from None
        self.stdout.write(f"已从 {o['path']} 恢复 / restored")
