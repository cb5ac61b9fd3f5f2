"""``xinfang demo``: a demo county with one user per role and matters in every state."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from xinfang.cases.models import Matter, Status
from xinfang.demo.builder import PASSWORD, build_org, generate, reset


class Command(BaseCommand):
    help = "生成演示数据 / build the demo county and matters"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--matters", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--reset", action="store_true", help="先删除全部事项和演示机构")

    def handle(self, *args: Any, **o: Any) -> None:
        if o["reset"]:
            reset()
            self.stdout.write("已清除演示数据 / demo data removed")
        d = build_org()
        if Matter.objects.exists():
            self.stdout.write(
                f"已有 {Matter.objects.count()} 件事项，不再生成（--reset 重建）"
                f" / matters exist; use --reset to rebuild"
            )
        else:
            t0 = time.monotonic()
            generate(
                d,
                o["matters"],
                o["seed"],
                lambda it: tqdm(
                    it, desc="生成事项 / matters", unit="件", disable=o["verbosity"] == 0
                ),
            )
            took = time.monotonic() - t0
            counts = {s.label: Matter.objects.filter(status=s).count() for s in Status}
            self.stdout.write(f"生成 {o['matters']} 件事项，用时 {took:.0f} 秒 / took {took:.0f}s")
            self.stdout.write("  " + "，".join(f"{k} {v}" for k, v in counts.items()))
        self.stdout.write("\n演示账号 / demo logins (password for all: " + PASSWORD + ")")
        self.stdout.write(f"  {'用户名':<18}{'角色':<14}单位")
        for username, role, unit in d.logins:
            self.stdout.write(f"  {username:<20}{role:<14}{unit}")
        self.stdout.write(f"\n密码 / password: {PASSWORD}")
        self.stdout.write(
            "admin 和 auditor 首次登录须用身份验证器应用启用双因素认证"
            " / admin and auditor enrol an authenticator app (TOTP) at first sign-in"
        )
