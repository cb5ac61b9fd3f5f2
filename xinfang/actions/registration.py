"""Writes that create matters: registration, follow-ups (复查/复核), material, attachments.

Every other change goes through ``workflow.transition``.
"""

from __future__ import annotations

import hashlib
import secrets
import zipfile
from collections.abc import Sequence
from datetime import datetime, timedelta
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from xinfang.cases.clock import clock_for
from xinfang.cases.inputs import (
    PETITIONER_FIELDS,
    PetitionerIn,
    check_id_number,
    check_phone,
)
from xinfang.cases.models import (
    Attachment,
    Category,
    Channel,
    Event,
    HotlineType,
    Kind,
    Matter,
    Petitioner,
    Status,
    Topic,
)
from xinfang.core.errors import Forbidden, UserError, check_text
from xinfang.core.rows import Insert, next_key
from xinfang.deadlines.clock import Deadline
from xinfang.notices.services import issue_for_event
from xinfang.org.models import Role, Unit, UnitKind, User, prefetch_memberships
from xinfang.reports import counters as month_counts
from xinfang.search.services import (  # same-transaction index upkeep
    index_matters,
    index_registered,
    pend_registered,
    prepare_registered,
)

from .records import append_event, next_receipt_no, refresh_deadlines
from .workflow import transition

MAX_REPRESENTATIVES = 5  # XFGZ Art. 20
# Known only inside the transaction: the key, the receipt number, the event's count and hash.
LATE = ("id", "receipt_no", "event_count", "last_hash")
MATTERS, PETITIONERS = Insert(Matter, keyed=True), Insert(Petitioner)


MAX_TEXT = 20_000  # characters of a request or of its facts and reasons
MAX_HEADCOUNT = 100_000
MIN_YEAR = 2000  # no matter was received before it
MAX_ATTACHMENT_BYTES = 20 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": b"%PDF",
    "image/jpeg": b"\xff\xd8\xff",
    "image/png": b"\x89PNG",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": b"PK\x03\x04",
}


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png", DOCX: "docx"}


def _is_docx(f: UploadedFile) -> bool:
    """A DOCX is a ZIP with ``[Content_Types].xml`` declaring a Word main document and
    ``word/document.xml``: any other ZIP (an HTML page, an archive) is not one."""
    try:
        with zipfile.ZipFile(f) as z:
            names = set(z.namelist())
            if "[Content_Types].xml" not in names or "word/document.xml" not in names:
                return False
            types = z.read("[Content_Types].xml")
            return b"wordprocessingml.document.main+xml" in types
    except (zipfile.BadZipFile, OSError, ValueError, KeyError, EOFError):
        return False
    finally:
        f.seek(0)


def hash_secret(secret: str) -> str:
    return hashlib.sha256(f"xinfang-lookup:{secret}".encode()).hexdigest()


def new_secret() -> str:
    """An unguessable lookup secret (about 60 bits), easy to read aloud: 4-4-4 letters."""
    alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
    raw = "".join(secrets.choice(alphabet) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _clean_petitioners(
    petitioners: Sequence[PetitionerIn | dict[str, Any]],
    *,
    anonymous: bool,
    collective: bool,
    headcount: int,
) -> list[PetitionerIn]:
    people = [PetitionerIn.of(p) for p in petitioners]
    people = [p for p in people if (p.name or "").strip()]
    for p in people:
        p.name = (p.name or "").strip()
        p.phone = (p.phone or "").strip()
        p.address = (p.address or "").strip()
        p.id_number = (p.id_number or "").strip()
        for name, zh, en, n in PETITIONER_FIELDS:
            check_text(
                getattr(p, name), field="petitioners", zh=zh, en=en, max_length=n, multiline=False
            )
        if p.phone:
            check_phone(p.phone)
        if p.id_number:
            check_id_number(p.id_number)
    if not people and not anonymous:
        raise UserError(
            "no_petitioner",
            "请至少登记一名信访人，或选择匿名",
            "Record at least one petitioner, or mark the matter anonymous",
            field="petitioners",
        )
    reps = sum(1 for p in people if p.is_representative)
    if reps > MAX_REPRESENTATIVES:
        raise UserError(
            "too_many_representatives",
            "集体访推选的代表不得超过5人（信访工作条例第二十条）",
            "A group may elect at most 5 representatives (Art. 20)",
            field="petitioners",
        )
    if collective and headcount < max(len(people), 2):
        raise UserError(
            "bad_headcount",
            "集体访人数应不少于登记的信访人数且至少2人",
            "Head-count must cover the recorded petitioners (≥2)",
            field="headcount",
        )
    return people


def check_file(f: UploadedFile) -> tuple[str, str]:
    if f.size is None or f.size > MAX_ATTACHMENT_BYTES:
        raise UserError(
            "file_too_large",
            f"附件“{f.name}”超过20MB",
            f"'{f.name}' exceeds 20 MB",
            field="attachments",
        )
    head = f.read(8)
    f.seek(0)
    for ctype, magic in ALLOWED_TYPES.items():
        if head.startswith(magic) and (ctype != DOCX or _is_docx(f)):
            # stored under the extension of what it is, never the one it was sent with
            stem = (f.name or "").rsplit(".", 1)[0].strip() or "attachment"
            return ctype, f"{stem[:180]}.{EXTENSIONS[ctype]}"
    raise UserError(
        "file_type",
        f"附件“{f.name}”的格式不支持，仅接受 PDF、JPG、PNG、DOCX",
        f"'{f.name}': only PDF, JPG, PNG and DOCX are accepted",
        field="attachments",
    )


def save_attachments(
    matter: Matter, files: Sequence[UploadedFile], by: User | None
) -> list[Attachment]:
    checked = [(f, *check_file(f)) for f in files]
    out = []
    for f, ctype, name in checked:
        h = hashlib.sha256()
        for chunk in f.chunks():
            h.update(chunk)
        f.seek(0)
        a = Attachment(
            matter=matter,
            name=name[:200],
            content_type=ctype,
            size=f.size or 0,
            sha256=h.hexdigest(),
            uploaded_by=by,
        )
        a.file.save(name, f, save=False)
        a.save()
        out.append(a)
    return out


def check_received(received_at: datetime, at: datetime, backdate_reason: str = "") -> bool:
    """Refuse a received time no deadline can run from (no time zone, before ``MIN_YEAR``,
    in the future, or more than ``BACKDATE_DAYS`` before ``at`` without a 补录 reason);
    True when the matter is registered late (补录)."""
    if timezone.is_naive(received_at):
        raise UserError(
            "bad_received_at",
            "收到时间须带时区（如 2026-03-05T09:30:00+08:00）",
            "Received time needs a time zone (e.g. 2026-03-05T09:30:00+08:00)",
            field="received_at",
        )
    if received_at.year < MIN_YEAR:
        raise UserError(
            "bad_received_at",
            f"收到时间不能早于{MIN_YEAR}年",
            f"Received time is before {MIN_YEAR}",
            field="received_at",
        )
    late = at - received_at > timedelta(days=int(settings.XINFANG["BACKDATE_DAYS"]))
    if late and not backdate_reason:
        # a typing slip (1900, last year's date) would start every deadline in the past and
        # top every overdue list: a receipt this old is registered only with its reason
        raise UserError(
            "backdate_reason_required",
            f"收到时间早于登记{settings.XINFANG['BACKDATE_DAYS']}天以上，请核对；"
            "确属补录的，请填写补录原因",
            f"Received more than {settings.XINFANG['BACKDATE_DAYS']} days before registration: "
            "check the date, or give the reason for registering it late",
            field="received_at",
        )
    check_text(backdate_reason, field="backdate_reason", zh="补录原因", en="Reason", max_length=200)
    if received_at > at:
        raise UserError(
            "future", "收到时间不能晚于现在", "Received time is in the future", field="received_at"
        )
    return late


def preview_deadlines(
    *,
    unit: Unit,
    received_at: datetime,
    category: str,
    anonymous: bool = False,
    accused_unit: Unit | None = None,
    backdate_reason: str = "",
    at: datetime | None = None,
) -> list[Deadline]:
    """The deadlines a registration with these details would start, computed by the clock
    from the register event it would write — shown to the registrar before saving, so a
    wrong received time is seen while it can still be corrected. Nothing is written."""
    at = at or timezone.now()
    check_received(received_at, at, (backdate_reason or "").strip())
    if category not in Category.values:
        category = Category.CLAIM
    if category == Category.REPORT and accused_unit is not None:
        unit = organ_for_report(unit, accused_unit)
    event = SimpleNamespace(
        action="register",
        at=at,
        data={
            "received_on": timezone.localdate(received_at).isoformat(),
            "office": unit.kind in (UnitKind.XINFANG_OFFICE, UnitKind.HOTLINE),
            "anonymous": anonymous,
        },
    )
    unsaved = Matter(kind=Kind.ORIGINAL, category=category)
    clock = clock_for(unsaved, on=timezone.localdate(at), events=[event])
    return [d for d in clock.deadlines if d.obligation]


def register_matter(
    *,
    by: User | None,
    unit: Unit,
    channel: str,
    category: str,
    title: str,
    content: str,
    received_at: datetime,
    petitioners: Sequence[PetitionerIn | dict[str, Any]] = (),
    facts: str = "",
    topic: Topic | None = None,
    area: Unit | None = None,
    hotline_type: str = "",
    is_collective: bool = False,
    headcount: int = 1,
    anonymous: bool = False,
    confidential: bool = False,
    accused_unit: Unit | None = None,
    attachments: Sequence[UploadedFile] = (),
    at: datetime | None = None,
    by_citizen: bool = False,
    rebound_of: Matter | None = None,
    backdate_reason: str = "",
) -> tuple[Matter, str]:
    """Register a matter received through any channel (XFGZ Arts. 17–22).

    ``backdate_reason`` (补录): why a matter received more than ``BACKDATE_DAYS`` before
    ``at`` is registered only now; required then, and recorded on the register event.
    ``rebound_of``: the concluded matter whose problem a 回头看 check found back; the new
    matter repeats it (``repeat_of``, and the register event names it).

    Returns the matter and its lookup secret, which is stored only as a hash and must be
    handed to the petitioner now. Nothing is written unless everything is valid.
    """
    at = at or timezone.now()
    if by is not None and by.is_authenticated:
        # Read once and before the write lock: the role check here and the acting unit
        # of the register event (append_event).
        prefetch_memberships(by)
    if not by_citizen and (
        by is None
        or not any(
            ms.unit_id == unit.pk and ms.role == Role.REGISTRAR for ms in by.memberships.all()
        )
    ):
        raise Forbidden(
            "forbidden", "您不是该机关的登记员", "You are not a registrar of this organ"
        )
    if channel not in Channel.values:
        raise UserError("bad_channel", "请选择信访渠道", "Choose a channel", field="channel")
    if category not in Category.values:
        raise UserError("bad_category", "请选择信访事项性质", "Choose a category", field="category")
    if hotline_type and hotline_type not in HotlineType.values:
        raise UserError("bad_type", "工单类型无效", "Invalid work-order type", field="hotline_type")
    title = (title or "").strip()
    content = (content or "").strip()
    facts = (facts or "").strip()
    if not title:
        raise UserError("required", "请填写事项摘要", "A short summary is required", field="title")
    check_text(title, field="title", zh="摘要", en="Summary", max_length=120, multiline=False)
    if not content:
        raise UserError("required", "请填写信访请求", "The request is required", field="content")
    check_text(content, field="content", zh="信访请求", en="The request", max_length=MAX_TEXT)
    check_text(facts, field="facts", zh="事实和理由", en="Facts and reasons", max_length=MAX_TEXT)
    backdate_reason = (backdate_reason or "").strip()
    late = check_received(received_at, at, backdate_reason)
    headcount = 1 if headcount is None else headcount
    if not 1 <= headcount <= MAX_HEADCOUNT:
        raise UserError(
            "bad_headcount",
            f"人数应在1至{MAX_HEADCOUNT}之间",
            f"Head-count must be between 1 and {MAX_HEADCOUNT}",
            field="headcount",
        )
    people = _clean_petitioners(
        petitioners, anonymous=anonymous, collective=is_collective, headcount=headcount
    )
    files = list(attachments)
    for f in files:
        check_file(f)
    secret = new_secret()
    received_by = unit
    if category == Category.REPORT and accused_unit is not None:
        unit = organ_for_report(unit, accused_unit)
    office = unit.kind in (UnitKind.XINFANG_OFFICE, UnitKind.HOTLINE)
    register_data: dict[str, Any] = {
        "received_on": timezone.localdate(received_at).isoformat(),
        **({"backdated": backdate_reason} if late else {}),
        "channel": channel,
        "office": office,
        "anonymous": anonymous or not any(p.address or p.phone for p in people),
    }
    if rebound_of is not None:
        # a 回头看 check found the problem back: the new matter repeats the concluded one
        register_data["rebound_of"] = rebound_of.receipt_no
    if unit != received_by:
        # received at the accused organ (or one under it), registered at the organ above
        register_data.update(
            referred_from=received_by.pk,
            referred_from_name=received_by.name,
            unit_name=unit.name,
        )
    m = Matter(
        secret_hash=hash_secret(secret),
        kind=Kind.ORIGINAL,
        channel=channel,
        category=category,
        hotline_type=hotline_type,
        topic=topic,
        area=area,
        title=title,
        content=content,
        facts=(facts or "").strip(),
        received_at=received_at,
        registered_at=at,
        registered_unit=unit,
        registered_by=by,
        is_collective=is_collective,
        headcount=max(headcount, len(people)) if is_collective else max(len(people), 1),
        anonymous=anonymous,
        confidential=confidential or category == Category.REPORT,
        accused_unit=accused_unit,
        repeat_of=rebound_of,
        status=Status.REGISTERED,
    )
    # The deadlines follow from the register event alone (its action, time and data), so
    # they are in the row as inserted: the one update after the event then changes no
    # indexed column (no index is written twice; on PostgreSQL a HOT update).
    refresh_deadlines(m, events=[Event(action="register", at=at, data=register_data)])
    # The rows' values (petitioners' numbers encrypted, their blind indexes, the search
    # tokens) before the write transaction: on SQLite it holds the one write lock.
    matter_row = MATTERS.prepare(m, late=LATE)
    created = [Petitioner(order=i, **vars(p)) for i, p in enumerate(people)]
    for p in created:
        p.set_indexes()
    petitioner_rows = [PETITIONERS.prepare(p, late=("matter_id",)) for p in created]
    index = prepare_registered(m, [p.name for p in people])
    with transaction.atomic():
        # The matter's key first, so that its petitioners, event and pending terms go in
        # before it (foreign keys are checked at commit) and its row is written once,
        # complete with the event's count and hash.
        m.pk = next_key(Matter)
        PETITIONERS.run(created, petitioner_rows, matter_id=m.pk)
        for p in created:
            p.matter = m
        save_attachments(m, files, by)
        ev = append_event(
            m,
            action="register",
            from_status="",
            actor=by,
            at=at,
            by_citizen=by_citizen,
            data=register_data,
        )
        pend_registered(index)
        # Last, the rows that every registration at this organ writes (its receipt
        # counter; the month counters, whose sums every registration in the deployment
        # writes). On PostgreSQL an updated row stays locked until the commit, so the
        # next registration waits for the statements from here to the commit, not for the
        # whole registration (nor for a fold of the pending terms). The search entry
        # holds the receipt number, so it follows it.
        MATTERS.run(
            [m],
            [matter_row],
            id=m.pk,
            receipt_no=next_receipt_no(unit, timezone.localdate(at).year),
            event_count=m.event_count,
            last_hash=m.last_hash,
        )
        index_registered(m, index)
        month_counts.add_received(m)
        if unit != received_by:
            issue_for_event(m, ev)  # tells the reporter where the report went
    m.fresh_events, m.fresh_petitioners = [ev], created
    return m, secret


def organ_for_report(received_by: Unit, accused: Unit) -> Unit:
    """XFGZ Art. 30: a report that accuses the organ receiving it is registered by the organ
    above, so the accused never holds it (nor could its own registrar see it again).
    Decided before anything is written, so no receipt is ever lost."""
    if received_by.pk != accused.pk:
        return received_by
    above = accused.organ_one_level_up()
    if above is None:
        raise UserError(
            "no_organ_above",
            f"被检举控告的{accused.name}在本系统中没有上一级机关，"
            "请告知检举控告人向有管辖权的纪检监察机关提出（信访工作条例第三十条）",
            "The accused organ has no organ above it here: the report goes to the competent "
            "discipline and supervision organ (Art. 30)",
            field="accused_unit",
        )
    return above


def add_material(
    matter: Matter,
    *,
    by: User | None,
    note: str,
    files: Sequence[UploadedFile] = (),
    by_citizen: bool = False,
) -> Matter:
    """Supplementary material from the petitioner or staff while the matter is open."""
    for f in files:
        check_file(f)
    with transaction.atomic():
        m = transition(
            matter,
            "add_material",
            actor=by,
            by_citizen=by_citizen,
            data={"note": note, "files": [f.name for f in files]},
        )
        save_attachments(m, files, by)
        index_matters([m.pk])
    return m
