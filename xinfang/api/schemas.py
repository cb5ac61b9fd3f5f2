"""Request and response shapes of the JSON API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any

from ninja import Field, Schema

MAX_INT = 2**63 - 1  # the databases' 64-bit integers
MAX_TEXT = 20_000  # = actions.registration.MAX_TEXT
# A row's key: larger numbers cannot be stored or looked up.
Id = Annotated[int, Field(ge=1, le=MAX_INT)]


class ErrorOut(Schema):
    code: str
    message: str
    message_en: str
    field: str | None = None


class PetitionerIn(Schema):
    name: str = Field(..., max_length=100)
    phone: str = Field("", max_length=40)
    address: str = Field("", max_length=200)
    id_number: str = Field("", max_length=40)
    is_organisation: bool = False
    is_representative: bool = False


class MatterIn(Schema):
    unit: Id
    channel: str
    category: str
    title: str = Field(..., max_length=120)
    content: str = Field(..., max_length=MAX_TEXT)
    received_at: datetime = Field(
        ..., description="With its time zone, e.g. 2026-03-05T09:30:00+08:00; not before 2000."
    )
    facts: str = Field("", max_length=MAX_TEXT)
    topic: str | None = Field(None, max_length=40)
    area: Id | None = None
    hotline_type: str = ""
    petitioners: list[PetitionerIn] = Field([], max_length=1000)
    is_collective: bool = False
    headcount: int = Field(1, ge=1, le=100_000)
    anonymous: bool = False
    confidential: bool = False
    accused_unit: Id | None = None
    backdate_reason: str = Field(
        "",
        max_length=200,
        description="Required when received more than BACKDATE_DAYS (30) days ago (补录).",
    )


class ActionIn(Schema):
    reason: str = Field("", max_length=MAX_TEXT)
    data: dict[str, Any] = {}
    expected_version: int | None = Field(None, ge=0, le=MAX_INT)


class UnitOut(Schema):
    id: int
    name: str
    kind: str
    level: str
    parent_id: int | None


class TopicOut(Schema):
    id: int
    code: str
    name: str


class MatterRow(Schema):
    id: int
    receipt_no: str
    kind: str
    title: str
    status: str
    status_label: str
    category: str
    lead_unit: str | None
    current_due: date | None
    current_due_kind: str
    current_due_provisional: bool = Field(
        False,
        description="current_due lies in (or after today in) a year whose holiday "
        "arrangement is not loaded; the matter's deadlines say exactly which are provisional.",
    )
    received_at: datetime


class MatterPage(Schema):
    items: list[MatterRow]
    next: str | None


class DeadlineOut(Schema):
    kind: str
    label: str
    article: str
    start: date
    due: date | None
    state: str
    days_left: int | None
    follows: str = ""  # 并案: receipt number of the main matter this deadline follows
    provisional: bool = Field(
        False,
        description="The period crosses a year whose State Council holiday arrangement is "
        "not loaded: counted on the statutory holidays alone (全国年节及纪念日放假办法), "
        "the due date may still move when the arrangement with its 调休 days is loaded.",
    )


class EventOut(Schema):
    seq: int
    action: str
    label: str
    at: datetime
    actor: str | None
    by_citizen: bool
    reason: str
    data: dict[str, Any]
    public: bool


class PetitionerOut(Schema):
    name: str
    phone: str
    address: str
    is_representative: bool


class NoticeOut(Schema):
    id: int
    kind: str
    title: str
    number: str
    issued_at: datetime
    pdf: str
    docx: str


class LinkOut(Schema):
    id: int
    receipt_no: str
    kind: str


class MatterOut(Schema):
    id: int
    receipt_no: str
    kind: str
    status: str
    status_label: str
    category: str
    topic: str | None
    title: str
    content: str
    facts: str
    channel: str
    received_at: datetime
    registered_unit: str
    lead_unit: str | None
    assisting_units: list[str]
    confidential: bool
    petitioners: list[PetitionerOut]
    deadlines: list[DeadlineOut]
    events: list[EventOut]
    allowed_actions: list[str]
    version: int
    parent: LinkOut | None
    merged_into: int | None = None
    repeat_of: int | None = None
    followups: list[LinkOut]
    notices: list[NoticeOut]
    secret: str | None = None


# --- registration after a final 复核 (XFGZ Art. 36 para 3) ---------------------------


class PetitionerKey(Schema):
    """A petitioner being registered, as the lookup of their earlier matters needs them."""

    name: str = Field("", max_length=100)
    phone: str = ""
    id_number: str = ""


class FinalMattersIn(Schema):
    petitioners: list[PetitionerKey] = []
    area: Id | None = Field(None, description="问题属地: a name matches only in this area")


class FinalMatterOut(Schema):
    """An earlier matter of the petitioner whose chain has a final 复核 decision."""

    id: int = Field(
        ...,
        description="The earlier matter named: the chain's original if the caller may see "
        "it, else the chain's 复查 or 复核 the caller may see.",
    )
    receipt_no: str
    kind: str
    title: str
    status: str
    existing: str = Field(
        ...,
        description="data.existing of not_accept with ground art36 (and of "
        "POST /matters/not-accepted): this matter's receipt number.",
    )
    decision: str = Field(..., description="The 复核 decision: support | explain | reject.")
    decision_label: str
    decided_on: date = Field(..., description="The day the 复核 opinion was approved.")
    organ: str = Field(..., description="The organ that decided the 复核.")
    reason: str = Field(..., description="Why this is the same petitioner (ID, phone, name).")
    article: str = "信访工作条例第三十六条第三款"


class FinalMattersOut(Schema):
    final_matters: list[FinalMatterOut] = Field(
        ...,
        description="XFGZ Art. 36 para 3: the same matter with the same facts and reasons is "
        "not accepted again after these decisions; it is still registered, with a written "
        "notice. Empty: no such earlier matter the caller may see.",
    )


class NotAcceptedIn(Schema):
    matter: MatterIn
    existing: str = Field(
        ..., max_length=40, description="Receipt number of the earlier matter (existing above)."
    )
    reason: str = Field(
        ..., max_length=MAX_TEXT, description="The explanation the written notice carries."
    )


class NotAcceptedOut(Schema):
    matter: MatterOut
    not_accepted: bool
    error: ErrorOut | None = Field(
        None, description="Why the not-accept was refused; the registration stands."
    )
