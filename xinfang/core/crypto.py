"""Field encryption at rest (PIPL Art. 51) and blind indexes for exact-match search.

Keys come from the environment: ``XINFANG_FIELD_KEYS`` is a comma-separated list of Fernet
keys; the first encrypts, all decrypt, so a key is rotated by putting a new key first and
running ``xinfang rotate_keys`` (re-encrypts every row), then dropping the old key.
``XINFANG_INDEX_KEY`` keys the HMAC of the blind indexes (after changing it, run
``xinfang rebuild_blind_indexes``). ``XINFANG_AUDIT_KEY`` keys the hash chains of the event
log and the access log, so that whoever can write the database but not read this key cannot
recompute a chain after changing it (after changing it, run ``xinfang audit rekey``).
Without them (development) keys are derived from SECRET_KEY.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

PREFIX = "enc1:"


def _derived(purpose: str) -> bytes:
    return hashlib.sha256(f"{purpose}:{settings.SECRET_KEY}".encode()).digest()


@lru_cache(maxsize=1)
def _fernet() -> MultiFernet:
    raw = [k.strip() for k in os.environ.get("XINFANG_FIELD_KEYS", "").split(",") if k.strip()]
    keys = [Fernet(k.encode()) for k in raw] or [
        Fernet(base64.urlsafe_b64encode(_derived("field-encryption")))
    ]
    return MultiFernet(keys)


def encrypt(value: str) -> str:
    if not value:
        return ""
    return PREFIX + _fernet().encrypt(value.encode()).decode()


def decrypt(value: str) -> str:
    if not value or not value.startswith(PREFIX):
        return value or ""
    try:
        return _fernet().decrypt(value[len(PREFIX) :].encode()).decode()
    except InvalidToken:
        return "（无法解密）"


def rotate(value: str) -> str:
    if not value or not value.startswith(PREFIX):
        return encrypt(value)
    return PREFIX + _fernet().rotate(value[len(PREFIX) :].encode()).decode()


def blind_index(value: str) -> str:
    """A keyed hash for exact-match lookups of an encrypted value (digits only for phones)."""
    if not value:
        return ""
    key = os.environ.get("XINFANG_INDEX_KEY", "").encode() or _derived("blind-index")
    return hmac.new(key, value.encode(), hashlib.sha256).hexdigest()


def audit_key() -> bytes:
    """The key of the audit chains (never stored in the database or its backups)."""
    return os.environ.get("XINFANG_AUDIT_KEY", "").strip().encode() or _derived("audit-chain")


def audit_mac(body: bytes, key: bytes | None = None) -> str:
    """HMAC-SHA256 of one chained row (hex): an event, an access-log row, a witness seal."""
    return hmac.digest(audit_key() if key is None else key, body, "sha256").hex()


def fingerprint(key: bytes) -> str:
    """Names a key without revealing it: an HMAC of a fixed text under the key."""
    return hmac.digest(key, b"xinfang key fingerprint v1", "sha256").hex()[:16]


def key_fingerprints() -> dict[str, list[str]]:
    """The fingerprints of the keys in force: every field key (the first encrypts), the
    index key and the audit key. A backup records them; a restore compares them."""
    raw = [k.strip() for k in os.environ.get("XINFANG_FIELD_KEYS", "").split(",") if k.strip()]
    fields = [k.encode() for k in raw] or [base64.urlsafe_b64encode(_derived("field-encryption"))]
    index = os.environ.get("XINFANG_INDEX_KEY", "").encode() or _derived("blind-index")
    return {
        "field": [fingerprint(k) for k in fields],
        "index": [fingerprint(index)],
        "audit": [fingerprint(audit_key())],
    }


def normalise_phone(phone: str) -> str:
    return "".join(ch for ch in phone if ch.isdigit() or ch == "+")


def normalise_id_number(value: str) -> str:
    """An identity document number as written in any width or case, without spaces or
    dashes (``１１０１０５ 1990…x`` → ``1101051990…X``); "" when too short to identify."""
    import unicodedata

    v = unicodedata.normalize("NFKC", value or "").upper()
    v = "".join(ch for ch in v if ch.isascii() and ch.isalnum())
    return v if len(v) >= 6 else ""


def id_index(value: str) -> str:
    """The blind index of an identity document number (its own domain: never equal to a
    phone's index)."""
    v = normalise_id_number(value)
    return blind_index("id:" + v) if v else ""
