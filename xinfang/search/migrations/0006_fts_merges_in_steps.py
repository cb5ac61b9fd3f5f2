"""SQLite: FTS5 merges its index segments in steps written by each index write, not in
bursts (``backends.SQLiteBackend.write``).

With FTS5's automerge, every 64 leaf pages written, one write merged 64 pages per level of
the index: at 100 k matters 12–30 ms of CPU in 3 to 6 registrations of 400 (timed one by
one), while it held SQLite's write lock and every queued registration waited behind it.
Automerge off, each write merges a small step itself (``'merge'``, the same policy: a
level is merged once it holds ``usermerge`` = 4 segments)."""

from django.db import migrations


def _steps(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 0)")


def _bursts(apps, schema_editor):
    if schema_editor.connection.vendor == "sqlite":
        schema_editor.execute("INSERT INTO search_fts(search_fts, rank) VALUES ('automerge', 4)")


class Migration(migrations.Migration):
    dependencies = [("search", "0005_term_deltas")]

    operations = [migrations.RunPython(_steps, _bursts)]
