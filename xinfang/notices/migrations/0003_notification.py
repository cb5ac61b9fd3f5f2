"""Staff notifications move from supervision to notices with their table (state only)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_alter_notice_kind_alter_noticetemplate_kind"),
        ("supervision", "0005_waiting_indexes"),
        ("cases", "0022_area_id_index"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="Notification",
                    fields=[
                        ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                        ("level", models.CharField(choices=[("warning", "临期预警"), ("overdue", "超期"), ("supervision", "督办"), ("escalation", "督办升级"), ("extension", "延期申请"), ("opinion", "处理意见待审批"), ("reply", "督办回复")], max_length=12)),
                        ("key", models.CharField(max_length=80)),
                        ("text", models.CharField(max_length=300)),
                        ("created_at", models.DateTimeField()),
                        ("read_at", models.DateTimeField(blank=True, null=True)),
                        ("matter", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="+", to="cases.matter")),
                        ("user", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="notifications", to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        "db_table": "supervision_notification",
                        "ordering": ["-created_at"],
                        "indexes": [models.Index(fields=["user", "read_at"], name="notification_inbox")],
                        "constraints": [models.UniqueConstraint(fields=("user", "matter", "key"), name="notification_once")],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
