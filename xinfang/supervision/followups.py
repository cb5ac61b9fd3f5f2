"""回头看: follow-up checks on concluded matters, and reopening a relapse."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from xinfang.actions.registration import register_matter
from xinfang.cases.models import Event, Matter, Status
from xinfang.core.errors import UserError
from xinfang.org.models import User

from .marks import events_after, sweep_instant
from .models import FollowupCheck


def offsets() -> list[int]:
    return list(settings.XINFANG.get("FOLLOWUP_DAYS", [30, 90]))


def schedule(today: date, now: datetime | None = None) -> int:
    """Create the checks for matters concluded in the last max(offsets) days before
    ``today`` (a check is due ``offset`` days after the day of the conclusion). Idempotent,
    and decided by ``today``, not the wall clock; ``now`` dates the job's mark (default:
    ``marks.sweep_instant(today)``). After its first run it reads only conclusions
    recorded since the last run (``marks.events_after``)."""
    days = offsets()
    now = now or sweep_instant(today)
    since = timezone.make_aware(
        datetime.combine(today - timedelta(days=max(days) + 1), datetime.min.time())
    )
    # other offsets mean other checks for old conclusions too: a job of their own
    with events_after("followups:" + ",".join(map(str, sorted(set(days)))), now) as after:
        return _schedule(days, since, after)


def _schedule(days: list[int], since: datetime, after: int | None) -> int:
    conclusions = Event.objects.filter(
        action="conclude", at__gte=since, matter__status=Status.CONCLUDED
    )
    if after is not None:
        conclusions = conclusions.filter(pk__gt=after)
    rows = []
    for matter_id, at in (
        conclusions
        # Only conclusions still missing a check: a daily run inserts the new ones
        # instead of re-offering every conclusion of the last months.
        .annotate(
            checks=Count(
                "matter__followup_checks",
                filter=Q(matter__followup_checks__offset_days__in=days),
            )
        )
        .filter(checks__lt=len(set(days)))
        .values_list("matter_id", "at")
        .iterator(chunk_size=2000)
    ):
        concluded = timezone.localdate(at)
        rows += [
            FollowupCheck(matter_id=matter_id, offset_days=d, due_on=concluded + timedelta(days=d))
            for d in days
        ]
    FollowupCheck.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def record(check: FollowupCheck, *, by: User, held: bool | None, note: str = "") -> FollowupCheck:
    """Record the outcome. If the solution did not hold, the matter is reopened as a new
    matter linked to it (``repeat_of``), registered at the same organ by ``by``. Nothing
    is assumed: the answer is chosen, and a relapse says what happened."""
    if check.done_at is not None:
        raise UserError("done", "该回头看已记录", "This check is already recorded")
    if held is None:
        raise UserError(
            "required", "请选择回头看的结果", "Say whether the solution held", field="held"
        )
    if not held and not note.strip():
        raise UserError(
            "note_required",
            "问题反弹的，请在备注中写明情况",
            "Describe the relapse in the note",
            field="note",
        )
    with transaction.atomic():
        check.done_at, check.done_by, check.held, check.note = timezone.now(), by, held, note[:500]
        if not held:
            m: Matter = check.matter
            new, _ = register_matter(
                by=by,
                unit=m.registered_unit,
                channel=m.channel,
                category=m.category,
                title=f"【回头看】{m.title}"[:120],
                content=m.content,
                facts=f"{m.receipt_no}办结后回头看发现问题反弹：{note}",
                received_at=timezone.now(),
                petitioners=[
                    {
                        "name": p.name,
                        "phone": p.phone,
                        "address": p.address,
                        "id_number": p.id_number,
                        "is_representative": p.is_representative,
                    }
                    for p in m.petitioners.all()
                ],
                topic=m.topic,
                area=m.area,
                anonymous=m.anonymous,
                confidential=m.confidential,
                rebound_of=m,
            )
            check.reopened = new
        check.save()
    return check
