"""The hash of one event of a matter's chain, in one place for every writer.

``Event.compute_hash`` (the transition function and registration), the bench seeder and the
migration that keyed the old chains all call these. The hash is an HMAC under the audit key
(``core.crypto.audit_key``), which is not in the database: whoever can write the database but
not read the key cannot recompute a chain after editing it.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

from xinfang.core.crypto import audit_mac


def event_body(
    *,
    matter: int,
    seq: int,
    action: str,
    from_status: str,
    to_status: str,
    at: datetime,
    actor: int | None,
    unit: int | None,
    citizen: bool,
    reason: str,
    data: Any,
    public: bool,
    prev: str,
) -> bytes:
    """The hashed text of an event: every column but the hash, the previous row's hash
    included (so the chain is linked)."""
    return json.dumps(
        {
            "matter": matter,
            "seq": seq,
            "action": action,
            "from": from_status,
            "to": to_status,
            "at": at.astimezone(UTC).isoformat(timespec="microseconds"),
            "actor": actor,
            "unit": unit,
            "citizen": citizen,
            "reason": reason,
            "data": data,
            "public": public,
            "prev": prev,
        },
        sort_keys=True,
        ensure_ascii=False,
        default=str,
    ).encode()


def event_hash(*, key: bytes | None = None, **fields: Any) -> str:
    """The keyed hash of an event (``event_body``'s fields); ``key``: another audit key
    than the one in force (re-keying)."""
    return audit_mac(event_body(**fields), key)


def legacy_event_hash(**fields: Any) -> str:
    """The unkeyed SHA-256 that chained events before the audit key (migration
    ``audit.0002`` re-keyed those chains); never accepted as a valid hash."""
    return hashlib.sha256(event_body(**fields)).hexdigest()


def event_fields(ev: Any) -> dict[str, Any]:
    """``event_body``'s arguments from an event row (a model instance, historical or not)."""
    return {
        "matter": ev.matter_id,
        "seq": ev.seq,
        "action": ev.action,
        "from_status": ev.from_status,
        "to_status": ev.to_status,
        "at": ev.at,
        "actor": ev.actor_id,
        "unit": ev.actor_unit_id,
        "citizen": ev.by_citizen,
        "reason": ev.reason,
        "data": ev.data,
        "public": ev.public,
        "prev": ev.prev_hash,
    }
