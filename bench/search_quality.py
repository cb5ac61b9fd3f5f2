"""Precision and recall of same-matter detection on the labelled corpus (bench/corpus.py).

Loads the corpus into a throwaway SQLite database through the real registration service,
oldest first; before each matter is registered, asks ``similar_matters`` what it would
show the registrar, and compares with the truth (earlier matters of the same case).

    .venv/bin/python bench/search_quality.py [--seed 7] [--cases 300] [--threshold 0.5]
        [--database-url URL]

``--database-url``: load it instead into an existing database, e.g. a seeded benchmark
province of 1 M matters, inside one transaction that is rolled back at the end. The
background's matters then compete for the candidate fetch (their bigram frequencies decide
which bigrams are rare, and their newest matches fill each bigram's fetch) and may score
as false positives, as at intake in a real deployment.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

THRESHOLDS = [0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65, 0.7, 0.8]


def setup(tmp: str, url: str = "") -> None:
    os.environ["DATABASE_URL"] = url or f"sqlite:///{tmp}/quality.sqlite3"
    os.environ["XINFANG_DATA_DIR"] = tmp
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def places(w):  # type: ignore[no-untyped-def]
    """The corpus's areas as townships of the test world's county, and its topics."""
    from corpus import AREAS, TOPICS

    from tests.factories import unit
    from xinfang.cases.models import Topic
    from xinfang.org.models import Level, UnitKind

    units = {n: unit(f"青山县{n}", UnitKind.GOVERNMENT, Level.TOWNSHIP, w.county) for n in AREAS}
    topics = {k: Topic.objects.get_or_create(code=k[:20], defaults={"name": k})[0] for k in TOPICS}
    return units, topics


def precision_recall(results, threshold):  # type: ignore[no-untyped-def]
    row = next(r for r in table(results, [threshold]))
    return row["precision"], row["recall"]


def evaluate(corpus, registrar, office, units, topics):  # type: ignore[no-untyped-def]
    from django.utils import timezone

    from xinfang.actions.registration import register_matter
    from xinfang.search.similar import similar_matters

    now = timezone.now()
    order = sorted(corpus.items, key=lambda it: (-it.days_ago, it.id))
    seen: dict[int, list[int]] = {}  # case → matter ids so far
    case_of: dict[int, int] = {}
    results = []  # (true earlier ids, [(id, score)])
    texts, texts_by_pk = [], {}
    for it in order:
        texts.append(f"{it.kind}: {it.text}")
        area, topic = units[it.area], topics[it.topic]
        t0 = time.perf_counter()
        got = similar_matters(
            user=registrar,
            text=it.text,
            title=it.title,
            petitioners=[{"name": it.name, "phone": it.phone}],
            area=area,
            topic=topic,
        )
        results.append(
            (
                set(seen.get(it.case, [])),
                [(s.matter.pk, s.score, s.text_score, s.reasons) for s in got],
                time.perf_counter() - t0,
            )
        )
        at = now - timedelta(days=it.days_ago)
        m, _ = register_matter(
            by=registrar,
            unit=office,
            channel=it.channel if it.channel != "visit" else "visit",
            category="claim",
            title=it.title[:120],
            content=it.text,
            received_at=at,
            at=at,
            petitioners=[{"name": it.name, "phone": it.phone}],
            area=area,
            topic=topic,
        )
        seen.setdefault(it.case, []).append(m.pk)
        texts_by_pk[m.pk] = f"{it.kind}: {it.text}"
        case_of[m.pk] = it.case
    return results, texts, texts_by_pk


def table(results, thresholds=THRESHOLDS):  # type: ignore[no-untyped-def]
    total_true = sum(len(t) for t, _g, _s in results)
    rows = []
    for th in thresholds:
        tp = fp = 0
        for truth, got, _s in results:
            for pk, score, *_rest in got:
                if score >= th:
                    if pk in truth:
                        tp += 1
                    else:
                        fp += 1
        p = tp / (tp + fp) if tp + fp else 1.0
        r = tp / total_true if total_true else 1.0
        rows.append(
            {
                "threshold": th,
                "precision": round(p, 3),
                "recall": round(r, 3),
                "tp": tp,
                "fp": fp,
                "pairs": total_true,
            }
        )
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cases", type=int, default=300)
    ap.add_argument("--threshold", type=float, default=None)
    ap.add_argument("--json", default="")
    ap.add_argument("--database-url", default="", help="an existing database (rolled back)")
    a = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        setup(tmp, a.database_url)
        from corpus import generate
        from django.db import connection, transaction

        from tests.factories import build_world
        from xinfang.cases.models import Matter

        background = Matter.objects.count() if a.database_url else 0
        with transaction.atomic():
            w = build_world()
            units, topics = places(w)
            corpus = generate(a.seed, a.cases)
            results, texts, texts_by_pk = evaluate(corpus, w.registrar, w.office, units, topics)
            transaction.set_rollback(bool(a.database_url))
        vendor = "PostgreSQL" if connection.vendor == "postgresql" else "SQLite"
    from xinfang.search.similar import THRESHOLD

    th = a.threshold if a.threshold is not None else THRESHOLD
    rows = table(results)
    if os.environ.get("QUALITY_DEBUG"):
        fps = [
            (sc, ts, rs)
            for truth, got, _s in results
            for pk, sc, ts, rs in got
            if pk not in truth and sc >= th
        ]
        for x in sorted(fps, key=lambda x: -x[0])[:15]:
            print("FP", x)
        for i, (truth, got, _s) in enumerate(results):
            best = {pk: (sc, rs) for pk, sc, _ts, rs in got}
            for pk in truth:
                if best.get(pk, (0.0,))[0] < th:
                    print("FN", texts[i], "→", texts_by_pk.get(pk), best.get(pk))
    secs = sorted(s for _t, _g, s in results)
    print(
        f"corpus: seed {a.seed}, {len(corpus.items)} matters, "
        f"{sum(len(t) for t, _g, _s in results)} true earlier-duplicate pairs"
    )
    where = (
        f"with {background:,} matters in the background (rolled back)"
        if background
        else "at this size"
    )
    print(
        f"similar_matters on {vendor} {where}: median {secs[len(secs) // 2] * 1000:.1f} ms, "
        f"p95 {secs[int(len(secs) * 0.95)] * 1000:.1f} ms"
    )
    print(f"{'threshold':>9} {'precision':>9} {'recall':>7} {'tp':>5} {'fp':>5}")
    for r in rows:
        mark = " ←" if abs(r["threshold"] - th) < 1e-9 else ""
        print(
            f"{r['threshold']:>9} {r['precision']:>9} {r['recall']:>7} "
            f"{r['tp']:>5} {r['fp']:>5}{mark}"
        )
    if a.json:
        Path(a.json).write_text(json.dumps({"seed": a.seed, "rows": rows}, indent=2))


if __name__ == "__main__":
    main()
