"""Load the shipped holiday arrangements for 2024–2026 into the calendar (procedure.md §5).

Sources (the State Council General Office's notices, named in each file):
2024 国办发明电〔2023〕7号; 2025 国办发明电〔2024〕12号; 2026 国办发明电〔2025〕7号.

The years are listed explicitly, so this migration loads the same rows on every install
even after later years are added to ``data/``; later years are loaded with
``xinfang loadholidays``. Reversible: the reverse removes exactly the dates it loaded.
"""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"
YEARS = (2024, 2025, 2026)


def _docs():
    for year in YEARS:
        yield json.loads((DATA / f"holidays-{year}.json").read_text(encoding="utf-8"))


def load(apps, schema_editor):
    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    for doc in _docs():
        for d in doc["days"]:
            CalendarDay.objects.update_or_create(
                date=d["date"],
                defaults={"kind": d["kind"], "name": d["name"], "source": doc["source"][:200]},
            )


def unload(apps, schema_editor):
    CalendarDay = apps.get_model("deadlines", "CalendarDay")
    for doc in _docs():
        CalendarDay.objects.filter(date__in=[d["date"] for d in doc["days"]]).delete()


class Migration(migrations.Migration):
    dependencies = [("deadlines", "0001_initial")]
    operations = [migrations.RunPython(load, unload)]
