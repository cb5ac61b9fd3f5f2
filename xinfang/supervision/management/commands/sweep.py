"""``xinfang sweep [--today YYYY-MM-DD]``: warnings, overdue alerts, supervision escalation.

``--today`` runs the sweep as on that day (``services.sweep``): what is due, overdue or
unanswered, the new reply dates and the instant its writes carry all follow the day given,
not the wall clock. Without it, each run sweeps the current day."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from xinfang.supervision.services import sweep


class Command(BaseCommand):
    help = "期限巡检：临期预警、超期提醒、督办升级 / the deadline sweep"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--today",
            type=date.fromisoformat,
            help="按该日巡检（YYYY-MM-DD）/ sweep as on this day",
        )
        parser.add_argument(
            "--every",
            type=int,
            default=0,
            help="每隔N秒重复（进程内定时，无需消息队列）/ repeat every N seconds",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        while True:
            t0 = time.monotonic()
            r = sweep(o["today"])
            self.stdout.write(
                f"巡检 {r.scanned} 件：预警 {r.warnings}，超期 {r.overdue}，"
                f"督办升级 {r.escalated}，通知 {r.notifications}"
                + (f"，待后续巡检升级 {r.deferred}" if r.deferred else "")
                + f"（{time.monotonic() - t0:.1f} 秒）"
            )
            if not o["every"]:
                return
            time.sleep(o["every"])
