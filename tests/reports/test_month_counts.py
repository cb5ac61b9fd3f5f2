"""The monthly counters behind a province's dashboard: kept by every write, equal to a
recount, and giving the same figures as counting the visible matters."""

from __future__ import annotations

import io
from collections import Counter
from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Channel, Event, Matter, Topic
from xinfang.ops import counters
from xinfang.reports import queries as q
from xinfang.reports.models import MonthCount

from ..factories import World, answered, handled, login, register


def _varied(w: World) -> dict[str, Matter]:
    """Matters over two years, channels, topics (one without), areas, collective ones, a
    review, and one that accuses the city government (which its leader must not see)."""
    now = timezone.now()
    roads, _ = Topic.objects.get_or_create(code="JT", defaults={"name": "交通运输"})
    out = {
        "old": answered(w, at=now - timedelta(days=420)),
        "visit": register(w, channel=Channel.VISIT, at=now - timedelta(days=40)),
        "collective": register(
            w,
            is_collective=True,
            headcount=30,
            petitioners=[{"name": "甲", "is_representative": True}],
            topic=roads,
            area=w.town2,
        ),
        "untopical": register(w, topic=None, area=None, channel=Channel.PHONE),
        "handled": handled(w),
        "accusing": register(w, accused_unit=w.city, category="report"),
        # received by the county, accusing the county government: the city registers it
        "self_accusing": register(
            w, unit=w.county, by=w.county_registrar, accused_unit=w.county, category="report"
        ),
    }
    m = answered(w)
    transition(
        m,
        "supervise",
        actor=w.supervisor,
        reason="催办",
        data={"demand": "尽快办理", "reply_due": "2099-01-01"},
    )
    transition(m, "request_review", actor=w.registrar)
    out["answered"] = m
    return out


def _table() -> dict[tuple[date, int, str, str], int]:
    return {(r.month, r.unit, r.dim, r.key): r.n for r in MonthCount.objects.all()}


def test_every_write_keeps_the_counters_equal_to_a_recount(world: World) -> None:
    ms = _varied(world)
    kept = _table()
    assert kept == counters.month_rows(Matter, Event)
    this = timezone.localdate().replace(day=1)
    old = timezone.localdate(ms["old"].received_at).replace(day=1)
    office, ALL = world.office.pk, MonthCount.ALL
    assert kept[(old, ALL, "channel", "letter")] == kept[(old, office, "channel", "letter")] == 1
    assert kept[(this, ALL, "collective", "")] == 1
    assert kept[(this, office, "topic_area", ":")] == 1  # the matter without topic or area
    assert kept[(this, ALL, "action", "request_review")] == 1
    # Every row of a unit adds up to the sums.
    by_units: Counter[tuple[date, str, str]] = Counter()
    for (month, unit, dim, key), n in kept.items():
        if unit != ALL:
            by_units[(month, dim, key)] += n
    assert by_units == Counter({(m, d, k): n for (m, u, d, k), n in kept.items() if u == ALL})
    # Only original matters are received: the review opened by the request is not.
    assert sum(n for (_m, u, d, _k), n in kept.items() if d == "channel" and u == ALL) == 8
    counters.rebuild()
    assert _table() == kept


def test_counters_give_what_counting_the_visible_matters_gives(world: World) -> None:
    ms = _varied(world)
    reader = world.city_leader
    scope = access.staff_scope(reader)
    assert scope.everything and scope.own == {world.city.pk}
    qs = access.visible(reader, scope)
    today = timezone.localdate()
    for p in (q.Period.last_12_months(today), q.Period.year(today.year - 1)):
        assert q.whole_months(p, today)
        counted = q.breakdown(qs, p, scope, today)
        assert counted == q._live(qs, p)
        assert counted.received == q.received_in(qs, p).count()
    b = q.breakdown(qs, q.Period.last_12_months(today), scope, today)
    # The report accusing the city government is not the city leader's to count (Art. 30).
    assert b.category["report"] == 1  # only the one accusing the county
    assert b.received == 6 and b.collective == 1
    assert b.events["supervise"] == 1 and b.events["request_review"] == 1
    assert ("交通运输", world.town2.name) in {(h["topic"], h["area"]) for h in b.hot()}
    assert ("", 1) in b.counts("topic__name")
    # Everyone else is counted from their scope: the county office sees the report it
    # registered; the one accusing the county government was registered by the city.
    assert ms["self_accusing"].registered_unit_id == world.city.pk
    office = access.staff_scope(world.supervisor)
    assert not office.everything
    mine = access.visible(world.supervisor, office)
    assert mine.filter(pk=ms["accusing"].pk).exists()
    assert q.breakdown(mine, q.Period.last_12_months(today), office, today).category["report"] == 1
    # The county's leader does not see the one accusing the county (Art. 30).
    county = access.staff_scope(world.county_leader)
    theirs = access.visible(world.county_leader, county)
    assert not theirs.filter(pk=ms["self_accusing"].pk).exists()
    b = q.breakdown(theirs, q.Period.last_12_months(today), county, today)
    assert b == q._live(theirs, q.Period.last_12_months(today)) and b.category["report"] == 1


def test_a_period_of_part_months_is_counted_from_the_matters(world: World) -> None:
    _varied(world)
    reader = world.city_leader
    scope = access.staff_scope(reader)
    qs = access.visible(reader, scope)
    today = timezone.localdate()
    # From the last day of last month: never a whole month.
    p = q.Period(today.replace(day=1) - timedelta(days=1), today + timedelta(days=1))
    assert not q.whole_months(p, today)
    MonthCount.objects.all().delete()  # a counter read would now find nothing
    assert q.breakdown(qs, p, scope, today).received == q.received_in(qs, p).count() > 0


def test_province_dashboard_reads_the_counters(world: World) -> None:
    _varied(world)
    c = login(world.city_leader)
    today = timezone.localdate()
    last_12 = q.Period.last_12_months(today)
    url = f"/reports/?period=range&from={last_12.start}&to={today}"
    with CaptureQueriesContext(connection) as cq:
        r = c.get(url)
    assert r.status_code == 200
    kpis = dict(r.context["kpis"])
    assert kpis["收到信访事项"] == 6 and kpis["督办"] == 1 and kpis["申请复查"] == 1
    assert r.context["data"]["categories"] and r.context["hot"]
    # The year's received matters come from the counters; the matter table is grouped
    # only for the few that accuse the reader's unit, to be taken off (counting the
    # visible ones would exclude them instead: NOT (accused_unit_id IN …)).
    sqls = [x["sql"] for x in cq.captured_queries]
    assert any("reports_monthcount" in s for s in sqls)
    received = [s for s in sqls if "GROUP BY" in s and '"received_at" >=' in s]
    assert received and all('NOT ("cases_matter"."accused_unit_id"' not in s for s in received)
    # three figure sets (the period, the one before it, the same period a year earlier),
    # each a fixed number of grouped reads whatever the number of matters and units
    assert len(cq.captured_queries) <= 50


def test_a_scope_s_figures_are_those_of_its_visible_matters(world: World) -> None:
    """The indexable narrowing (led, registered or assisted in the scope's units) keeps
    exactly the visible matters, for every kind of reader."""
    ms = _varied(world)
    m = ms["handled"]
    transition(
        m,
        "set_units",
        actor=world.registrar,
        data={"lead": world.town.pk, "assisting": [world.housing.pk]},
    )
    today = timezone.localdate()
    p = q.Period.last_12_months(today)
    later = today + timedelta(days=400)  # everything open is overdue by then
    for name in ("supervisor", "leader", "housing_leader", "county_leader", "other_leader"):
        user = getattr(world, name)
        scope = access.staff_scope(user)
        assert not scope.everything
        qs = access.visible(user, scope)
        assert set(access.narrowed(qs, scope)) == set(qs), name
        # those registered elsewhere (the dashboard counts them live), tested in the index
        units = scope.units()
        outside = {x for x in qs if x.registered_unit_id not in units}
        assert set(access.narrowed(qs, scope, outside=True)) == outside, name
        assert q.breakdown(qs, p, scope, today) == q._live(qs, p), name
        assert q.summary(qs, p, later, scope=scope) == q.summary(qs, p, later), name
        assert q.on_time(qs, p, scope) == q.on_time(qs, p), name
        assert q.overdue_by_unit(qs, later, scope=scope) == q.overdue_by_unit(qs, later), name
    housing = access.staff_scope(world.housing_leader)
    seen = access.narrowed(access.visible(world.housing_leader, housing), housing)
    assert list(seen) == [m]  # assisted only
    assert list(access.narrowed(seen, housing, outside=True)) == [m]  # registered elsewhere
    everyone = access.staff_scope(world.city_leader)
    assert not access.narrowed(Matter.objects.all(), everyone, outside=True).exists()
    assert q.summary(seen, p, later, scope=housing)["overdue"] == 1


def test_rebuild_counters_check_finds_a_drifted_counter_and_rebuild_fixes_it(
    world: World,
) -> None:
    from django.core.management import CommandError, call_command

    _varied(world)
    out = io.StringIO()
    call_command("rebuild_counters", "--check", stdout=out)
    assert "一致" in out.getvalue()
    row = MonthCount.objects.filter(unit=MonthCount.ALL, dim="channel").first()
    assert row is not None
    MonthCount.objects.filter(pk=row.pk).update(n=row.n + 5)
    out = io.StringIO()
    with pytest.raises(CommandError, match="rebuild_counters"):
        call_command("rebuild_counters", "--check", stdout=out)
    assert f"{row.n + 5} ≠ {row.n}" in out.getvalue()
    call_command("rebuild_counters", stdout=io.StringIO())
    assert counters.check() == []
