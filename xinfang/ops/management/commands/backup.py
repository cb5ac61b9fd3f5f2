"""``xinfang backup FILE``: the database and the uploads in one archive (mode 0600), with
the fingerprints of the keys and the audit witness's newest seal (``core.backup``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.backup import backup
from xinfang.core.errors import UserError
from xinfang.ops.witness import state_for_backup


class Command(BaseCommand):
    help = "备份数据库和上传文件"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            # the witness's seal before the database is copied: all it names is in the copy
            r = backup(o["path"], extra={"witness": state_for_backup()})
        except UserError as e:
            raise CommandError(e.zh) from None
        size = r.path.stat().st_size
        self.stdout.write(f"已备份到 {r.path}：数据库和 {r.media_files} 个上传文件，{size:,} 字节")
