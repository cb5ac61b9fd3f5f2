"""SQLite: drop stale planner statistics of the FTS5 shadow tables (see
``backends.forget_fts_statistics``: with them every segment merge read the whole index
inside a registration's transaction). Nothing to do on PostgreSQL; nothing to undo."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    from xinfang.search.backends import forget_fts_statistics

    with schema_editor.connection.cursor() as cur:
        forget_fts_statistics(cur)


class Migration(migrations.Migration):
    dependencies = [("search", "0002_index_tables")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
