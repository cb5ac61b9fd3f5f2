"""``xinfang loadholidays [YEAR ...] [--file PATH] [--replace] [--list]``.

Loads the State Council General Office's holiday arrangements into the calendar that every
deadline is counted on (procedure.md §5; CC Art. 203 法定休假日). Without ``--file`` the
shipped files are loaded (all shipped years, or the years given); with ``--file`` an
administrator loads a later year from a JSON or CSV file (``date,kind,name``) once the
notice is published. Running it twice changes nothing the second time.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.core.errors import UserError
from xinfang.deadlines.loading import (
    load_days,
    load_year,
    loaded_years,
    read_file,
    shipped_years,
)


class Command(BaseCommand):
    help = (
        "载入国务院办公厅节假日安排（随系统提供的年份，或 --file 指定的 JSON/CSV 文件）"
        " / load the State Council's holiday arrangements"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "years", nargs="*", type=int, help="年份；默认为随系统提供的全部年份 / years"
        )
        parser.add_argument(
            "--file",
            type=Path,
            help="JSON（{source, days:[{date,kind,name}]}）或 CSV（date,kind,name）文件",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="删除文件所涉年份中文件未列出的日期 / delete rows of those years not in the file",
        )
        parser.add_argument(
            "--list", action="store_true", help="只列出已载入的年份 / list loaded years"
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        if opts["list"]:
            years = loaded_years()
            self.stdout.write(
                "已载入 / loaded: " + (", ".join(map(str, years)) if years else "无 / none")
            )
            return
        try:
            if opts["file"]:
                self._load_file(opts["file"], opts["years"], opts["replace"])
            else:
                for year in opts["years"] or shipped_years():
                    result = load_year(year, replace=opts["replace"])
                    self.stdout.write(f"{year}: {result.describe()}")
        except UserError as e:
            raise CommandError(e.message) from None

    def _load_file(self, path: Path, years: list[int], replace: bool) -> None:
        days, source = read_file(path)
        covered = sorted({d.date.year for d in days})
        if years and covered != sorted(set(years)):
            raise UserError(
                "year_mismatch",
                f"文件包含的年份 {covered} 与指定的年份 {sorted(set(years))} 不符",
                f"The file covers {covered}, not the years given {sorted(set(years))}",
            )
        result = load_days(days, source or path.name, replace=replace)
        self.stdout.write(f"{path.name}（{', '.join(map(str, covered))}）: {result.describe()}")
