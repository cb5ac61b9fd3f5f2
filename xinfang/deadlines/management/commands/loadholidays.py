"""``xinfang loadholidays [YEAR ...] [--file PATH] [--replace] [--list]``.

Loads the State Council General Office's holiday arrangements into the calendar that every
deadline is counted on (procedure.md §5; CC Art. 203 法定休假日). Without ``--file`` the
shipped files are loaded (all shipped years, or the years given); with ``--file`` an
administrator loads a later year from a JSON or CSV file (``date,kind,name``) once the
notice is published. Running it twice changes nothing the second time.

Every year a file covers is marked loaded: its rows alone count from then on, in place of
the statutory days derived from the 全国年节及纪念日放假办法, and its deadlines are no
longer provisional. A file that leaves out a statutory day of its year is loaded with a
warning (the notice lists every one; the file is probably incomplete). When the calendar
changed, the deadlines stored on matter rows (queues, lists, the sweep) are recomputed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.actions.calendar import refresh_years
from xinfang.core.errors import UserError
from xinfang.deadlines.loading import (
    DayIn,
    LoadResult,
    load_days,
    loaded_years,
    missing_statutory,
    read_file,
    shipped_path,
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
                    days, source = read_file(shipped_path(year))
                    self._warn_missing(days)
                    result = load_days(days, source, replace=opts["replace"])
                    self.stdout.write(f"{year}: {result.describe()}")
                    self._refresh(result, [year])
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
        self._warn_missing(days)
        result = load_days(days, source or path.name, replace=replace)
        self.stdout.write(f"{path.name}（{', '.join(map(str, covered))}）: {result.describe()}")
        self._refresh(result, covered)

    def _refresh(self, result: LoadResult, years: list[int]) -> None:
        """The stored deadlines (queues, lists, the sweep) follow the calendar just loaded."""
        if not result.changed:
            return
        n = refresh_years(years)
        if n:
            self.stdout.write(f"重算期限：{n} 件事项 / deadlines recomputed: {n} matters")

    def _warn_missing(self, days: list[DayIn]) -> None:
        missing = missing_statutory(days)
        if missing:
            zh = "、".join(f"{s.date.isoformat()}（{s.name}）" for s in missing)
            en = ", ".join(s.date.isoformat() for s in missing)
            self.stderr.write(
                f"注意：文件未将以下法定节日列为休息日（《全国年节及纪念日放假办法》第二条）：{zh}"
                f" / Warning: the file does not list these statutory holidays as rest days: {en}"
            )
