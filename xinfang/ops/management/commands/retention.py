"""``xinfang retention [--apply] [--today D]``: anonymise personal data past its period.

Without ``--apply`` it only reports what would be anonymised (dry run)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.actions.retention import run


class Command(BaseCommand):
    help = "按保存期限删除或匿名化个人信息 / apply the retention periods"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--apply", action="store_true", help="实际执行（默认只报告）")
        parser.add_argument("--today", type=date.fromisoformat)

    def handle(self, *args: Any, **o: Any) -> None:
        r = run(o["today"], dry_run=not o["apply"])
        verb = "已匿名化" if o["apply"] else "到期（试运行，未修改）"
        for category, n in r.due.items():
            self.stdout.write(f"  {category}: {n}")
        self.stdout.write(
            f"{verb} {len(r.matters)} 件事项，附件 {r.files} 个"
            f" / {'anonymised' if o['apply'] else 'due (dry run)'}: {len(r.matters)}"
        )
