"""Registration counts its terms through pending rows (``SearchTermDelta``) that are folded
into ``SearchTerm`` every ``FOLD`` registrations; readers see exact frequencies throughout:
the same as a recount of the whole index."""

from __future__ import annotations

import pytest

from xinfang.search import services
from xinfang.search.frequencies import DOCS, document_frequencies
from xinfang.search.models import SearchTerm, SearchTermDelta
from xinfang.search.services import fold_pending, rebuild

from ..factories import World, register

TEXTS = [
    ("小区物业乱收费", "物业公司多收停车费三年"),
    ("拖欠工资", "建筑公司拖欠农民工工资"),
    ("楼顶漏水", "物业不修楼顶防水"),
]


def _recount() -> dict[str, int]:
    rebuild()
    return dict(SearchTerm.objects.values_list("term", "df"))


def test_pending_terms_are_counted_by_readers(world: World) -> None:
    for title, content in TEXTS:
        register(world, title=title, content=content, facts="")
    assert SearchTermDelta.objects.count() == len(TEXTS)
    terms = ["物业", "工资", "防水", "停车", "从未", DOCS]
    seen = document_frequencies(terms)
    assert seen[DOCS] == len(TEXTS) and seen["物业"] == 2 and "从未" not in seen
    assert seen == {t: n for t, n in _recount().items() if t in terms}
    assert SearchTermDelta.objects.count() == 0  # the recount took them in


def test_every_fold_th_registration_folds(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(services, "FOLD", 2)
    first = SearchTermDelta.objects.count()
    counts = []
    for title, content in TEXTS * 2:
        register(world, title=title, content=content, facts="")
        counts.append(SearchTermDelta.objects.count())
    # one row at a time until a key divisible by 2 folds every pending row up to it
    assert max(counts) <= 2 and 0 in counts, (first, counts)
    everything = document_frequencies(list(_recount()))
    assert fold_pending() == 0
    assert dict(SearchTerm.objects.values_list("term", "df")) == everything


def test_fold_adds_pending_to_the_counts(world: World) -> None:
    for title, content in TEXTS:
        register(world, title=title, content=content, facts="")
    seen = document_frequencies(["物业", "工资", DOCS])
    assert fold_pending() == len(TEXTS)
    assert SearchTermDelta.objects.count() == 0
    assert document_frequencies(["物业", "工资", DOCS]) == seen
    assert (
        dict(SearchTerm.objects.filter(term__in=["物业", "工资", DOCS]).values_list("term", "df"))
        == seen
    )


def test_readers_forget_rolled_back_rows(world: World) -> None:
    """A reader that saw a pending row of its own transaction, which then rolled back,
    does not count it once its key is handed out again (SQLite reuses it)."""
    from django.db import transaction

    class Undo(Exception):
        pass

    try:
        with transaction.atomic():
            register(world, title="拖欠工资", content="建筑公司拖欠工资", facts="")
            assert document_frequencies(["拖欠", DOCS]) == {"拖欠": 1, DOCS: 1}
            raise Undo
    except Undo:
        pass
    register(world, title="小区物业乱收费", content="物业公司多收停车费", facts="")
    seen = document_frequencies(["拖欠", "物业", DOCS])
    assert seen == {"物业": 1, DOCS: 1}
    assert seen == {t: n for t, n in _recount().items() if t in ("拖欠", "物业", DOCS)}
