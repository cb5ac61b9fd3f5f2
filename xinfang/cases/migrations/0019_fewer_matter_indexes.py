import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


DROPPED = [
    ("cases_matter_lead_unit_id_f8048577", "lead_unit_id"),
    ("cases_matter_merged_into_id_8c57a0d9", "merged_into_id"),
    ("cases_matter_parent_id_052b6cba", "parent_id"),
    ("cases_matter_registered_unit_id_9daf26fb", "registered_unit_id"),
    ("cases_matter_repeat_of_id_3a650a3b", "repeat_of_id"),
]


def _drop(name: str, column: str) -> migrations.RunSQL:
    return migrations.RunSQL(
        f'DROP INDEX IF EXISTS "{name}"',
        reverse_sql=f'CREATE INDEX "{name}" ON "cases_matter" ("{column}")',
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0018_answered_at"),
        ("org", "0003_must_change_password"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The fields change in the state only; in the database the five FK indexes are
        # dropped by name (the same on SQLite and PostgreSQL), because SQLite would rebuild
        # the whole table for each AlterField.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="matter",
                    name="lead_unit",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="led_matters",
                        to="org.unit",
                        verbose_name="承办单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged",
                        to="cases.matter",
                        verbose_name="并入事项",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="parent",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="followups",
                        to="cases.matter",
                        verbose_name="原信访事项",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="registered_unit",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="registered_matters",
                        to="org.unit",
                        verbose_name="登记机关",
                    ),
                ),
                migrations.AlterField(
                    model_name="matter",
                    name="repeat_of",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="repeats",
                        to="cases.matter",
                        verbose_name="重复事项",
                    ),
                ),
            ],
            database_operations=[_drop(name, column) for name, column in DROPPED],
        ),
        migrations.AddIndex(
            model_name="matter",
            index=models.Index(
                condition=models.Q(("parent__isnull", False)),
                fields=["parent"],
                name="matter_parent",
            ),
        ),
    ]
