"""Staff notifications now belong to notices (``notices.0003``); the table stays."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("supervision", "0005_waiting_indexes"),
        ("notices", "0003_notification"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="Notification")],
            database_operations=[],
        ),
        migrations.AlterField(
            model_name="alert",
            name="level",
            field=models.CharField(
                choices=[
                    ("warning", "临期预警"),
                    ("overdue", "超期"),
                    ("supervision", "督办"),
                    ("escalation", "督办升级"),
                    ("extension", "延期申请"),
                    ("opinion", "处理意见待审批"),
                    ("reply", "督办回复"),
                ],
                max_length=12,
            ),
        ),
    ]
