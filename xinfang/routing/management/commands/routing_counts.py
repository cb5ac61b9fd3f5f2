"""``xinfang routing_counts``: rebuild the routing-history counters from the event log
(after an import or a restore); the transition function keeps them current otherwise."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from xinfang.routing.services import rebuild_counts


class Command(BaseCommand):
    help = "重建派单历史计数 / rebuild the routing-history counters from the event log"

    def handle(self, *args: Any, **options: Any) -> None:
        n = rebuild_counts()
        self.stdout.write(f"已重建 {n} 条计数 / rebuilt {n} counters")
