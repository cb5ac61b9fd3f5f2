"""Fill the daily rate counters from the existing events and return visits.

Reversible: the reverse empties the table (the counted rows are untouched).
"""

from collections import defaultdict

from django.db import migrations
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.utils import timezone

RATINGS = ("satisfied", "basic", "unsatisfied")


def fill(apps, schema_editor):
    Event = apps.get_model("cases", "Event")
    ReturnVisit = apps.get_model("supervision", "ReturnVisit")
    RateCount = apps.get_model("reports", "RateCount")
    tz = timezone.get_current_timezone()
    rows = defaultdict(dict)
    for r in (
        Event.objects.filter(action="rate", matter__lead_unit__isnull=False)
        .annotate(day=TruncDate("at", tzinfo=tz))
        .values("day", "matter__lead_unit_id", "data__rating")
        .annotate(n=Count("id"))
    ):
        if r["data__rating"] in RATINGS:
            key = (r["day"], r["matter__lead_unit_id"])
            rows[key][r["data__rating"]] = rows[key].get(r["data__rating"], 0) + r["n"]
    for r in (
        ReturnVisit.objects.filter(reached=True, done_at__isnull=False)
        .annotate(day=TruncDate("done_at", tzinfo=tz))
        .values("day", "unit_id")
        .annotate(
            n=Count("id"),
            c=Count("id", filter=Q(contacted=True)),
            s=Count("id", filter=Q(solved=True)),
        )
    ):
        rows[(r["day"], r["unit_id"])].update(visits=r["n"], contacted=r["c"], solved=r["s"])
    RateCount.objects.bulk_create(
        (RateCount(day=d, unit_id=u, **c) for (d, u), c in rows.items()), batch_size=2000
    )


def empty(apps, schema_editor):
    apps.get_model("reports", "RateCount").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_rate_counts"),
        ("cases", "0010_perf_indexes"),
        ("supervision", "0003_followups_duty"),
    ]

    operations = [migrations.RunPython(fill, empty)]
