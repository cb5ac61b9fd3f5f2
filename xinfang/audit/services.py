"""Writing and verifying the access log."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.core.masks import mask_id, mask_phone

from .models import AccessLog, ChainHead


def client_ip(request: Any) -> str | None:
    return request.META.get("REMOTE_ADDR") if request is not None else None


def log_access(
    *,
    user: Any,
    what: str,
    matter: Any = None,
    detail: str = "",
    purpose: str = "",
    request: Any = None,
    channel: str = "web",
) -> AccessLog:
    """Append one row. Rows are chained: each carries the previous row's hash, and the
    chain head is updated in the same transaction (serialised by its row lock)."""
    with transaction.atomic():
        head, _ = ChainHead.objects.select_for_update().get_or_create(name="access")
        row = AccessLog(
            at=timezone.now(),
            user=user if getattr(user, "is_authenticated", False) else None,
            matter=matter,
            what=what,
            detail=detail[:200],
            purpose=purpose[:100],
            ip=client_ip(request),
            channel=channel,
            prev_hash=head.hash,
        )
        row.hash = row.compute_hash()
        row.save()
        head.hash, head.count = row.hash, head.count + 1
        head.save(update_fields=["hash", "count"])
    return row


def verify_access_log() -> Iterator[str]:
    """Yield a description of every edited, deleted or forged row."""
    prev = ""
    n = 0
    for row in AccessLog.objects.order_by("id").iterator(chunk_size=5000):
        n += 1
        if row.prev_hash != prev:
            yield f"访问日志 #{row.pk}: 链接断裂（前一行被删除或修改） / chain broken"
        if row.compute_hash() != row.hash:
            yield f"访问日志 #{row.pk}: 内容被修改 / row altered"
        prev = row.hash
    head = ChainHead.objects.filter(name="access").first()
    if head is not None and (head.hash != prev or head.count != n):
        yield "访问日志末尾缺失或被替换 / tail deleted or replaced"


def lookup_detail(q: str, receipts: list[str]) -> str:
    """The access log's detail of a lookup of petitioners: what was asked (a phone or ID
    number masked as pages show it, a name as typed) and the matters it found."""
    compact = q.replace(" ", "").replace("-", "")
    if compact.lstrip("+").isdigit() and len(compact) >= 7:
        asked = f"电话 {mask_phone(compact)}"
    elif len(compact) >= 15 and compact.isalnum() and compact.isascii():
        asked = f"身份证号 {mask_id(compact)}"
    else:
        asked = f"姓名 {q[:20]}"
    return f"{asked}：{len(receipts)} 件 {' '.join(receipts)}".strip()[:200]
