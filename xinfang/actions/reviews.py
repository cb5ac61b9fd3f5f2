"""The review (复查) and re-examination (复核) matters a petitioner requests after a reply
(XFGZ Arts. 35–36): linked to the matter they follow, with their own organ and clock."""

from __future__ import annotations

from datetime import date, datetime

from django.utils import timezone

from xinfang.cases.models import Kind, Matter, Petitioner, Status
from xinfang.org.models import Unit
from xinfang.search.services import index_matters

from .records import append_event, next_receipt_no, refresh_deadlines, set_units


def open_followup(
    *,
    parent: Matter,
    kind: str,
    organ: Unit,
    at: datetime,
    received_on: str | date | None,
    pending: bool = False,
    grounds: str = "",
) -> Matter:
    """Create the linked review (复查) or re-examination (复核) matter (XFGZ Arts. 35–36).

    It has its own receipt number, organ and clock, and shares the parent's lookup secret
    so the petitioner follows the whole chain with what they already hold. ``pending``:
    no organ one level up is known, so the matter waits, registered at ``organ`` with its
    decision period running, until staff there name the deciding organ (``choose_organ``).
    ``grounds``: what the petitioner disputes in the reply and why, the new matter's request
    (the original request when staff record a request without them).
    """
    received = received_on or timezone.localdate(at)
    label = "复查" if kind == Kind.REVIEW else "复核"
    child = Matter.objects.create(
        receipt_no=next_receipt_no(organ, timezone.localdate(at).year),
        secret_hash=parent.secret_hash,
        kind=kind,
        parent=parent,
        channel=parent.channel,
        category=parent.category,
        hotline_type=parent.hotline_type,
        topic=parent.topic,
        area=parent.area,
        title=f"【{label}】{parent.title}"[:120],
        content=grounds or parent.content,
        facts=parent.facts,
        received_at=at,
        registered_at=at,
        registered_unit=organ,
        is_collective=parent.is_collective,
        headcount=parent.headcount,
        anonymous=parent.anonymous,
        confidential=parent.confidential,
        accused_unit=parent.accused_unit,
        status=Status.REGISTERED if pending else Status.HANDLING,
    )
    Petitioner.objects.bulk_create(
        [
            Petitioner(
                matter=child,
                name=p.name,
                is_organisation=p.is_organisation,
                id_number=p.id_number,
                phone=p.phone,
                address=p.address,
                is_representative=p.is_representative,
                order=p.order,
            )
            for p in parent.petitioners.all()
        ]
    )
    if not pending:
        set_units(child, organ, [])
    append_event(
        child,
        action="register",
        from_status="",
        actor=None,
        at=at,
        by_citizen=True,
        data={
            "received_on": str(received),
            "parent": parent.receipt_no,
            "anonymous": parent.anonymous,
        },
    )
    refresh_deadlines(child)
    child.save()
    index_matters([child.pk], fresh=True)
    return child
