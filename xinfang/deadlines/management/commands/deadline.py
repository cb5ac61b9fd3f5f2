"""``xinfang deadline START DAYS [--working-days] [--no-rollover]``: print a due date.

For officials checking a date by hand. It uses the same ``Calendar`` functions as the
statutory clock (``xinfang.deadlines.clock``), so the printed date is the date the system
shows:

* the start day is not counted (CC Art. 201; CPL Art. 85 para 2);
* "N日" counts calendar days; a last day that is not a working day moves to the next
  working day (CC Art. 203; CPL Art. 85 para 3) unless ``--no-rollover`` is given or the
  setting ``ROLL_FORWARD`` is off;
* ``--working-days`` counts working days ("N个工作日", XFGZ Art. 23 para 3): weekends and
  holidays are skipped and make-up working days (调休) count;
* a year whose arrangement is not loaded is counted on the statutory days of the 办法
  (``deadlines.statutory``), and a warning on stderr says the date is provisional.

Standard output is exactly one line, the date as YYYY-MM-DD; warnings go to stderr.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.deadlines.calendar import load_calendar

MAX_DAYS = 3660
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class Command(BaseCommand):
    help = (
        "按法定规则打印期限届满日：起算日不计入（民法典第二百零一条），届满日为法定休假日的"
        "顺延至休假日后第一个工作日（第二百零三条）/ print a due date"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="起算日 YYYY-MM-DD（当日不计入）/ start day, not counted")
        parser.add_argument("days", help="期间天数 / number of days")
        parser.add_argument(
            "--working-days", action="store_true", help="按工作日计算 / count working days"
        )
        parser.add_argument(
            "--no-rollover",
            action="store_true",
            help="届满日遇休息日不顺延 / do not move a last day off a rest day",
        )

    def handle(self, *args: Any, **opts: Any) -> None:
        start = _parse_start(opts["start"])
        days = _parse_days(opts["days"])
        cal = load_calendar()
        if opts["working_days"]:
            due = cal.add_working_days(start, days)
        else:
            roll = bool(settings.XINFANG["ROLL_FORWARD"]) and not opts["no_rollover"]
            due = cal.add_calendar_days(start, days, roll_forward=roll)
        missing = cal.unpublished_years(start, due)
        if missing:
            years = "、".join(map(str, missing))
            self.stderr.write(
                f"注意：{years}年的节假日安排尚未载入，该年按《全国年节及纪念日放假办法》"
                f"推算的法定节日计算，日期为暂定（xinfang loadholidays --file）"
                f" / Warning: no holiday arrangement loaded for {', '.join(map(str, missing))};"
                f" counted on the statutory holidays alone, so the date is provisional"
            )
        self.stdout.write(due.isoformat())


def _parse_start(text: str) -> date:
    try:
        if not ISO_DATE.fullmatch(text.strip()):
            raise ValueError(text)
        return date.fromisoformat(text.strip())
    except ValueError:
        raise CommandError(
            f"起算日“{text}”不是 YYYY-MM-DD 格式的有效日期"
            f" / start '{text}' is not a valid date in YYYY-MM-DD form"
        ) from None


def _parse_days(text: str) -> int:
    try:
        days = int(text.strip())
    except ValueError:
        days = 0
    if not 1 <= days <= MAX_DAYS:
        raise CommandError(
            f"天数“{text}”应为 1 至 {MAX_DAYS} 的整数"
            f" / days '{text}' must be a whole number from 1 to {MAX_DAYS}"
        )
    return days
