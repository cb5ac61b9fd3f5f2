"""The written opinion a pending approval would issue, shown before it is issued.

``opinion_preview`` composes the 处理意见书 (复查/复核意见书) with ``services.compose``, as
``services.issue_for_event`` does when the leader approves the newest draft (XFGZ Art. 32),
its deadlines dated from the log with the approval added, and returns it as an unsaved
``Notice``: nothing is written, no number is taken from the organ's serials, and the
number's place says ``PREVIEW_MARK``.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from xinfang.cases.models import Event, Matter, Status

from . import services
from .models import Notice

# Where an issued notice carries its number: a preview has none and says so.
PREVIEW_MARK = "预览（未出具）"


def opinion_preview(matter: Matter, *, at: datetime | None = None) -> Notice | None:
    """The notice approving ``matter``'s pending opinion at ``at`` (default now) would
    issue, unsaved; None when no opinion waits for approval or approving it issues no
    notice (an anonymous petitioner, or one without an address or phone: XFGZ Art. 23)."""
    if matter.status != Status.OPINION_PENDING:
        return None
    draft = Event.objects.filter(matter=matter, action="submit_opinion").order_by("-seq").first()
    if draft is None:
        return None
    at = at or timezone.now()
    # The approval as ``actions.effects.approve_opinion`` records it: the newest draft's
    # decision and texts.
    keys = ("decision", "request", "facts", "reasons", "basis")
    event = Event(
        matter=matter,
        seq=matter.event_count + 1,
        action="approve_opinion",
        from_status=matter.status,
        to_status=Status.ANSWERED,
        at=at,
        data={k: draft.data.get(k, "") for k in keys},
    )
    log = [*Event.objects.filter(matter=matter).only("action", "at", "data"), event]
    composed = services.compose(matter, event, events=log)
    if composed is None:
        return None
    return Notice(
        matter=matter,
        kind=composed.kind,
        title=composed.title,
        number=PREVIEW_MARK,
        organ=composed.organ,
        issued_at=at,
        context=composed.context,
        template_version=composed.template_version,
    )
