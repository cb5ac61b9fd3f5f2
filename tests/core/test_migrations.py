"""Migrations that would rebuild a large table on SQLite.

For an ``AlterField`` (even of ``db_index`` alone) Django rebuilds the whole SQLite
table (``new__<table>``, copy, drop, rename). On a deployment's matters, events or
index that copies every row, and the rebuilt table loses its ``ANALYZE`` statistics: at 1 M
matters the county dashboard then took 2.1 s instead of 0.4. Changes that only drop or
add an index are written as ``SeparateDatabaseAndState`` with ``RunSQL`` (see
``cases/0019`` and ``cases/0022``). The SQL is SQLite's on either database under test."""

from __future__ import annotations

from django.apps import apps
from django.db.migrations.loader import MigrationLoader
from django.db.utils import ConnectionHandler

LARGE = ("cases_matter", "cases_event", "cases_petitioner", "cases_matterunit", "search_searchdoc")
# The migrations that rebuild one already (the early ones, and two changes of the
# petitioners' columns); no later migration may.
EARLIER = {
    ("cases", "0002_initial"),
    ("cases", "0004_rating"),
    ("cases", "0006_supervision"),
    ("cases", "0008_encrypt_petitioner_contacts"),
    ("cases", "0014_petitioner_id_index"),
}


def rebuilds() -> list[tuple[str, str, str]]:
    sqlite = ConnectionHandler(
        {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}
    )["default"]
    try:
        loader = MigrationLoader(sqlite, ignore_no_migrations=True)
        ours = {a.label for a in apps.get_app_configs() if a.name.startswith("xinfang.")}
        found = []
        for app, name in sorted(loader.disk_migrations):
            if app not in ours or (app, name) in EARLIER:
                continue
            sql = "\n".join(loader.collect_sql([(loader.graph.nodes[(app, name)], False)]))
            found += [(app, name, t) for t in LARGE if f'"new__{t}"' in sql]
        return found
    finally:
        sqlite.close()


def test_no_migration_rebuilds_a_large_table_on_sqlite(django_db_blocker) -> None:
    with django_db_blocker.unblock():  # an in-memory database of its own, not the test one
        found = rebuilds()
    assert found == []
