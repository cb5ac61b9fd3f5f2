"""What a face hands to an action: the parsed input of a flow, the same whether it came from
the staff pages, the API or the portal."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass
class PetitionerIn:
    name: str
    phone: str = ""
    address: str = ""
    id_number: str = ""
    is_organisation: bool = False
    is_representative: bool = False

    @classmethod
    def of(cls, value: PetitionerIn | dict[str, Any]) -> PetitionerIn:
        if isinstance(value, PetitionerIn):
            return value
        known = {k: value[k] for k in cls.__dataclass_fields__ if k in value}
        return cls(**known)
