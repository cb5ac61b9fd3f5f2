"""``xinfang rebuild_counters [--check]``: recompute the rate and monthly counters from the
log, or (``--check``) only say where they differ from a recount."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.ops.counters import check, rebuild


class Command(BaseCommand):
    help = "重建“三率”日统计和月度统计 / rebuild the daily rate and the monthly dashboard counters"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="只核对，不改写 / compare with a recount, change nothing",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        if o["check"]:
            diff = check()
            if diff:
                for line in diff:
                    self.stdout.write(line)
                raise CommandError(
                    "统计与重新计数不一致，请运行 xinfang rebuild_counters"
                    " / the counters differ from a recount: run xinfang rebuild_counters"
                )
            self.stdout.write(
                self.style.SUCCESS("统计与重新计数一致 / the counters match a recount")
            )
            return
        n = rebuild()
        self.stdout.write(self.style.SUCCESS(f"已重建 {n} 行 / {n} rows rebuilt"))
