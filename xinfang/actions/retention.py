"""Retention (PIPL Arts. 19, 47): after the period set per category, the personal data of a
concluded matter is anonymised; counts, dates, topics, units and the event log stay, so
statistics and accountability figures do not change."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from xinfang.cases.models import TERMINAL, Matter

from .effects import REDACTED
from .workflow import transition

__all__ = ["REDACTED", "RetentionReport", "anonymise", "due_matters", "run"]


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
    """Anonymise ``m`` as the system, through the transition function (``anonymise``): one
    event records what was removed, the version moves, and files go once it commits."""
    transition(m, "anonymise", actor=None, system=True)
