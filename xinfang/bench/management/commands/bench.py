"""``xinfang bench seed --matters N [--units M] [--seed S] [--resume] [--until DATE]``."""

from __future__ import annotations

import time
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from xinfang.bench import org, seed


class Command(BaseCommand):
    help = "生成基准测试数据 / seed a benchmark deployment with N matters"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        s = sub.add_parser("seed", help="生成单位树、工作人员和信访事项 / units, staff, matters")
        s.add_argument("--matters", type=int, required=True, help="原信访事项件数 / matters")
        s.add_argument("--units", type=int, default=1200, help="单位数（约） / about M units")
        s.add_argument("--seed", type=int, default=1)
        s.add_argument("--resume", action="store_true", help="接着上次继续 / continue")
        s.add_argument(
            "--until", type=date.fromisoformat, default=None, help="最后一天 / last day (today)"
        )
        s.add_argument("--batch", type=int, default=seed.BATCH)
        s.add_argument(
            "--limit",
            type=int,
            default=None,
            help="本次约生成K件（按批取整）后停止 / stop after about K (whole batches)",
        )
        s.add_argument("--quiet", action="store_true", help="不显示进度条 / no progress bar")

    def handle(self, *args: Any, **o: Any) -> None:
        n = o["matters"]
        if n < 0:
            raise CommandError("件数不能为负 / --matters must be ≥ 0")
        t0 = time.monotonic()
        dep = org.build(units=o["units"], seed=o["seed"])
        done = seed.seeded_originals(dep)
        if done and not o["resume"]:
            raise CommandError(
                f"已有{done}件基准事项，请加 --resume 继续 / "
                f"{done} seeded matters exist; add --resume to continue"
            )
        until = seed.until_of(o["until"] or timezone.localdate())
        s = seed.Seeder(dep, n=n, seed=o["seed"], until=until, batch=o["batch"])
        self.stdout.write(
            f"单位 {len(dep.units)} 个，已有 {done} 件，目标 {n} 件 / "
            f"{len(dep.units)} units, {done} matters present, target {n}"
        )
        bar = tqdm(total=n, initial=min(done, n), unit="件", disable=o["quiet"])
        # Whole batches only, so that a resumed run sees the same batches as one run.
        b = o["batch"]
        stop = n if o["limit"] is None else min(n, -(-(done + o["limit"]) // b) * b)
        for lo, hi in s.batches(done):
            if lo >= stop:
                break
            s.write(s.generate(lo, min(hi, stop)))
            bar.update(min(hi, stop) - lo)
        bar.close()
        seed.reset_sequences()
        seed.after_seed(until)
        self.stdout.write(
            self.style.SUCCESS(
                f"完成，用时 {time.monotonic() - t0:.1f} 秒 / done in {time.monotonic() - t0:.1f} s"
            )
        )
