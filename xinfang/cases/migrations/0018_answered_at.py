"""``Matter.answered_at``: when the latest written opinion was approved, filled from the
event log; an index of the period's opinions with their verdicts; the lead unit joins the
(status, current_due, accused_unit) index, built before the old one goes."""

from django.conf import settings
from django.db import migrations, models

FILL = (
    "UPDATE cases_matter SET answered_at = a.at FROM ("
    " SELECT matter_id, MAX(at) AS at FROM cases_event"
    " WHERE action = 'approve_opinion' GROUP BY matter_id"
    ") AS a WHERE cases_matter.id = a.matter_id"
)  # UPDATE … FROM: SQLite 3.33+ and PostgreSQL


def fill(apps, schema_editor):
    schema_editor.execute(FILL)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0017_event_action_at_matter"),
        ("org", "0003_must_change_password"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="matter",
            name="answered_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="答复时间"),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                fields=["status", "current_due", "accused_unit", "lead_unit"],
                name="matter_status_due_acc_lead",
            ),
        ),
        migrations.RemoveIndex(model_name="matter", name="matter_status_due_accused"),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("answered_at__isnull", False)),
                fields=["answered_at", "kind", "answered_on_time", "accused_unit"],
                name="matter_answered",
            ),
        ),
    ]
