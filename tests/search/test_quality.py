"""Same-matter detection keeps its precision and recall on a small generated corpus
(bench/corpus.py; the full table is bench/search_quality.py). A regression in the
detector — or a change that starts to rely on the texts' exact words — fails here."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from corpus import generate
from search_quality import evaluate, places, precision_recall

from xinfang.search.similar import THRESHOLD

# Floors a little below what the detector reaches on these corpora (see the ADR), so that
# noise from an unrelated change does not fail but a real regression does.
FLOORS = {3: (0.9, 0.9), 5: (0.9, 0.85)}  # reached: 0.951/0.951, 0.941/0.889


@pytest.mark.parametrize("seed", sorted(FLOORS))
def test_precision_and_recall_at_the_shipped_threshold(world, seed):
    units, topics = places(world)
    results, _texts, _by_pk = evaluate(
        generate(seed, 70), world.registrar, world.office, units, topics
    )
    pairs = sum(len(truth) for truth, _got, _secs in results)
    assert pairs >= 25  # the corpus has enough duplicates for the figure to mean something
    precision, recall = precision_recall(results, THRESHOLD)
    floor_p, floor_r = FLOORS[seed]
    assert precision >= floor_p, (precision, recall)
    assert recall >= floor_r, (precision, recall)
