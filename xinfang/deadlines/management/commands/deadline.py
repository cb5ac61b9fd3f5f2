"""``xinfang deadline START DAYS [--working-days] [--no-rollover]``: print a due date."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from xinfang.deadlines.calendar import load_calendar


class Command(BaseCommand):
    help = (
        "按法定计算规则打印期限届满日（起算日不计入，民法典第二百零一条；"
        "届满日为法定休假日的顺延，第二百零三条）/ print a due date"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("start", help="起算日 YYYY-MM-DD（不计入）")
        parser.add_argument("days", help="期间天数")
        parser.add_argument("--working-days", action="store_true", help="按工作日计算")
        parser.add_argument("--no-rollover", action="store_true", help="届满日不顺延")

    def handle(self, *args: Any, **opts: Any) -> None:
        try:
            start = date.fromisoformat(opts["start"])
        except ValueError:
            raise CommandError(
                f"起算日“{opts['start']}”不是 YYYY-MM-DD 格式的日期 / start must be YYYY-MM-DD"
            ) from None
        try:
            days = int(opts["days"])
        except ValueError:
            days = -1
        if not 0 < days <= 3660:
            raise CommandError(
                f"天数“{opts['days']}”应为1至3660的整数 / days must be a whole number 1–3660"
            )
        cal = load_calendar()
        if opts["working_days"]:
            due = cal.add_working_days(start, days)
        else:
            roll = settings.XINFANG["ROLL_FORWARD"] and not opts["no_rollover"]
            due = cal.add_calendar_days(start, days, roll_forward=roll)
        self.stdout.write(due.isoformat())
