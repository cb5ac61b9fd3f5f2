"""``xinfang demo``: a demo county with one user per role and matters in every state."""

from __future__ import annotations

import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone
from tqdm import tqdm

from xinfang.cases.models import Event, Kind, Matter, Status
from xinfang.demo.builder import (
    PASSWORD,
    Demo,
    ResetRefused,
    add_reception_days,
    build_org,
    demo_matter_count,
    generate,
    reset,
)
from xinfang.ops.witness import witness_once
from xinfang.supervision.services import sweep


class Command(BaseCommand):
    help = "生成演示数据：演示县、每个角色一个账号、各种状态的信访事项 / build the demo county"

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--matters", type=int, default=3000, help="事项数 / matters (3000)")
        parser.add_argument("--seed", type=int, default=2026, help="随机种子 / random seed")
        parser.add_argument(
            "--reset",
            action="store_true",
            help="先删除演示机构、账号和事项 / delete the demo first",
        )

    def handle(self, *args: Any, **o: Any) -> None:
        if o["reset"]:
            try:
                reset()
            except ResetRefused as e:
                raise CommandError(str(e)) from e
            self.stdout.write("已清除演示数据 / demo data removed")
        d = build_org()
        existing = demo_matter_count()
        if existing:
            self.stdout.write(
                f"演示数据已存在（{existing} 件事项），未重复生成；使用 --reset 重建"
                " / the demo exists; use --reset to rebuild"
            )
        else:
            self._generate(d, o)
        self._logins(d)

    def _generate(self, d: Demo, o: Any) -> None:
        t0 = time.monotonic()
        generate(
            d,
            o["matters"],
            o["seed"],
            lambda it: tqdm(it, desc="生成事项 / matters", unit="件", disable=o["verbosity"] == 0),
        )
        took = time.monotonic() - t0

        swept = sweep()
        add_reception_days(d, timezone.now())

        witness_once()  # the chains' heads, so `xinfang audit verify` has its witness
        today = timezone.localdate()
        qs = Matter.objects.all()
        self.stdout.write(
            f"生成 {o['matters']} 件事项（共 {qs.count()} 件，含复查 "
            f"{qs.filter(kind=Kind.REVIEW).count()} 件、复核 {qs.filter(kind=Kind.REEXAM).count()}"
            f" 件），用时 {took:.0f} 秒 / took {took:.0f}s"
        )
        counts = {s.label: qs.filter(status=s).count() for s in Status}
        self.stdout.write("  " + "，".join(f"{k} {v}" for k, v in counts.items()))
        late, soon = qs.overdue(today).count(), qs.due_within(3, today).count()
        self.stdout.write(
            f"  超期 {late} 件，3日内到期 {soon} 件；"
            f"巡查生成预警 {swept.warnings}、超期提醒 {swept.overdue}、回访任务 {swept.visits}"
        )

    def _logins(self, d: Demo) -> None:
        w = self.stdout.write
        w("\n演示账号 / demo logins")
        w(f"  {_pad('用户名 username', 20)}{_pad('角色 role', 26)}单位 unit")
        for username, role, unit in d.logins:
            w(f"  {_pad(username, 20)}{_pad(role, 26)}{unit}")
        others = "、".join(f"{p}_handler/{p}_leader（{unit}）" for p, unit in d.other_logins)
        w(f"  其他承办单位 / other units: {others}")
        self._repeat_hint(d)
        w(f"\n密码（所有账号） / password (all accounts): {PASSWORD}")
        w(
            "admin 和 auditor 首次登录须用身份验证器应用启用双因素认证"
            " / admin and auditor enrol an authenticator app (TOTP) at first sign-in"
        )

    def _repeat_hint(self, d: Demo) -> None:
        """Where to see the registration form's warning after a final 复核 (XFGZ Art. 36
        para 3): a demo petitioner whose chain is final and who raised it again."""
        ev = (
            Event.objects.filter(action="not_accept", data__ground="art36")
            .select_related("matter")
            .order_by("-pk")
            .first()
        )
        if ev is None:
            return
        existing = Matter.objects.filter(receipt_no=ev.data.get("existing", "")).first()
        registrar = d.registrar_of.get(ev.matter.registered_unit_id)
        if existing is None or registrar is None:
            return
        person = next((p for p in existing.petitioners.order_by("order") if p.phone), None)
        if person is None:
            return
        w = self.stdout.write
        w("\n复核终结后再次提出 / raised again after a final 复核 (XFGZ Art. 36 para 3)")
        w(
            f"  {existing.receipt_no}（{person.name}，{person.phone}）已复核终结，"
            f"其后登记的 {ev.matter.receipt_no} 不予受理。以 {registrar.username} 登录，"
            "在登记页填写该电话即可看到提示"
        )
        w(
            f"  sign in as {registrar.username} and enter this phone on the registration form"
            " to see the warning"
        )


def _pad(text: str, width: int) -> str:
    """Left-align in a monospace column where CJK characters are two cells wide."""
    cells = sum(2 if ord(c) > 0x2E80 else 1 for c in text)
    return text + " " * max(width - cells, 1)
