"""What a face hands to an action: the parsed input of a flow, the same whether it came from
the staff pages, the API or the portal."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any, Self

from django.utils import timezone
from django.utils.dateparse import parse_datetime

from xinfang.core.errors import UserError
from xinfang.org.models import Unit, units_by_pk

from .models import Topic

# The petitioner's fields: the model's column sizes (checked, never cut short silently).
PETITIONER_FIELDS = (
    ("name", "信访人姓名", "The petitioner's name", 100),
    ("phone", "联系电话", "The phone number", 40),
    ("address", "地址", "The address", 200),
    ("id_number", "证件号码", "The ID number", 40),
)


# A resident identity number (GB 11643-1999): 17 digits and a check character.
RESIDENT_ID = re.compile(r"^\d{17}[\dXx]$")
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
# A phone number as people write it: digits with an area code, separators, an extension.
PHONE_CHARS = re.compile(r"^\+?[\d\s\-()（）转#]+$")


def check_id_number(value: str, *, field: str = "petitioners") -> str:
    """``value`` unless it is shaped as a resident identity number (18 characters, spaces
    and dashes aside) whose check character is wrong: a mistyped number would name someone
    else, and would never match the same person's other matters. Other documents
    (passports, old 15-digit numbers) pass as written."""
    compact = re.sub(r"[\s-]", "", value)
    if RESIDENT_ID.match(compact):
        total = sum(int(c) * w for c, w in zip(compact[:17], ID_WEIGHTS, strict=True))
        if "10X98765432"[total % 11] != compact[17].upper():
            raise UserError(
                "bad_id_number",
                f"身份证号码{value}的校验位不符，请核对",
                f"The check character of ID number {value} is wrong; check the number",
                field=field,
            )
    return value


def check_phone(value: str, *, field: str = "petitioners") -> str:
    """``value`` if it reads as a phone number: digits (at least 5, at most 20) with an area
    code, separators or an extension; an address or a name typed into it is refused."""
    digits = sum(c.isdigit() for c in value)
    if not PHONE_CHARS.match(value) or not 5 <= digits <= 20:
        raise UserError(
            "bad_phone",
            f"联系电话“{value[:20]}”不是电话号码：只能填写数字，可含区号和分机",
            f"'{value[:20]}' is not a phone number: digits only, with area code or extension",
            field=field,
        )
    return value


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


@dataclass
class RegistrationIn:
    """A matter to register, as every face hands it over (``register(by, reg)``): the staff
    form, the API, the portal and the bulk import build it with ``parse`` from the plain
    values they receive (ids, text, ISO times), so a unit, topic or time is read and
    refused in one way whatever the face."""

    unit: Unit
    channel: str
    category: str
    title: str
    content: str
    received_at: datetime
    petitioners: list[PetitionerIn] = field(default_factory=list)
    facts: str = ""
    topic: Topic | None = None
    area: Unit | None = None
    hotline_type: str = ""
    is_collective: bool = False
    headcount: int = 1
    anonymous: bool = False
    confidential: bool = False
    accused_unit: Unit | None = None
    backdate_reason: str = ""  # 补录: why a matter received long ago is registered only now

    @classmethod
    def parse(cls, raw: Mapping[str, Any], *, organs: Sequence[Unit] | None = None) -> Self:
        """Read ``raw`` (ids for the units and the topic — a topic also by its code —,
        ``received_at`` as a datetime or as ISO text in local time when it has no zone,
        absent meaning now), refusing with a
        ``UserError`` on the field what cannot be read. ``organs``: the units the caller may
        register for (the staff form's choice); the content itself is validated by
        registration."""
        units = units_by_pk(
            [int(v) for k in ("unit", "area", "accused_unit") if (v := _id(raw.get(k)))]
        )
        unit = _unit(raw.get("unit"), units, "unit", "登记机关不存在", "No such unit")
        if unit is None or (organs is not None and unit.pk not in {u.pk for u in organs}):
            raise UserError(
                "bad_unit", "请选择登记机关", "Choose the registering organ", field="unit"
            )
        topic = None
        if raw.get("topic") not in (None, ""):
            topic = Topic.active(str(raw["topic"]).strip())
            if topic is None:
                raise UserError("bad_topic", "问题类别不存在", "No such topic", field="topic")
        return cls(
            unit=unit,
            channel=str(raw.get("channel") or ""),
            category=str(raw.get("category") or ""),
            title=str(raw.get("title") or ""),
            content=str(raw.get("content") or ""),
            facts=str(raw.get("facts") or ""),
            received_at=_when(raw.get("received_at")),
            petitioners=[PetitionerIn.of(p) for p in raw.get("petitioners") or ()],
            topic=topic,
            area=_unit(raw.get("area"), units, "area", "问题属地不存在", "No such area"),
            accused_unit=_unit(
                raw.get("accused_unit"),
                units,
                "accused_unit",
                "被反映单位不存在",
                "No such accused unit",
            ),
            hotline_type=str(raw.get("hotline_type") or ""),
            is_collective=bool(raw.get("is_collective")),
            headcount=_headcount(raw.get("headcount")),
            anonymous=bool(raw.get("anonymous")),
            confidential=bool(raw.get("confidential")),
            backdate_reason=str(raw.get("backdate_reason") or ""),
        )

    def kwargs(self) -> dict[str, Any]:
        """``register_matter``'s keyword arguments."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _id(value: Any) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    text = str(value).strip()
    return int(text) if text.isdigit() and len(text) < 19 else None


def _unit(value: Any, known: dict[int, Unit], field: str, zh: str, en: str) -> Unit | None:
    if value in (None, ""):
        return None
    pk = _id(value)
    found = known.get(pk) if pk is not None else None
    if found is None:
        raise UserError(f"bad_{field}", zh, en, field=field)
    return found


def _when(value: Any) -> datetime:
    if value in (None, ""):
        return timezone.localtime()
    if isinstance(value, datetime):
        return value  # as sent: registration refuses one without its time zone
    when = parse_datetime(str(value).strip())
    if when is None:
        raise UserError(
            "bad_time", "收到时间格式不正确", "Invalid received time", field="received_at"
        )
    # a form's local time (datetime-local) is the deployment's
    return when if timezone.is_aware(when) else timezone.make_aware(when)


def _headcount(value: Any) -> int:
    text = str(value if value not in (None, "") else 1).strip()
    if not text.isdigit() or int(text) < 1:
        raise UserError(
            "bad_headcount",
            "人数应为正整数",
            "Head-count must be a positive number",
            field="headcount",
        )
    return int(text)
