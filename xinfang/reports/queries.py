"""Aggregations for dashboards and reports. Every one starts from the caller's visible
matters; they count matters and deadlines, never people (scope.md)."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.db.models import (
    Case,
    CharField,
    Count,
    F,
    Q,
    QuerySet,
    Sum,
    Value,
    When,
)
from django.utils import timezone

from xinfang.cases import access
from xinfang.cases.models import (
    NOT_OPEN,
    Category,
    Channel,
    Event,
    Matter,
    MatterQuerySet,
    Status,
    Topic,
    matter_in,
)
from xinfang.org.models import Unit

from .counters import COUNTED_ACTIONS, SUMMARY_ACTIONS
from .models import MonthCount

# ``open()`` restated as ``status IN``: the same rows, found through the (status,
# current_due) index instead of a scan for the statuses that are not open.
LIVE = [s for s in Status.values if s not in NOT_OPEN]


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # exclusive

    @property
    def start_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    @classmethod
    def year(cls, y: int) -> Period:
        return cls(date(y, 1, 1), date(y + 1, 1, 1))

    @classmethod
    def month(cls, y: int, m: int) -> Period:
        return cls(date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1))

    @classmethod
    def last_12_months(cls, today: date) -> Period:
        first = date(today.year - 1, today.month, 1)
        return cls(first, today + timedelta(days=1))


def received_in(qs: QuerySet[Matter], p: Period) -> QuerySet[Matter]:
    return qs.filter(kind="original", received_at__gte=p.start_dt, received_at__lt=p.end_dt)


def _month_key(v: date | datetime) -> str:
    return (timezone.localtime(v) if isinstance(v, datetime) else v).strftime("%Y-%m")


@dataclass
class Breakdown:
    """What was received in a period (original matters, by local month and channel, by
    category, by topic and area, how many collective) and how many of the counted actions
    happened in it: every count of the dashboard and the summary but the live ones (open,
    overdue). Made from the visible matters (``_live``) or, for a reader who sees every
    matter, from the monthly counters (``_counted``); both give the same numbers."""

    by_month: dict[str, Counter[str]] = field(default_factory=dict)
    category: Counter[str] = field(default_factory=Counter)
    topic_area: Counter[tuple[int | None, int | None]] = field(default_factory=Counter)
    collective: int = 0
    events: Counter[str] = field(default_factory=Counter)

    def add(self, month: str, dims: dict[str, Any], n: int) -> None:
        self.by_month.setdefault(month, Counter())[dims["channel"]] += n
        self.category[dims["category"]] += n
        self.topic_area[(dims["topic_id"], dims["area_id"])] += n
        self.collective += n if dims["is_collective"] else 0

    def _combine(self, other: Breakdown, op: Callable[[Any, Any], Any]) -> Breakdown:
        """``op`` (``operator.add`` or ``sub``) field by field: Counters drop what falls to
        zero, so the months left are those with a count."""
        months = {
            m: op(self.by_month.get(m, Counter()), other.by_month.get(m, Counter()))
            for m in self.by_month.keys() | other.by_month.keys()
        }
        return Breakdown(
            {m: c for m, c in months.items() if c},
            op(self.category, other.category),
            op(self.topic_area, other.topic_area),
            op(self.collective, other.collective),
            op(self.events, other.events),
        )

    def __add__(self, other: Breakdown) -> Breakdown:
        return self._combine(other, operator.add)

    def __sub__(self, other: Breakdown) -> Breakdown:
        return self._combine(other, operator.sub)

    @property
    def received(self) -> int:
        return sum(self.channels.values())

    @property
    def channels(self) -> Counter[str]:
        return sum(self.by_month.values(), Counter())

    def counts(self, field: str) -> list[tuple[str, int]]:
        """(value, count), most first, ties by value: ``channel``, ``category`` or
        ``topic__name`` (topics of the same name count together)."""
        if field == "topic__name":
            names = _names(Topic, {t for t, _ in self.topic_area})
            c: Counter[str] = Counter()
            for (t, _a), n in self.topic_area.items():
                c[names.get(t, "")] += n
        else:
            c = self.channels if field == "channel" else self.category
        return sorted(((k or "", n) for k, n in c.items() if n), key=lambda r: (-r[1], r[0]))

    def hot(self, limit: int = 10) -> list[dict[str, Any]]:
        """Where grievances cluster by topic and area, so a cause can be fixed once (每月一题)."""
        topics = _names(Topic, {t for t, _ in self.topic_area if t})
        areas = _names(Unit, {a for _, a in self.topic_area if a})
        c: Counter[tuple[str, str]] = Counter()
        for (t, a), n in self.topic_area.items():
            if t is not None and n:
                c[(topics.get(t, ""), areas.get(a, "—") if a else "—")] += n
        rows = sorted(c.items(), key=lambda r: (-r[1], r[0]))[:limit]
        return [{"topic": t, "area": a, "n": n} for (t, a), n in rows]


def _names(model: Any, ids: set[Any]) -> dict[Any, str]:
    ids = {i for i in ids if i is not None}
    return dict(model.objects.filter(pk__in=sorted(ids)).values_list("pk", "name")) if ids else {}


DIMS = ("channel", "category", "topic_id", "area_id", "is_collective")


def _local_month(p: Period) -> Case:
    """The local month ('YYYY-MM') of ``received_at`` as a CASE over the period's month
    boundaries: plain comparisons, where ``TruncMonth`` is a Python function called per
    row on SQLite (a large share of a county's dashboard)."""
    whens = []
    y, m = p.start.year, p.start.month
    while date(y, m, 1) < p.end:
        y2, m2 = (y + 1, 1) if m == 12 else (y, m + 1)
        upto = timezone.make_aware(datetime.combine(date(y2, m2, 1), time.min))
        whens.append(When(received_at__lt=upto, then=Value(f"{y}-{m:02d}")))
        y, m = y2, m2
    return Case(*whens, output_field=CharField())


def _live(qs: QuerySet[Matter], p: Period, *, listed: bool = False) -> Breakdown:
    """Counted from ``qs``; ``listed``: ``qs`` is cheap to list (a scope's matters found
    through the unit indexes, a handful of accusing ones), so the period's events are
    probed against that list, read from the (action, at, matter) index alone, instead of
    each being looked up in the matter table."""
    b = Breakdown()
    rows = (
        received_in(qs, p)
        .annotate(m=_local_month(p))
        .values("m", *DIMS)
        .annotate(n=Count("id"))
        .order_by()
    )
    for r in rows:
        b.add(r["m"], r, r["n"])
    events = Event.objects.filter(
        Q(matter_id__in=qs.values("pk")) if listed else matter_in(qs),
        action__in=sorted(COUNTED_ACTIONS),
        at__gte=p.start_dt,
        at__lt=p.end_dt,
    )
    b.events.update(
        {r["action"]: r["n"] for r in events.values("action").annotate(n=Count("id")).order_by()}
    )
    return b


def _counted(p: Period, units: Sequence[int] | None = None) -> Breakdown:
    """From the monthly counters: the sums over every unit, or (``units``) the rows of
    those registering units. Channels by month; every other dimension summed over the
    period by the database (a province's year holds a row per topic × area and month)."""
    b = Breakdown()
    rows = MonthCount.objects.filter(month__gte=p.start, month__lt=p.end)
    rows = rows.filter(unit=MonthCount.ALL) if units is None else rows.filter(unit__in=units)
    for month, key, n in (
        rows.filter(dim="channel")
        .values("month", "key")
        .annotate(t=Sum("n"))
        .values_list("month", "key", "t")
    ):
        b.by_month.setdefault(_month_key(month), Counter())[key] += n
    totals = (
        rows.exclude(dim="channel").values("dim", "key").annotate(t=Sum("n")).order_by()
    ).values_list("dim", "key", "t")
    for dim, key, n in totals:
        if dim == "category":
            b.category[key] += n
        elif dim == "topic_area":
            t, _, a = key.partition(":")
            b.topic_area[(int(t) if t else None, int(a) if a else None)] += n
        elif dim == "collective":
            b.collective += n
        elif dim == "action":
            b.events[key] += n
    return b


ELSEWHERE_LISTED = 20_000  # ids passed as parameters at most (SQLite allows 32,766)


def whole_months(p: Period, today: date) -> bool:
    """The period is made of whole local months, the last one possibly still running."""
    return p.start.day == 1 and (p.end.day == 1 or p.end > today)


def breakdown(
    qs: QuerySet[Matter],
    p: Period,
    scope: access.StaffScope | None = None,
    today: date | None = None,
) -> Breakdown:
    """The period's ``Breakdown`` of ``qs`` (the matters ``scope`` sees).

    Over whole months it reads the monthly counters: for a scope of every matter their sums
    (a province's year: a few thousand rows instead of its matters and events), less the
    matters that accuse one of the reader's own units, which they do not see (XFGZ Art.
    30); for any other scope the rows of its units (the matters registered in it: most of
    a county's), less those accusing the reader's units, plus the visible matters
    registered elsewhere (led or assisted in the scope), counted live."""
    today = today or timezone.localdate()
    if scope is None or scope.empty:
        return _live(qs, p)
    if not whole_months(p, today):
        return (
            _live(qs, p) if scope.everything else _live(access.narrowed(qs, scope), p, listed=True)
        )
    own = sorted(scope.own)
    if scope.everything:
        b = _counted(p)
        if own:
            b = b - _live(Matter.objects.filter(accused_unit_id__in=own), p, listed=True)
        return b
    units = sorted(scope.units())
    b = _counted(p, units)
    if own:
        accusing = Matter.objects.filter(accused_unit_id__in=own, registered_unit_id__in=units)
        b = b - _live(accusing, p, listed=True)
    elsewhere = access.narrowed(qs, scope, outside=True)
    # Listed first, then counted by key: as a subquery PostgreSQL joined the period's events
    # to it, several times slower than listing the ids and counting their events by key.
    # A scope with more such matters keeps the subquery.
    ids = list(elsewhere.values_list("pk", flat=True)[: ELSEWHERE_LISTED + 1])
    if len(ids) <= ELSEWHERE_LISTED:
        elsewhere = Matter.objects.filter(pk__in=ids)
    return b + _live(elsewhere, p, listed=True)


def counts(qs: QuerySet[Matter], p: Period, field: str) -> list[tuple[str, int]]:
    # Ties in a stable order, so the same data gives the same report on every database.
    rows = received_in(qs, p).values(field).annotate(n=Count("id")).order_by("-n", field)
    return [(r[field] or "", r["n"]) for r in rows]


def overdue_by_unit(
    qs: MatterQuerySet, today: date, limit: int = 15, scope: access.StaffScope | None = None
) -> list[tuple[str, int]]:
    late: QuerySet[Matter] = qs.overdue(today).filter(status__in=LIVE)
    if scope is not None:
        late = access.narrowed(late, scope, status__in=LIVE, current_due__lt=today)
    # counted by key, named after: joined to the units, PostgreSQL expected a few rows
    # where a county has thousands and compared each with every unit. Grouped by
    # ``lead_unit_id + 0``: by the column, SQLite walked the lead unit's index to get the
    # groups in order instead of reading the covering ``matter_status_due_acc_lead``.
    n = dict(
        late.exclude(lead_unit__isnull=True)
        .values(u=F("lead_unit_id") + 0)
        .annotate(n=Count("id"))
        .order_by()
        .values_list("u", "n")
    )
    names = dict(Unit.objects.filter(pk__in=n).values_list("pk", "name"))
    rows = sorted(((names[u], c, u) for u, c in n.items()), key=lambda r: (-r[1], r[0], r[2]))
    return [(name, c) for name, c, _u in rows[:limit]]


def on_time(
    qs: QuerySet[Matter], p: Period, scope: access.StaffScope | None = None
) -> dict[str, Any]:
    """Opinions issued in the period: how many within their deadline (handling, review or
    re-examination). Each matter's verdict is the statutory clock's and the time of its
    latest approved opinion, both denormalised onto the matter by the transition function
    (``answered_on_time``, ``answered_at``), so this is one range of the ``matter_answered``
    index (a matter whose opinion was approved again counts in the period of the last)."""
    window: dict[str, Any] = {"answered_at__gte": p.start_dt, "answered_at__lt": p.end_dt}
    answered: QuerySet[Matter] = qs.filter(**window)
    if scope is not None:
        # each arm within the period too: unbounded, a county's arms listed every matter
        # it ever led or registered
        answered = access.narrowed(answered, scope, **window)
    rows = (
        answered.filter(answered_on_time__isnull=False)
        .values("kind", "answered_on_time")
        .annotate(n=Count("id"))
        .order_by()
    )
    met = late = 0
    kinds: dict[str, list[int]] = {}
    for r in rows:
        kind = "handling" if r["kind"] == "original" else r["kind"]
        slot = kinds.setdefault(kind, [0, 0])
        if r["answered_on_time"]:
            met += r["n"]
            slot[0] += r["n"]
        else:
            late += r["n"]
            slot[1] += r["n"]
    total = met + late
    return {"met": met, "late": late, "rate": met / total if total else None, "by_kind": kinds}


def summary(
    qs: MatterQuerySet,
    p: Period,
    today: date,
    b: Breakdown | None = None,
    scope: access.StaffScope | None = None,
) -> dict[str, int]:
    if b is None:
        b = breakdown(qs, p, scope, today)
    open_: QuerySet[Matter] = qs.open().filter(status__in=LIVE)
    late: QuerySet[Matter] = qs.overdue(today).filter(status__in=LIVE)
    if scope is not None:
        open_ = access.narrowed(open_, scope, status__in=LIVE)
        late = access.narrowed(late, scope, status__in=LIVE, current_due__lt=today)
    return {
        "received": b.received,
        "collective": b.collective,
        "open": open_.count(),
        "overdue": late.count(),
        **{k: b.events[a] for k, a in SUMMARY_ACTIONS.items()},
    }


LABELS = {
    "channel": dict(Channel.choices),
    "category": dict(Category.choices),
    "status": dict(Status.choices),
}
