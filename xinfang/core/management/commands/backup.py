"""``xinfang backup PATH``: a consistent copy of the whole database."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.backup import backup
from xinfang.core.errors import UserError


class Command(BaseCommand):
    help = "备份数据库 / back up the database"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            out = backup(o["path"])
        except UserError as e:
            raise CommandError(e.message) from None
        self.stdout.write(f"已备份到 / backed up to {out} ({out.stat().st_size:,} bytes)")
