"""API tokens expire and die with their user's password (issue 25).

Tokens issued before keep working until ``API_TOKEN_DAYS`` after their creation and until
their user's password changes."""

import hashlib
from datetime import timedelta

from django.conf import settings
from django.db import migrations, models


def fill(apps, schema_editor):
    ApiToken = apps.get_model("api", "ApiToken")
    days = int(settings.XINFANG.get("API_TOKEN_DAYS", 90))
    for t in ApiToken.objects.select_related("user").iterator():
        t.expires_at = t.created_at + timedelta(days=days)
        t.password_mark = hashlib.sha256(
            f"xinfang-token:{t.user.password}".encode()
        ).hexdigest()
        t.save(update_fields=["expires_at", "password_mark"])


class Migration(migrations.Migration):

    dependencies = [
        ("api", "0001_initial"),
        ("org", "0004_password_history_totp_step"),
    ]

    operations = [
        migrations.AddField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(null=True, verbose_name="到期时间"),
        ),
        migrations.AddField(
            model_name="apitoken",
            name="password_mark",
            field=models.CharField(default="", editable=False, max_length=64),
            preserve_default=False,
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="apitoken",
            name="expires_at",
            field=models.DateTimeField(verbose_name="到期时间"),
        ),
        migrations.AlterModelOptions(
            name="apitoken",
            options={"verbose_name": "API令牌", "verbose_name_plural": "API令牌"},
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="created_at",
            field=models.DateTimeField(auto_now_add=True, verbose_name="创建时间"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="last_used_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="最近使用"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="name",
            field=models.CharField(blank=True, max_length=60, verbose_name="名称"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="prefix",
            field=models.CharField(db_index=True, max_length=8, verbose_name="前缀"),
        ),
        migrations.AlterField(
            model_name="apitoken",
            name="revoked",
            field=models.BooleanField(default=False, verbose_name="已撤销"),
        ),
    ]
