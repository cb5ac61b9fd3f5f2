"""Bookkeeping for the full-text index.

The index itself is not a Django model: on SQLite it is the contentless FTS5 table
``search_fts`` (rowid = matter id); on PostgreSQL it is three ``tsvector`` columns with
GIN indexes added to ``search_searchdoc`` (see the migrations and ``backends.py``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDoc(models.Model):
    """What was indexed for one matter. ``source`` holds the indexed field texts
    (zlib-compressed JSON) because a contentless FTS5 row can only be deleted by giving
    its exact old tokens; it also lets a re-index correct the document frequencies."""

    matter = models.OneToOneField(
        "cases.Matter", primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    source = models.BinaryField()

    class Meta:
        verbose_name = _("检索文档")
        verbose_name_plural = _("检索文档")

    def __str__(self) -> str:
        return str(self.matter_id)


class SearchTerm(models.Model):
    """Document frequency of one index token (the empty term counts documents): picks the
    rare, informative bigrams for same-matter candidates and weights similarity (IDF)."""

    term = models.CharField(max_length=64, primary_key=True)
    df = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("检索词频")
        verbose_name_plural = _("检索词频")

    def __str__(self) -> str:
        return f"{self.term}:{self.df}"


class SearchTermDelta(models.Model):
    """The document-frequency terms of one registered matter, not yet added to
    ``SearchTerm``. Registration appends one row here instead of updating a row per term
    (rows scattered over the term table, written inside a transaction that on SQLite holds
    the database's one write lock), and every ``FOLD``-th registration adds the pending rows
    to ``SearchTerm`` in one sorted pass. Readers add what is pending
    (``frequencies.document_frequencies``), so frequencies stay exact."""

    terms = models.TextField()  # space-separated (no token holds a space)
    # random: with the key, names the row for readers' caches even where SQLite hands a
    # rolled-back row's key out again
    nonce = models.BigIntegerField()

    class Meta:
        verbose_name = _("待计词频")
        verbose_name_plural = _("待计词频")

    def __str__(self) -> str:
        return f"{self.pk}: {len(self.terms.split())}"
