"""Aggregations for dashboards and reports. Every one starts from the caller's visible
matters; they count matters and deadlines, never people (scope.md)."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
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
from django.utils.translation import gettext_lazy

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

from .counters import COUNTED_ACTIONS, RATE_FIELDS, SUMMARY_ACTIONS, rate_totals
from .models import MonthCount

# ``open()`` restated as ``status IN``: the same rows, found through the (status,
# current_due) index instead of a scan for the statuses that are not open.
LIVE = [s for s in Status.values if s not in NOT_OPEN]


@dataclass(frozen=True)
class Period:
    """[start, end) in local days. ``kind`` says how it was chosen — ``day``, ``month``,
    ``quarter``, ``year`` or ``range`` (any run of days) — and so what it is compared with:
    the period before it of the same kind (环比) and the same days a year earlier (同比)."""

    start: date
    end: date  # exclusive
    kind: str = "range"

    @property
    def days(self) -> int:
        return (self.end - self.start).days

    @property
    def last_day(self) -> date:
        return self.end - timedelta(days=1)

    @property
    def start_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.start, time.min))

    @property
    def end_dt(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.end, time.min))

    @classmethod
    def year(cls, y: int) -> Period:
        return cls(date(y, 1, 1), date(y + 1, 1, 1), "year")

    @classmethod
    def month(cls, y: int, m: int) -> Period:
        return cls(date(y, m, 1), date(y + (m == 12), m % 12 + 1, 1), "month")

    @classmethod
    def quarter(cls, y: int, n: int) -> Period:
        first = 3 * n - 2
        return cls(date(y, first, 1), Period.month(y, first + 2).end, "quarter")

    @classmethod
    def day(cls, d: date) -> Period:
        return cls(d, d + timedelta(days=1), "day")

    def previous(self) -> Period | None:
        """The period before this one (环比): the month, quarter or run of days before it.
        A year has none: the year before is its 同比."""
        if self.kind == "year":
            return None
        if self.kind == "month":
            before = self.start - timedelta(days=1)
            return Period.month(before.year, before.month)
        if self.kind == "quarter":
            before = self.start - timedelta(days=1)
            return Period.quarter(before.year, (before.month + 2) // 3)
        return Period(self.start - (self.end - self.start), self.start, self.kind)

    def year_before(self) -> Period:
        """The same days a year earlier (同比); 29 February, which has none, is matched with
        1 March."""
        start = _a_year_before(self.start)
        end = max(_a_year_before(self.end), start + timedelta(days=1))
        return Period(start, end, self.kind)

    @property
    def quarter_no(self) -> int:
        return (self.start.month + 2) // 3

    @classmethod
    def last_12_months(cls, today: date) -> Period:
        first = date(today.year - 1, today.month, 1)
        return cls(first, today + timedelta(days=1))


def _a_year_before(d: date) -> date:
    """``d`` a year earlier; 29 February becomes 1 March, the day after the 28th."""
    try:
        return d.replace(year=d.year - 1)
    except ValueError:
        return date(d.year - 1, 3, 1)


@dataclass(frozen=True)
class Span:
    """The period the figures cover and the two it is compared with. A period still
    running is counted up to today (``through``) and compared with the same number of
    days from the start of the period before (capped at its end) and with the same days a
    year earlier: the first twenty days of a month against the first twenty of the last."""

    current: Period
    previous: Period | None
    last_year: Period
    through: date | None = None  # the last day counted when the period is still running

    @classmethod
    def of(cls, p: Period, today: date) -> Span:
        if not p.start <= today < p.last_day:
            return cls(p, p.previous(), p.year_before())
        cut = Period(p.start, today + timedelta(days=1), p.kind)
        before = p.previous()
        if before is not None:
            end = min(before.start + (cut.end - cut.start), before.end)
            before = Period(before.start, end, before.kind)
        return cls(cut, before, cut.year_before(), today)


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


def _live(
    qs: QuerySet[Matter], p: Period, *, listed: bool = False, every: bool = False
) -> Breakdown:
    """Counted from ``qs``; ``listed``: ``qs`` is cheap to list (a scope's matters found
    through the unit indexes, a handful of accusing ones), so the period's events are
    probed against that list, read from the (action, at, matter) index alone, instead of
    each being looked up in the matter table; ``every``: ``qs`` is every matter, so every
    event of the period counts."""
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
    of_qs = Q() if every else Q(matter_id__in=qs.values("pk")) if listed else matter_in(qs)
    events = Event.objects.filter(
        of_qs,
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


def _pieces(p: Period, today: date) -> list[tuple[Period, bool]]:
    """``p`` as the pieces its figures are read from, each with whether the monthly
    counters hold it: whole months as one piece (``whole_months``); otherwise the whole
    months already past read from the counters, and the days either side counted from the
    matters. Twenty days of last month and the year before them: the year from the
    counters, the twenty days from the matters."""
    if whole_months(p, today):
        return [(p, True)]
    first = p.start if p.start.day == 1 else _next_month(p.start)
    stop = min(p.end, today).replace(day=1)
    if first >= stop:
        return [(p, False)]
    pieces = [(Period(first, stop), True)]
    if p.start < first:
        pieces.insert(0, (Period(p.start, first), False))
    if stop < p.end:
        pieces.append((Period(stop, p.end), False))
    return pieces


def _next_month(d: date) -> date:
    return date(d.year + d.month // 12, d.month % 12 + 1, 1)


def breakdown(
    qs: QuerySet[Matter],
    p: Period,
    scope: access.StaffScope | None = None,
    today: date | None = None,
    *,
    area: access.StaffScope | None = None,
) -> Breakdown:
    """The period's ``Breakdown`` of ``qs`` (the matters ``scope`` sees); ``area``: only
    those of a part of the scope (``area_of``: a unit and the units below it).

    Over whole months it reads the monthly counters: for a scope of every matter their sums
    (a province's year: a few thousand rows instead of its matters and events), less the
    matters that accuse one of the reader's own units, which they do not see (XFGZ Art.
    30); for any other scope, and for an area, the rows of its units (the matters
    registered in it: most of a county's), less those accusing the reader's units, plus
    the visible matters registered elsewhere (led or assisted in it), counted live."""
    today = today or timezone.localdate()
    if scope is None or scope.empty:
        return _live(qs, p)
    out = Breakdown()
    within = area or scope
    if within.everything:
        # Every matter, less those accusing the reader's units taken off once for the
        # whole period: a NOT IN on the accused unit would test every matter of it.
        for piece, counted in _pieces(p, today):
            every = _counted(piece) if counted else _live(Matter.objects.all(), piece, every=True)
            out = out + every
        if scope.own:
            accusing = Matter.objects.filter(accused_unit_id__in=sorted(scope.own))
            out = out - _live(accusing, p, listed=True)
        return out
    for piece, counted in _pieces(p, today):
        out = out + _piece(qs, piece, counted, scope, within)
    return out


def _piece(
    qs: QuerySet[Matter],
    p: Period,
    counted: bool,
    scope: access.StaffScope,
    within: access.StaffScope,
) -> Breakdown:
    """One piece of a period (``_pieces``) of the matters of ``within`` (the reader's
    scope or an area of it, not every unit) that the reader sees."""
    if not counted:
        return _live(access.narrowed(qs, within), p, listed=True)
    own = sorted(scope.own)
    units = sorted(within.units())
    b = _counted(p, units)
    if own:
        accusing = Matter.objects.filter(accused_unit_id__in=own, registered_unit_id__in=units)
        b = b - _live(accusing, p, listed=True)
    elsewhere = access.narrowed(qs, within, outside=True)
    # Listed first, then counted by key: as a subquery PostgreSQL joined the period's events
    # to it, several times slower than listing the ids and counting their events by key.
    # A scope with more such matters keeps the subquery.
    ids = list(elsewhere.values_list("pk", flat=True)[: ELSEWHERE_LISTED + 1])
    if len(ids) <= ELSEWHERE_LISTED:
        elsewhere = Matter.objects.filter(pk__in=ids)
    return b + _live(elsewhere, p, listed=True)


def area_of(unit: Unit, scope: access.StaffScope) -> access.StaffScope:
    """The part of ``scope`` a report on ``unit`` covers, as a scope ``narrowed`` and
    ``breakdown`` take: ``unit`` and every unit below it when ``scope`` supervises it,
    else (one of the reader's own units outside what they supervise) ``unit`` alone. The
    caller has checked that ``unit`` is one of ``scope.units()``."""
    if not any(unit.path.startswith(prefix) for prefix in scope.supervised):
        return access.StaffScope(frozenset(), frozenset({unit.path}), frozenset({unit.pk}), False)
    ids = frozenset(Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True))
    subtree = ids if len(ids) <= access.SCOPE_ID_LIMIT else None
    return access.StaffScope(frozenset(), frozenset({unit.path}), subtree, False)


def counts(qs: QuerySet[Matter], p: Period, field: str) -> list[tuple[str, int]]:
    # Ties in a stable order, so the same data gives the same report on every database.
    rows = received_in(qs, p).values(field).annotate(n=Count("id")).order_by("-n", field)
    return [(r[field] or "", r["n"]) for r in rows]


# The row of the matters no unit handles yet (registered, not yet forwarded or assigned):
# named, so a table never shows a blank unit.
UNASSIGNED = gettext_lazy("未交办（尚无承办单位）")
UNCLASSIFIED = gettext_lazy("未分类")


def _by_unit(n: dict[Any, int], limit: int | None) -> list[tuple[str, int]]:
    """Counts by lead unit (``None``: none yet) as (name, count), most first, ties by name."""
    names = dict(
        Unit.objects.filter(pk__in=[u for u in n if u is not None]).values_list("pk", "name")
    )
    rows = sorted(
        ((names[u] if u is not None else str(UNASSIGNED), c, u or 0) for u, c in n.items() if c),
        key=lambda r: (-r[1], r[0], r[2]),
    )
    return [(name, c) for name, c, _u in rows[:limit]]


def overdue_by_unit(
    qs: MatterQuerySet, today: date, limit: int = 15, scope: access.StaffScope | None = None
) -> list[tuple[str, int]]:
    """Open matters past their deadline by lead unit, the ones no unit handles yet (past the
    registering office's forwarding deadline) in a row of their own: the rows add up to the
    summary's overdue count."""
    late: QuerySet[Matter] = qs.overdue(today).filter(status__in=LIVE)
    if scope is not None:
        late = access.narrowed(late, scope, status__in=LIVE, current_due__lt=today)
    # counted by key, named after: joined to the units, PostgreSQL expected a few rows
    # where a county has thousands and compared each with every unit. Grouped by
    # ``lead_unit_id + 0``: by the column, SQLite walked the lead unit's index to get the
    # groups in order instead of reading the covering ``matter_status_due_acc_lead``.
    n = dict(
        late.values(u=F("lead_unit_id") + 0)
        .annotate(n=Count("id"))
        .order_by()
        .values_list("u", "n")
    )
    return _by_unit(n, limit)


def by_lead_unit(
    qs: QuerySet[Matter], p: Period, scope: access.StaffScope | None = None, limit: int = 20
) -> list[tuple[str, int]]:
    """Original matters received in the period by the unit now leading them (承办机关,
    XFGZ Art. 41's 被反映较多的机关), those not yet forwarded or assigned named as such
    (``UNASSIGNED``). One grouped count over the period's range of the ``received_at``
    index (through ``scope``'s unit indexes when given), named after."""
    window: dict[str, Any] = {
        "kind": "original",
        "received_at__gte": p.start_dt,
        "received_at__lt": p.end_dt,
    }

    def grouped(rows: QuerySet[Matter]) -> Counter[int | None]:
        by = rows.values("lead_unit_id").annotate(n=Count("id")).order_by()
        return Counter(dict(by.values_list("lead_unit_id", "n")))

    if scope is not None and scope.everything:
        # every matter less those accusing the reader's units, as ``breakdown`` counts
        n = grouped(Matter.objects.filter(**window))
        if scope.own:
            n -= grouped(Matter.objects.filter(accused_unit_id__in=sorted(scope.own), **window))
        return _by_unit(n, limit)
    rows: QuerySet[Matter] = qs.filter(**window)
    if scope is not None:
        rows = access.narrowed(rows, scope, **window)
    return _by_unit(grouped(rows), limit)


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


@dataclass(frozen=True)
class Rates:
    """The three rates pooled over a set of units (BJ Art. 32): the counts behind them and
    the rates, each ``None`` without a sample; ``short_visits`` / ``short_ratings``: that
    metric's own sample is below the minimum, as on the ranking (``supervision.rates``)."""

    visits: int
    contacted: int
    solved: int
    satisfied: int
    basic: int
    unsatisfied: int
    minimum: int
    weight: float

    @property
    def ratings(self) -> int:
        return self.satisfied + self.basic + self.unsatisfied

    @property
    def response(self) -> float | None:
        return self.contacted / self.visits if self.visits else None

    @property
    def resolution(self) -> float | None:
        return self.solved / self.visits if self.visits else None

    @property
    def satisfaction(self) -> float | None:
        n = self.ratings
        return (self.satisfied + self.weight * self.basic) / n if n else None

    @property
    def short_visits(self) -> bool:
        return self.visits < self.minimum

    @property
    def short_ratings(self) -> bool:
        return self.ratings < self.minimum


def rates(p: Period, unit_ids: Collection[int] | None, *, weight: float, minimum: int) -> Rates:
    """The rate counters of ``unit_ids`` (``None``: every unit) over the period, summed: the
    month rows for its whole months and the day rows either side, grouped by the database
    (``counters.rate_totals``). ``weight`` and ``minimum`` are the deployment's settings
    (``supervision.rates``)."""
    sums = dict.fromkeys(RATE_FIELDS, 0)
    if unit_ids is None or unit_ids:
        for row in rate_totals(p.start, p.end, by="month", unit_ids=unit_ids).values():
            for f in RATE_FIELDS:
                sums[f] += row[f]
    return Rates(**sums, minimum=minimum, weight=weight)


@dataclass(frozen=True)
class Figures:
    """One period's figures that are compared with other periods: what was received, the
    counted actions, the opinions issued on time and the three rates (``None``: not
    asked for)."""

    period: Period
    received: int
    collective: int
    events: dict[str, int]
    on_time: dict[str, Any]
    rates: Rates | None

    @property
    def empty(self) -> bool:
        """Nothing at all was recorded in the period: no matter received, no action
        counted, no opinion issued, no return visit or rating."""
        answered = self.on_time["met"] + self.on_time["late"]
        sample = self.rates.visits + self.rates.ratings if self.rates is not None else 0
        return not (self.received or any(self.events.values()) or answered or sample)


@dataclass(frozen=True)
class Report:
    """Everything a report page or export shows for one period and part of a reader's
    scope, read once: the tables, the charts and the paragraph are all made from it."""

    span: Span
    breakdown: Breakdown
    summary: dict[str, int]
    on_time: dict[str, Any]
    organs: list[tuple[str, int]]
    overdue: list[tuple[str, int]]
    now: Figures
    previous: Figures | None
    last_year: Figures

    @property
    def period(self) -> Period:
        return self.span.current

    @property
    def rates(self) -> Rates | None:
        return self.now.rates

    @cached_property
    def tables(self) -> dict[str, Any]:
        """The report's tables, labelled, read once: by channel, category, topic (a matter
        without one ``UNCLASSIFIED``), lead unit, overdue by unit, hot spots."""
        b = self.breakdown
        channels, categories = LABELS["channel"], LABELS["category"]
        topics = b.counts("topic__name")
        return {
            "summary": self.summary,
            "channels": [(str(channels.get(k, k)), n) for k, n in b.counts("channel")],
            "categories": [(str(categories.get(k, k)), n) for k, n in b.counts("category")],
            "topic_counts": topics,
            "topics": [(t or str(UNCLASSIFIED), n) for t, n in topics],
            "organs": self.organs,
            "overdue": self.overdue,
            "on_time": self.on_time,
            "hot": b.hot(),
        }


def _figures(
    p: Period,
    b: Breakdown,
    ot: dict[str, Any],
    rates_of: Callable[[Period], Rates] | None,
) -> Figures:
    events = {k: b.events[a] for k, a in SUMMARY_ACTIONS.items()}
    return Figures(p, b.received, b.collective, events, ot, rates_of(p) if rates_of else None)


def report(
    qs: MatterQuerySet,
    p: Period,
    today: date,
    scope: access.StaffScope | None = None,
    *,
    area: access.StaffScope | None = None,
    rates_of: Callable[[Period], Rates] | None = None,
) -> Report:
    """The report on ``qs`` (the reader's visible matters, ``scope`` theirs) over ``p``,
    limited to ``area`` (``area_of``) when given, with the same figures for the period
    before and the same period a year earlier (``Span``). ``rates_of``: the three rates of
    a period for the units in question (the caller knows the settings and the units)."""
    span = Span.of(p, today)
    within = area or scope
    b = breakdown(qs, span.current, scope, today, area=area)
    ot = on_time(qs, span.current, within)

    def compared(other: Period) -> Figures:
        ob = breakdown(qs, other, scope, today, area=area)
        return _figures(other, ob, on_time(qs, other, within), rates_of)

    return Report(
        span=span,
        breakdown=b,
        summary=summary(qs, span.current, today, b, within),
        on_time=ot,
        organs=by_lead_unit(qs, span.current, within),
        overdue=overdue_by_unit(qs, today, scope=within),
        now=_figures(span.current, b, ot, rates_of),
        previous=compared(span.previous) if span.previous is not None else None,
        last_year=compared(span.last_year),
    )


LABELS = {
    "channel": dict(Channel.choices),
    "category": dict(Category.choices),
    "status": dict(Status.choices),
}
