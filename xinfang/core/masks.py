"""How a phone or ID number is shown to someone who may not read it whole."""

from __future__ import annotations


def mask_phone(phone: str) -> str:
    """13800001234 → 138****1234."""
    p = phone.strip()
    return p[:3] + "*" * max(len(p) - 7, 0) + p[-4:] if len(p) >= 8 else "*" * len(p)


def mask_id(number: str) -> str:
    """110101199003071234 → 1101**********1234."""
    n = number.strip()
    return n[:4] + "*" * max(len(n) - 8, 0) + n[-4:] if len(n) >= 9 else "*" * len(n)


# What a page, notice or export shows instead of a petitioner's identity that the reader may
# not see (``cases.access.can_see_identity``).
HIDDEN = "（保密）"
