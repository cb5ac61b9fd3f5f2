"""Verification of the hash-chained event log (tamper evidence)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from .models import Event, Matter


@dataclass(frozen=True)
class Finding:
    matter_id: int
    receipt_no: str
    seq: int | None
    problem: str

    def __str__(self) -> str:
        where = f"#{self.seq}" if self.seq is not None else ""
        return f"{self.receipt_no}{where}: {self.problem}"


def verify_events(batch: int = 2000) -> Iterator[Finding]:
    """Yield every inconsistency: an edited row (hash mismatch), a broken chain, a gap in
    the sequence (a deleted row), or a matter whose head does not match its last event
    (the newest rows deleted). Streams matters in id order; memory stays flat."""
    last_id = 0
    while True:
        matters = list(
            Matter.objects.filter(pk__gt=last_id)
            .order_by("pk")
            .values("pk", "receipt_no", "event_count", "last_hash")[:batch]
        )
        if not matters:
            return
        by_id = {m["pk"]: m for m in matters}
        state: dict[int, tuple[int, str]] = {m["pk"]: (0, "") for m in matters}
        events = Event.objects.filter(matter_id__in=by_id).order_by("matter_id", "seq")
        for ev in events.iterator(chunk_size=5000):
            seq, prev = state[ev.matter_id]
            no = by_id[ev.matter_id]["receipt_no"]
            if ev.seq != seq + 1:
                yield Finding(ev.matter_id, no, seq + 1, "事件缺失 / missing event")
            if ev.prev_hash != prev:
                yield Finding(ev.matter_id, no, ev.seq, "链接断裂 / chain broken")
            if ev.compute_hash() != ev.hash:
                yield Finding(ev.matter_id, no, ev.seq, "内容被修改 / row altered")
            state[ev.matter_id] = (ev.seq, ev.hash)
        for pk, (seq, head) in state.items():
            m = by_id[pk]
            if seq != m["event_count"] or head != m["last_hash"]:
                yield Finding(pk, m["receipt_no"], None, "末尾事件缺失或被替换 / head mismatch")
        last_id = matters[-1]["pk"]
