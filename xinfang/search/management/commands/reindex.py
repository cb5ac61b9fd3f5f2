"""``xinfang reindex [--batch N]``: rebuild the full-text index and document frequencies."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from xinfang.cases.models import Matter
from xinfang.search.services import BATCH, rebuild


class Command(BaseCommand):
    help = "重建全文检索索引 / rebuild the full-text search index"

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--batch", type=int, default=BATCH, help="matters per transaction")

    def handle(self, *args: Any, batch: int, **opts: Any) -> None:
        if batch < 1:
            self.stderr.write("--batch 须为正整数 / must be positive")
            return
        with tqdm(total=Matter.objects.count(), unit="件", disable=opts["verbosity"] < 1) as bar:
            n = rebuild(batch=batch, progress=bar.update)
        self.stdout.write(f"已索引 {n} 件事项 / indexed {n} matters")
