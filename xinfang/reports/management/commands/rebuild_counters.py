"""``xinfang rebuild_counters``: recompute the rate and monthly counters from the log."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinfang.reports.counters import rebuild


class Command(BaseCommand):
    help = "重建“三率”日统计和月度统计 / rebuild the daily rate and the monthly dashboard counters"

    def handle(self, *args: Any, **o: Any) -> None:
        n = rebuild()
        self.stdout.write(self.style.SUCCESS(f"已重建 {n} 行 / {n} rows rebuilt"))
