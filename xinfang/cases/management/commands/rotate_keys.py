"""``xinfang rotate_keys``: re-encrypt every petitioner's contact data with the first key of
XINFANG_FIELD_KEYS (after a new key was put first), batch by batch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from xinfang.cases.models import Petitioner
from xinfang.core.crypto import rotate


class Command(BaseCommand):
    help = "用新密钥重新加密个人信息 / re-encrypt personal data with the newest key"

    def handle(self, *args: Any, **o: Any) -> None:
        from django.db import connection

        n = 0
        last = 0
        while True:
            with transaction.atomic():
                batch = list(
                    Petitioner.objects.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", flat=True)[:1000]
                )
                if not batch:
                    break
                with connection.cursor() as cur:
                    table = Petitioner._meta.db_table
                    cur.execute(
                        f"SELECT id, phone, id_number FROM {table} WHERE id IN "
                        f"({','.join(str(i) for i in batch)})"
                    )
                    for pk, phone, idn in cur.fetchall():
                        cur.execute(
                            f"UPDATE {table} SET phone = %s, id_number = %s WHERE id = %s",
                            [rotate(phone or ""), rotate(idn or ""), pk],
                        )
                n += len(batch)
                last = batch[-1]
        self.stdout.write(f"已重新加密 {n} 条 / re-encrypted {n} rows")
