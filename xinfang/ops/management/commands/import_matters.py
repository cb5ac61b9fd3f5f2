"""``xinfang import_matters FILE.xlsx --unit ID --user NAME [--skip N]``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from xinfang.actions.importing import import_matters
from xinfang.core.errors import UserError
from xinfang.org.models import Unit, User


class Command(BaseCommand):
    help = "从Excel批量登记信访事项 / register matters from an Excel sheet"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--unit", type=int, required=True, help="登记机关ID")
        parser.add_argument("--user", required=True, help="登记员用户名")
        parser.add_argument("--skip", type=int, default=0, help="跳过前N行数据（续传）")

    def handle(self, *args: Any, **o: Any) -> None:
        unit = Unit.objects.filter(pk=o["unit"]).first()
        user = User.objects.filter(username=o["user"]).first()
        if unit is None or user is None:
            raise CommandError("登记机关或用户不存在 / no such unit or user")
        bar = tqdm(desc="导入 / importing", unit="行", disable=o["verbosity"] == 0)
        try:
            res = import_matters(
                o["path"], unit=unit, by=user, skip=o["skip"], progress=lambda n: bar.update(1)
            )
        except UserError as e:
            raise CommandError(e.message) from None
        finally:
            bar.close()
        self.stdout.write(f"导入 {res.imported} 件 / imported {res.imported}")
        for err in res.errors:
            self.stdout.write(f"  ✗ {err}")
