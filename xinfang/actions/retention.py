"""Retention (PIPL Arts. 19, 47): after the period set per category, the personal data of a
concluded matter is anonymised; counts, dates, topics, units and the event log stay, so
statistics and accountability figures do not change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from xinfang.cases.models import TERMINAL, Attachment, Matter, Petitioner

REDACTED = "［已按保存期限删除］"


@dataclass
class RetentionReport:
    due: dict[str, int] = field(default_factory=dict)  # category → matters
    matters: list[str] = field(default_factory=list)  # receipt numbers
    files: int = 0


def due_matters(today: date) -> dict[str, list[int]]:
    years: dict[str, int] = settings.XINFANG["RETENTION_YEARS"]
    out: dict[str, list[int]] = {}
    for category, n in years.items():
        cutoff = timezone.make_aware(
            datetime.combine(today - timedelta(days=round(365.25 * n)), time.min)
        )
        ids = (
            Matter.objects.filter(
                category=category, status__in=TERMINAL, anonymised_at__isnull=True
            )
            .annotate(last=Max("events__at"))
            .filter(last__lt=cutoff)
            .values_list("pk", flat=True)
        )
        out[category] = list(ids)
    return out


def run(today: date | None = None, *, dry_run: bool = True) -> RetentionReport:
    today = today or timezone.localdate()
    report = RetentionReport()
    for category, ids in due_matters(today).items():
        report.due[category] = len(ids)
        for pk in ids:
            m = Matter.objects.get(pk=pk)
            report.matters.append(m.receipt_no)
            report.files += m.attachments.count()
            if not dry_run:
                anonymise(m)
    return report


def anonymise(m: Matter) -> None:
    from xinfang.notices.models import Notice
    from xinfang.notices.render import forget_rendered

    with transaction.atomic():
        Petitioner.objects.filter(matter=m).update(
            name="（已删除）", phone="", phone_index="", id_number="", id_index="", address=""
        )
        for a in Attachment.objects.filter(matter=m):
            a.file.delete(save=False)
        Attachment.objects.filter(matter=m).delete()
        for n in Notice.objects.filter(matter=m):
            ctx = dict(n.context)
            ctx["petitioner"], ctx["address"], ctx["names"] = "（已删除）", "", []
            ctx["paragraphs"] = [REDACTED]
            Notice.objects.filter(pk=n.pk).update(context=ctx)
            # the rendered files hold the old text: drop them once the redaction commits
            transaction.on_commit(partial(forget_rendered, n.pk))
        Matter.objects.filter(pk=m.pk).update(
            content=REDACTED, facts="", anonymised_at=timezone.now()
        )
        from xinfang.search.services import index_matters

        index_matters([m.pk])  # the index must not keep what was deleted
