"""``xinfang audit verify``: detect any edited or deleted event row."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.cases.audit import verify_events
from xinfang.cases.models import Event


class Command(BaseCommand):
    help = "校验事件日志的哈希链 / verify the hash-chained event log"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("what", choices=["verify"])

    def handle(self, *args: Any, **opts: Any) -> None:
        total = Event.objects.count()
        self.stdout.write(f"校验 {total} 条事件 / verifying {total} events …")
        bad = 0
        for finding in verify_events():
            bad += 1
            self.stdout.write(f"  ✗ {finding}")
        from xinfang.audit.services import verify_access_log

        for problem in verify_access_log():
            bad += 1
            self.stdout.write(f"  ✗ {problem}")
        if bad:
            raise CommandError(f"发现 {bad} 处不一致 / {bad} inconsistencies found")
        self.stdout.write(self.style.SUCCESS("完好 / intact"))
