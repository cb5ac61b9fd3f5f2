"""``xinfang loadholidays [YEAR ...] [--file PATH]``: load the holiday arrangements."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import UserError
from xinfang.deadlines.loading import load_days, load_year, read_file, shipped_years


class Command(BaseCommand):
    help = "载入国务院节假日安排 / load the State Council's holiday arrangements"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("years", nargs="*", type=int, help="默认：随系统提供的全部年份")
        parser.add_argument("--file", type=Path, help="JSON 或 CSV（date,kind,name）")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            if opts["file"]:
                days, source = read_file(opts["file"])
                years = sorted({d.date.year for d in days})
                if opts["years"] and set(years) - set(opts["years"]):
                    raise UserError(
                        "year_mismatch",
                        f"文件包含的年份{years}与指定年份不符",
                        f"The file covers {years}, not the years given",
                    )
                c, u = load_days(days, source or str(opts["file"].name))
                self.stdout.write(f"{opts['file']}: 新增 {c}，更新 {u} / created {c}, updated {u}")
                return
            for year in opts["years"] or shipped_years():
                c, u = load_year(year)
                self.stdout.write(f"{year}: 新增 {c}，更新 {u} / created {c}, updated {u}")
        except UserError as e:
            raise CommandError(e.message) from None
