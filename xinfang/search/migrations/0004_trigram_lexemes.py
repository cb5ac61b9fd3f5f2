"""PostgreSQL: the title vectors (``ttsv``) also hold the trigram of every two overlapping
CJK bigrams (``backends.trigrams``), so a phrase of three or more characters is matched in titles
through the postings of its trigrams; every stored document's title vector is computed
again from its source (``services.rewrite_title_vectors``, progress printed as it goes;
9.5 minutes at 1 M matters, one transaction).
Nothing changes on SQLite. Backwards: the vectors are left as they are (a query of this
version's predecessor needs only the bigrams, which stay)."""

import sys

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    from xinfang.search.services import rewrite_title_vectors

    done = 0

    def progress(n):
        nonlocal done
        done += n
        if done % 100_000 < n:
            print(f"  检索索引 / title vectors: {done}", file=sys.stderr, flush=True)

    with schema_editor.connection.cursor() as cur:
        rewrite_title_vectors(cur, progress=progress)


class Migration(migrations.Migration):
    dependencies = [("search", "0003_forget_fts_statistics")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
