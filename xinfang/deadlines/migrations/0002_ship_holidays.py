"""Load the shipped holiday arrangements (2024–2026) into the calendar."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(apps, schema_editor):
    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    for path in sorted(DATA.glob("holidays-*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        for d in doc["days"]:
            CalendarDay.objects.update_or_create(
                date=d["date"],
                defaults={"kind": d["kind"], "name": d["name"], "source": doc["source"][:200]},
            )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    for path in sorted(DATA.glob("holidays-*.json")):
        doc = json.loads(path.read_text(encoding="utf-8"))
        CalendarDay.objects.filter(date__in=[d["date"] for d in doc["days"]]).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
