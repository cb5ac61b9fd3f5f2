"""A receipt number is found however a citizen types it: with dashes, spaces, full-width
characters, or the digits run together."""

from __future__ import annotations

import pytest

from xinfang.portal.access import typed_receipt_no

NO = "3604210003-2026-000001"


@pytest.mark.parametrize(
    "typed",
    [
        NO,
        " 3604210003 2026 000001 ",
        "3604210003－2026－000001",
        "３６０４２１０００３—２０２６—０００００１",
        "36042100032026000001",
        "3604210003 - 2026 - 000001",
    ],
)
def test_typed_forms_of_one_number(typed: str) -> None:
    assert typed_receipt_no(typed) == NO


def test_nonsense_stays_nonsense() -> None:
    assert typed_receipt_no("abc") == "abc" and typed_receipt_no("") == ""
