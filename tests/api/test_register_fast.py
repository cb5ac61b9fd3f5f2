"""Registration through the API answers from what it wrote, with a fixed number of queries,
and the answer is the same as reading the matter back."""

from __future__ import annotations

from django.db import connection
from django.db.models import Model
from django.test.utils import CaptureQueriesContext

from xinfang.cases.models import Event, Matter, Petitioner, ReceiptCounter
from xinfang.reports.models import MonthCount
from xinfang.search.models import SearchDoc, SearchTermDelta

from ..factories import World
from .test_api import Api, body


def _same_as_read_back(api: Api, created: dict) -> None:
    again = api.get(f"/matters/{created['id']}").json()
    assert created["secret"] and again["secret"] is None
    created = {**created, "secret": None}
    assert created == again


def test_201_body_equals_the_matter_read_back(world: World) -> None:
    api = Api(world.registrar)
    r = api.post("/matters", body(world))
    assert r.status_code == 201, r.content
    _same_as_read_back(api, r.json())


def test_report_accusing_another_unit_equals_read_back(world: World) -> None:
    api = Api(world.registrar)
    r = api.post("/matters", body(world, category="report", accused_unit=world.housing.pk))
    assert r.status_code == 201, r.content
    d = r.json()
    assert d["confidential"] is True
    _same_as_read_back(api, d)


def test_registration_writes_log_clock_and_index(world: World) -> None:
    r = Api(world.registrar).post("/matters", body(world))
    m = Matter.objects.get(pk=r.json()["id"])
    ev = Event.objects.get(matter=m)
    assert (m.event_count, m.last_hash, ev.hash, ev.seq) == (1, ev.hash, ev.compute_hash(), 1)
    assert m.current_due_kind == r.json()["deadlines"][0]["kind"]
    assert (
        m.current_due is not None and m.current_due.isoformat() == r.json()["deadlines"][0]["due"]
    )
    assert SearchDoc.objects.filter(matter=m).count() == 1
    found = Api(world.registrar).get("/search", q="拖欠工资").json()
    assert [x["id"] for x in found["items"]] == [m.pk]


def test_registration_query_count(world: World) -> None:
    api = Api(world.registrar)
    api.post("/matters", body(world))  # warm per-process caches (calendar, settings)
    with CaptureQueriesContext(connection) as q:
        r = api.post("/matters", body(world))
    assert r.status_code == 201
    # token, the registering unit and the area (one read), topic, the registrar's
    # memberships with their units (read once: the role check, the event's acting unit and
    # the allowed actions), the matter's key, petitioner, event, pending terms, the receipt
    # counter (one UPDATE ... RETURNING), matter, index (no savepoint of its own), the
    # monthly counters; the detail reads nothing back (the log and petitioners are the ones
    # just written, no handling units, nothing merged). The registration's own transaction
    # is a savepoint here (the test runs in one): its SAVEPOINT and RELEASE count too.
    # PostgreSQL keeps the index in the document row (no separate FTS insert).
    expected = 15 if connection.vendor == "sqlite" else 14
    assert len(q.captured_queries) == expected, [x["sql"][:80] for x in q.captured_queries]


def test_registration_writes_the_shared_rows_last(world: World) -> None:
    """The receipt counter and the month counters are rows that every registration at the
    organ (the counters' sums: in the deployment) writes, and PostgreSQL keeps an updated
    row locked until the commit: they come after every other write but the matter's row
    and its search entry, which hold the receipt number. The matter's row is written once."""
    api = Api(world.registrar)
    api.post("/matters", body(world))  # the year's first creates the organ's counter row
    with CaptureQueriesContext(connection) as q:
        r = api.post("/matters", body(world))
    assert r.status_code == 201
    sql = [x["sql"] for x in q.captured_queries]

    def at(verb: str, model: type[Model]) -> list[int]:
        table = connection.ops.quote_name(model._meta.db_table)
        return [i for i, s in enumerate(sql) if s.startswith(f"{verb} {table}")]

    [counter] = at("UPDATE", ReceiptCounter)
    [matter] = at("INSERT INTO", Matter)
    [months] = at("INSERT INTO", MonthCount)
    [pending] = at("INSERT INTO", SearchTermDelta)
    assert at("UPDATE", Matter) == []
    assert max(*at("INSERT INTO", Petitioner), *at("INSERT INTO", Event), pending) < counter
    assert counter < matter < months
    # after the counter: the matter, its search entry, the month counters, the commit
    assert sql[counter + 1 : months] == sql[matter:months]
    assert all("search" in s for s in sql[matter + 1 : months])
    assert [s.split()[0] for s in sql[months + 1 :]] == ["RELEASE"]
    m = Matter.objects.get(pk=r.json()["id"])
    assert (m.event_count, m.last_hash) == (1, Event.objects.get(matter=m).hash)


def test_refused_registration_writes_nothing(world: World) -> None:
    before = (Matter.objects.count(), Event.objects.count(), SearchDoc.objects.count())
    r = Api(world.registrar).post("/matters", body(world, title=""))
    assert r.status_code == 400 and r.json()["code"] == "required"
    assert (Matter.objects.count(), Event.objects.count(), SearchDoc.objects.count()) == before
