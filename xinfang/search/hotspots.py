"""Hot spots (每月一题): where similar matters cluster by area and period, so a recurring
cause is fixed once. Counts matters and topics only, never people (scope.md)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from django.utils import timezone

from xinfang.cases import access
from xinfang.cases.models import Topic
from xinfang.org.models import Unit

from .frequencies import DOCS, document_frequencies
from .similar import Idf, bigrams

MAX_MATTERS = 5000  # newest matters of the period examined
LINK = 0.35  # text similarity that joins a matter to a cluster


@dataclass
class Hotspot:
    area: Unit | None
    topic: Topic | None
    count: int
    title: str  # representative: the matter most similar to the rest
    matter_ids: list[int] = field(default_factory=list)
    first: date | None = None
    last: date | None = None


def _bounds(start: date, end: date) -> tuple[datetime, datetime]:
    tz = timezone.get_current_timezone()
    return (
        timezone.make_aware(datetime.combine(start, time.min), tz),
        timezone.make_aware(datetime.combine(end, time.max), tz),
    )


def hotspots(
    user: Any, *, start: date, end: date, area: Unit | None = None, min_size: int = 3
) -> tuple[list[Hotspot], bool]:
    """Clusters of at least ``min_size`` similar matters received in [start, end] among the
    matters visible to ``user`` (``area``: that unit's subtree), largest first. Returns the
    clusters and whether the period held more than ``MAX_MATTERS`` (then only the newest
    were examined)."""
    lo, hi = _bounds(start, end)
    qs = access.visible(user).filter(received_at__gte=lo, received_at__lte=hi)
    if area is not None:
        qs = qs.filter(area__path__startswith=area.path)
    rows: list[dict[str, Any]] = [
        dict(r)
        for r in qs.order_by("-received_at", "-pk").values(
            "pk", "title", "content", "area_id", "topic_id", "received_at"
        )[: MAX_MATTERS + 1]
    ]
    truncated = len(rows) > MAX_MATTERS
    rows = rows[:MAX_MATTERS]
    groups: dict[tuple[int | None, int | None], list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        groups[(r["area_id"], r["topic_id"])].append(r)
    # not ``similar.bag``: a report's thousands of texts would evict the candidates it keeps
    bags = {r["pk"]: bigrams(f"{r['title']}\n{r['content']}") for r in rows}
    everything: set[str] = set().union(*bags.values())
    df = document_frequencies(everything | {DOCS})
    idf = Idf(df, max(df.get(DOCS, 0), 1))
    idf.add(everything)
    vec = {pk: (b, idf.norms(b)) for pk, b in bags.items()}

    def sim(a: int, b: int) -> float:
        return idf.similarity(*vec[a], *vec[b])

    found = []
    for (area_id, topic_id), members in groups.items():
        if len(members) < min_size:
            continue
        for cluster in _cluster(members, sim):
            if len(cluster) < min_size:
                continue
            found.append((area_id, topic_id, cluster))
    units = Unit.objects.in_bulk([a for a, _t, _c in found if a])
    topics = Topic.objects.in_bulk([t for _a, t, _c in found if t])
    out = []
    for area_id, topic_id, cluster in found:
        rep = max(
            cluster,
            key=lambda r: sum(sim(r["pk"], o["pk"]) for o in cluster),
        )
        days = [timezone.localdate(r["received_at"]) for r in cluster]
        out.append(
            Hotspot(
                area=units.get(area_id) if area_id else None,
                topic=topics.get(topic_id) if topic_id else None,
                count=len(cluster),
                title=rep["title"],
                matter_ids=sorted((r["pk"] for r in cluster), reverse=True),
                first=min(days),
                last=max(days),
            )
        )
    out.sort(key=lambda h: (-h.count, h.title))
    return out, truncated


def _cluster(
    members: list[dict[str, Any]], sim: Callable[[int, int], float]
) -> list[list[dict[str, Any]]]:
    """Greedy single pass: each matter joins the cluster whose first member it resembles
    most (at least ``LINK``), else starts a cluster."""
    heads: list[tuple[int, list[dict[str, Any]]]] = []
    for r in sorted(members, key=lambda r: r["pk"]):
        best, best_s = None, LINK
        for head, cl in heads:
            s = sim(r["pk"], head)
            if s >= best_s:
                best, best_s = cl, s
        if best is None:
            heads.append((r["pk"], [r]))
        else:
            best.append(r)
    return [cl for _h, cl in heads]
