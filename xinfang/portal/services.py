"""Writes started from the citizen portal. Each calls exactly one core service, inside its
transaction, and queues the citizen's SMS only after commit."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.utils import timezone

from xinfang.actions.registration import register_matter
from xinfang.cases.inputs import PetitionerIn, RegistrationIn
from xinfang.cases.models import Channel, Matter
from xinfang.notices.notify import after_commit

from . import access


def submit_online(
    *, data: dict[str, Any], files: Sequence[UploadedFile], ip: str, device: str = ""
) -> tuple[Matter, str]:
    """Register an online matter for a citizen (XFGZ Arts. 17, 20) and return it with its
    lookup secret, which exists in clear only in this return value.

    ``data`` is a cleaned ``SubmissionForm``; ``ip`` and ``device`` are the keys of
    ``access.caller``. The hard limits (``access``) are checked first and the attempt is
    counted per phone, device and address only after success, so a rejected upload does not
    use up a real person's allowance; the question, when one is due, is the view's (it lives
    in the session). All or nothing: ``register_matter`` writes in one transaction.
    """
    who = access.Caller("submit", ip=ip, device=device, phone=access.phone_key(data["phone"]))
    access.refuse_if_blocked(who)
    collective = bool(data.get("is_collective"))
    people: list[dict[str, Any]] = [
        {
            "name": data["name"],
            "phone": data["phone"],
            "address": data.get("address", ""),
            "is_representative": collective,
        }
    ]
    people += [{"name": r, "is_representative": True} for r in data["representatives"]]
    reg = RegistrationIn(
        unit=data["organ"],
        channel=Channel.ONLINE,
        category=data["category"],
        title=data["title"],
        content=data["content"],
        facts=data.get("facts", ""),
        received_at=timezone.now(),
        petitioners=[PetitionerIn.of(p) for p in people],
        topic=data.get("topic"),
        area=data.get("area"),
        is_collective=collective,
        headcount=data.get("headcount") or 1,
        accused_unit=data.get("accused"),
    )
    m, secret = register_matter(by=None, by_citizen=True, **reg.kwargs(), attachments=files)
    access.counted(who)
    after_commit(
        data["phone"],
        f"您的信访事项已收到，受理编号{m.receipt_no}。请凭受理编号和查询码在网上信访查询进度。",
    )
    return m, secret
