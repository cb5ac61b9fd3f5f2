"""The (action, at) index of events gains the matter: a period's opinions, rates and
summary counts are read from the index alone. The new index is built before the old goes."""

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('cases', '0016_matter_due_index'),
        ('org', '0003_must_change_password'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name='event',
            index=models.Index(fields=['action', 'at', 'matter'], name='event_action_at_matter'),
        ),
        migrations.RemoveIndex(
            model_name='event',
            name='event_action_at',
        ),
    ]
