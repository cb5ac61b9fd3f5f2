"""Return visits (回访, BJ Art. 23): created by the sweep, recorded by hotline/office staff."""

from __future__ import annotations

from datetime import date, datetime

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter, Status
from xinfang.core.errors import UserError
from xinfang.org.models import User
from xinfang.reports.counters import add_visit

from .marks import events_after, matters_touched
from .models import ReturnVisit, VisitMethod

CHUNK = 2000


def create_due_visits(today: date, now: datetime) -> int:
    """A visit task for every answered matter and every matter whose handling period
    ended before ``today``, once each, created at ``now`` (the sweep passes
    ``marks.sweep_instant(today)``). Returns how many were created.

    Answered matters are looked for among those with events since the last run
    (``marks.events_after``); the first run reads them all."""
    created = 0
    answered = Matter.objects.filter(
        status__in=[Status.ANSWERED, Status.CONCLUDED], lead_unit__isnull=False, kind="original"
    ).exclude(visits__trigger="answered")
    # A merged matter's handling is its main's: one visit for the handling, not one each.
    answered = answered.filter(merged_into__isnull=True)
    with events_after("visits", now) as after:
        if after is None:
            created += _create(answered, "answered", now)
        else:
            ids = matters_touched(after)
            for i in range(0, len(ids), CHUNK):
                created += _create(answered.filter(pk__in=ids[i : i + CHUNK]), "answered", now)
    late = (
        Matter.objects.open()
        .filter(current_due_kind="handling", current_due__lt=today, lead_unit__isnull=False)
        .exclude(visits__trigger="deadline")
    )
    return created + _create(late, "deadline", now)


def _create(qs: QuerySet[Matter], trigger: str, now: datetime) -> int:
    rows = [
        ReturnVisit(matter_id=pk, unit_id=unit, trigger=trigger, created_at=now)
        for pk, unit in qs.values_list("pk", "lead_unit_id").iterator(chunk_size=2000)
    ]
    ReturnVisit.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    return len(rows)


def record_visit(
    visit: ReturnVisit,
    *,
    by: User,
    method: str,
    reached: bool | None,
    contacted: bool | None = None,
    solved: bool | None = None,
    rating: str = "",
    note: str = "",
    at: datetime | None = None,
) -> ReturnVisit:
    """Record the outcome. A rating given on the visit becomes the matter's evaluation
    (XFGZ Art. 21) if the petitioner has not rated it yet."""
    if method not in VisitMethod.values:
        raise UserError("bad_method", "请选择回访方式", "Choose a visit method", field="method")
    if visit.done_at is not None:
        raise UserError("done", "该回访已记录", "This visit is already recorded")
    # Nothing is assumed (BJ Art. 23): each answer is the visitor's own, and an
    # unfavourable one says what happened, since it counts against the unit's rates.
    if reached is None:
        raise UserError(
            "required",
            "请选择是否联系上信访人",
            "Say whether the petitioner was reached",
            field="reached",
        )
    if reached and (contacted is None or solved is None):
        raise UserError(
            "incomplete",
            "请填写是否联系、是否解决",
            "Say whether the unit contacted the petitioner and whether the matter is solved",
        )
    unfavourable = not reached or contacted is False or solved is False or rating == "unsatisfied"
    if unfavourable and not note.strip():
        raise UserError(
            "note_required",
            "未联系上、承办单位未联系或问题未解决、不满意的，请在备注中写明情况",
            "Explain in the note when the petitioner was not reached, not contacted, "
            "not helped or not satisfied",
            field="note",
        )
    at = at or timezone.now()
    with transaction.atomic():
        visit.done_at, visit.done_by, visit.method = at, by, method
        visit.reached = reached
        visit.contacted = contacted if reached else None
        visit.solved = solved if reached else None
        visit.rating = rating if reached else ""
        visit.note = note[:500]
        visit.save()
        if reached:
            add_visit(visit.unit_id, at, contacted=bool(contacted), solved=bool(solved))
        m = visit.matter
        if reached and rating and not m.rating and m.status in (Status.ANSWERED, Status.CONCLUDED):
            transition(
                m,
                "rate",
                actor=by,
                at=at,
                data={"rating": rating, "comment": f"回访评价：{note}"[:1000]},
            )
    return visit
