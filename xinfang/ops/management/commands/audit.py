"""``xinfang audit``: the audit chains and their witness (docs/security.md).

- ``verify [--witness PATH]``: every event and access-log row against its keyed hash and
  chain, and the database against the witness (this deployment's, or a copy elsewhere).
- ``witness [--every SECONDS]``: append the chains' new heads to the witness (once, or in a
  loop as the sweep's ``--every``; a minute is the window of the guarantee).
- ``witness-copy DEST``: append what the witness gained to a copy elsewhere.
- ``rekey``: after ``XINFANG_AUDIT_KEY`` changed (the old key in ``XINFANG_AUDIT_KEY_OLD``),
  re-key every chain and witness it again. Stop the web workers first.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from xinfang.audit.models import AccessLog, ChainHead
from xinfang.audit.services import verify_access_log
from xinfang.cases.audit import verify_events
from xinfang.cases.models import Event, Matter
from xinfang.core.crypto import audit_mac
from xinfang.ops import witness
from xinfang.ops.rekey import rekey_access_log, rekey_events


class Command(BaseCommand):
    help = "审计哈希链：校验、见证、复制见证、重设密钥"

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="what", required=True)
        v = sub.add_parser("verify", help="校验事件日志、访问日志和见证")
        v.add_argument("--witness", type=Path, help="见证文件或其副本所在目录（默认本机见证）")
        w = sub.add_parser("witness", help="把哈希链的新末尾写入见证")
        w.add_argument("--every", type=int, default=0, help="每隔多少秒运行一次（不退出）")
        c = sub.add_parser("witness-copy", help="把见证新增的部分追加到另一处的副本")
        c.add_argument("dest", type=Path)
        sub.add_parser("rekey", help="更换 XINFANG_AUDIT_KEY 后重算哈希链（旧密钥见 _OLD）")

    def handle(self, *args: Any, **o: Any) -> None:
        getattr(self, "_" + o["what"].replace("-", "_"))(**o)

    def _verify(self, **o: Any) -> None:
        total = Event.objects.count()
        self.stdout.write(f"校验 {total} 条事件 / verifying {total} events …")
        bad = 0
        for finding in verify_events():
            bad += 1
            self.stdout.write(f"  ✗ {finding}")
        for problem in verify_access_log():
            bad += 1
            self.stdout.write(f"  ✗ {problem}")
        for check in witness.verify_witness(o.get("witness")):
            bad += check.problem
            self.stdout.write(f"  {'✗' if check.problem else '·'} {check}")
        if bad:
            raise CommandError(f"发现 {bad} 处不一致 / {bad} inconsistencies found")
        self.stdout.write(self.style.SUCCESS("完好 / intact"))

    def _witness(self, **o: Any) -> None:
        while True:
            run = witness.witness_once()
            if run.seal:
                access = "和访问日志的末尾" if run.access else "的末尾"
                self.stdout.write(f"见证第 {run.seal} 号封记：{run.heads} 个事项{access}")
            elif not o["every"]:
                self.stdout.write("没有新的记录")
            if not o["every"]:
                return
            connection.close()  # not held between runs
            time.sleep(o["every"])

    def _witness_copy(self, **o: Any) -> None:
        try:
            n = witness.copy_witness(o["dest"])
        except FileNotFoundError:
            raise CommandError("本机还没有见证文件，请先运行 xinfang audit witness") from None
        except ValueError as e:
            raise CommandError(str(e)) from None
        self.stdout.write(f"已追加 {n:,} 字节到 {o['dest']}")

    def _rekey(self, **o: Any) -> None:
        old_key = os.environ.get("XINFANG_AUDIT_KEY_OLD", "").strip().encode()
        if not old_key:
            raise CommandError("请在 XINFANG_AUDIT_KEY_OLD 中给出原来的审计密钥")

        def old(body: bytes) -> str:
            return audit_mac(body, old_key)

        events, broken = rekey_events(Event, Matter, connection, old=old, new=audit_mac)
        rows, intact = rekey_access_log(AccessLog, ChainHead, connection, old=old, new=audit_mac)
        witness.mark_rekeyed()
        run = witness.witness_once()
        self.stdout.write(
            f"已用新密钥重算 {events} 条事件、{rows} 条访问日志；见证第 {run.seal} 号封记"
        )
        left = ([f"{broken} 个事项的事件链"] if broken else []) + ([] if intact else ["访问日志"])
        if left:
            raise CommandError(
                "、".join(left) + "在旧密钥下已不一致，未重算的部分保留原样："
                "请运行 xinfang audit verify 查看"
            )
