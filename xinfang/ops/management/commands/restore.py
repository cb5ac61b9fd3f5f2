"""``xinfang restore FILE [--force]``: replace the database and the uploads with a backup's.
Stop the web workers first. Refuses, changing nothing, when the keys in force are not the
backup's; ``--force`` restores anyway and says what will be unreadable."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.backup import restore
from xinfang.core.errors import UserError
from xinfang.ops.witness import mark_restored


class Command(BaseCommand):
    help = "从备份恢复数据库和上传文件（请先停止服务）"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--force",
            action="store_true",
            help="即使当前密钥与备份时不同也恢复：不符的密钥所保护的数据将无法读取",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        try:
            r = restore(o["path"], force=o["force"])
        except UserError as e:
            raise CommandError(e.zh) from None
        # the witness no longer expects what it saw after the backup's seal
        mark_restored(r.manifest.get("witness") or {"id": "", "seal": 0})
        self.stdout.write(f"已从 {o['path']} 恢复数据库和 {r.media_files} 个上传文件")
        for line in r.unreadable:
            self.stderr.write(self.style.WARNING(f"注意：{line}"))
