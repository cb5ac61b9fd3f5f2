"""``xinfang rebuild_blind_indexes``: recompute every petitioner's phone and ID-number blind
index, and every reception booking's phone index, from the decrypted values after
``XINFANG_INDEX_KEY`` changed, batch by batch."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.db import connection, transaction

from xinfang.cases.models import Petitioner
from xinfang.core.crypto import blind_index, decrypt, id_index, normalise_phone
from xinfang.reception.models import Booking

BATCH = 2000


class Command(BaseCommand):
    help = "用当前密钥重建电话和证件号码的盲索引 / rebuild the blind indexes with the current key"

    def handle(self, *args: Any, **o: Any) -> None:
        table = Petitioner._meta.db_table
        n = last = 0
        while True:
            with transaction.atomic():
                rows = list(
                    Petitioner.objects.filter(pk__gt=last)
                    .order_by("pk")
                    .values_list("pk", "phone", "id_number")[:BATCH]
                )
                if not rows:
                    break
                with connection.cursor() as cur:
                    cur.executemany(
                        f"UPDATE {table} SET phone_index = %s, id_index = %s WHERE id = %s",
                        [
                            (
                                blind_index(normalise_phone(decrypt(phone or ""))),
                                id_index(decrypt(idn or "")),
                                pk,
                            )
                            for pk, phone, idn in rows
                        ],
                    )
                n += len(rows)
                last = rows[-1][0]

        for b in Booking.objects.exclude(phone="").iterator(chunk_size=BATCH):
            Booking.objects.filter(pk=b.pk).update(
                phone_index=blind_index(normalise_phone(b.phone or ""))
            )
            n += 1
        self.stdout.write(f"已重建 {n} 条 / rebuilt {n} rows")
