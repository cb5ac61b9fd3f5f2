"""The counters' key leads with the unit: the sums (unit 0) and a scope's units are each a
range of months within their unit, not every unit's rows of those months."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0004_month_counts_by_unit"),
    ]

    operations = [
        migrations.AddConstraint(
            model_name="monthcount",
            constraint=models.UniqueConstraint(
                fields=("unit", "month", "dim", "key"), name="monthcount_unit_month_key"
            ),
        ),
        migrations.RemoveConstraint(model_name="monthcount", name="monthcount_unit_key"),
    ]
