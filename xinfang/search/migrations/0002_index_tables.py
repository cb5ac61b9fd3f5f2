"""The index proper, per database vendor (reversible).

SQLite: a contentless FTS5 table over space-separated bigram text, one column per field
group (title; content and facts; receipt number and unit names; petitioners' names),
``rowid`` = matter id. PostgreSQL: ``tsvector`` columns on ``search_searchdoc`` (main text,
title, names) with GIN indexes; queries are phrase ``<->`` tsqueries built from the same
tokens, so both databases return the same sets.
"""

from django.db import migrations

SQLITE_UP = [
    "CREATE VIRTUAL TABLE search_fts USING fts5("
    "title, body, other, names, content='', tokenize='unicode61')",
]
SQLITE_DOWN = ["DROP TABLE IF EXISTS search_fts"]
PG_UP = [
    "ALTER TABLE search_searchdoc ADD COLUMN tsv tsvector NOT NULL DEFAULT ''::tsvector",
    "ALTER TABLE search_searchdoc ADD COLUMN ttsv tsvector NOT NULL DEFAULT ''::tsvector",
    "ALTER TABLE search_searchdoc ADD COLUMN ntsv tsvector NOT NULL DEFAULT ''::tsvector",
    "CREATE INDEX search_doc_tsv ON search_searchdoc USING gin (tsv)",
    "CREATE INDEX search_doc_ttsv ON search_searchdoc USING gin (ttsv)",
    "CREATE INDEX search_doc_ntsv ON search_searchdoc USING gin (ntsv)",
]
PG_DOWN = [
    "DROP INDEX IF EXISTS search_doc_ntsv",
    "DROP INDEX IF EXISTS search_doc_ttsv",
    "DROP INDEX IF EXISTS search_doc_tsv",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS ntsv",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS ttsv",
    "ALTER TABLE search_searchdoc DROP COLUMN IF EXISTS tsv",
]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for sql in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("search", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE_UP, "postgresql": PG_UP}),
            _run({"sqlite": SQLITE_DOWN, "postgresql": PG_DOWN}),
        )
    ]
