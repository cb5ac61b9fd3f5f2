"""The lean reads of ``core.rows`` give what the querysets they replace give: the same
instances with the same field values (dates, times and booleans converted as the ORM
converts them), their related rows cached, and no row the queryset would not return."""

from __future__ import annotations

from typing import Any

from django.db import connection, models
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from xinfang.api.models import ApiToken
from xinfang.cases.models import Topic
from xinfang.core.rows import Columns, fetch
from xinfang.org.models import (
    Role,
    Unit,
    User,
    _with_units,
    prefetch_memberships,
    units_by_pk,
)

from ..factories import World, staff


def _values(obj: models.Model) -> dict[str, Any]:
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def test_built_instances_equal_the_orm_ones(world: World) -> None:
    user = world.admin  # TOTP set: a datetime and text beside the booleans
    user.last_login = timezone.now()
    user.save()
    token, _secret = ApiToken.issue(user, "t")
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
    for model, pk in ((User, user.pk), (ApiToken, token.pk), (Unit, world.office.pk)):
        cols: Columns[Any] = Columns(model, "x")
        table = connection.ops.quote_name(model._meta.db_table)
        rows = fetch(f"SELECT {cols.sql} FROM {table} x WHERE x.id = %s", [pk])
        built = cols.build(rows[0])
        orm = model.objects.get(pk=pk)
        assert type(built) is model and built == orm
        assert _values(built) == _values(orm)
        assert built._state.adding is False and built._state.db == orm._state.db


def test_left_join_without_a_row_builds_none(world: World) -> None:
    cols = Columns(Unit, "u")
    assert cols.build([None] * len(cols)) is None


def test_token_with_its_user_in_one_query(world: World) -> None:
    token, secret = ApiToken.issue(world.registrar, "t")
    ApiToken.objects.authenticate(secret)  # records last use (a write, once a minute)
    with CaptureQueriesContext(connection) as q:
        got = ApiToken.objects.authenticate(secret)
        assert got is not None and got.pk == token.pk
        assert got.user == world.registrar and got.user.username == "registrar"
    assert len(q) == 1
    assert _values(got) == _values(ApiToken.objects.get(pk=token.pk))
    assert _values(got.user) == _values(User.objects.get(pk=world.registrar.pk))


def test_token_of_a_revoked_or_inactive_user_is_refused(world: World) -> None:
    _t, secret = ApiToken.issue(world.registrar, "t")
    assert ApiToken.objects.authenticate(secret[:-1] + ("x" if secret[-1] != "x" else "y")) is None
    ApiToken.objects.filter(prefix=secret[:8]).update(revoked=True)
    assert ApiToken.objects.authenticate(secret) is None
    ApiToken.objects.filter(prefix=secret[:8]).update(revoked=False)
    assert ApiToken.objects.authenticate(secret) is not None
    User.objects.filter(pk=world.registrar.pk).update(is_active=False)
    assert ApiToken.objects.authenticate(secret) is None


def test_memberships_equal_the_prefetch_they_replace(world: World) -> None:
    # an office that oversees a unit, and a township unit that oversees none
    u = staff("two_units", (world.office, Role.SUPERVISOR), (world.town, Role.HANDLER))
    expected = list(_with_units().filter(user=u).order_by("pk"))
    fresh = User.objects.get(pk=u.pk)
    with CaptureQueriesContext(connection) as q:
        prefetch_memberships(fresh)
    assert len(q) == 1
    with CaptureQueriesContext(connection) as q:
        got = list(fresh.memberships.all())
        assert got == expected
        for m, e in zip(got, expected, strict=True):
            assert _values(m) == _values(e)
            assert m.user is fresh
            assert _values(m.unit) == _values(e.unit)
            assert m.unit.oversees == e.unit.oversees
        assert got[0].unit.oversees == world.county and got[1].unit.oversees is None
        assert {m.role for m in fresh.memberships.all()} == {Role.SUPERVISOR, Role.HANDLER}
    assert len(q) == 0
    # the cached queryset is still the user's memberships when filtered further
    assert list(fresh.memberships.filter(role=Role.HANDLER)) == [expected[1]]


def test_memberships_of_a_user_without_any(world: World) -> None:
    u = staff("nobody")
    prefetch_memberships(u)
    with CaptureQueriesContext(connection) as q:
        assert list(u.memberships.all()) == []
    assert len(q) == 0


def test_units_by_pk_equals_in_bulk(world: World) -> None:
    pks = [world.office.pk, world.town.pk, world.town.pk, 10**9]
    got = units_by_pk(pks)
    want = Unit.objects.in_bulk(pks)
    assert got == want and set(got) == {world.office.pk, world.town.pk}
    assert all(_values(got[k]) == _values(want[k]) for k in got)
    assert units_by_pk([]) == {}


def test_active_topic_by_code_or_key(world: World) -> None:
    t = world.topic
    assert Topic.active(t.code) == t and _values(Topic.active(t.code)) == _values(t)  # type: ignore[arg-type]
    assert Topic.active(str(t.pk)) == t
    assert Topic.active("NOPE") is None
    Topic.objects.filter(pk=t.pk).update(is_active=False)
    assert Topic.active(t.code) is None and Topic.active(str(t.pk)) is None


def _read_back(model: type[models.Model], pk: int) -> dict[str, Any]:
    got = _values(model.objects.get(pk=pk))
    got.pop("id")
    return got


def test_insert_writes_what_save_writes(world: World) -> None:
    """Encrypted numbers, blind indexes, JSON and aware times as ``save()`` writes them,
    the late values set on the objects, keys returned in order."""
    from datetime import timedelta

    from xinfang.cases.models import Event, Petitioner
    from xinfang.core.rows import Insert

    from ..factories import register

    m = register(world)
    people = [
        Petitioner(name="王五", phone="13700001111", id_number="360421199001181234", order=1),
        Petitioner(name="赵六", phone="", address="城关镇", order=2),
    ]
    ins = Insert(Petitioner)
    for p in people:
        p.set_indexes()
    rows = [ins.prepare(p, late=("matter_id",)) for p in people]
    assert all(row[ins.names.index("matter_id")] is None for row in rows)
    assert "13700001111" not in rows[0]  # encrypted before the transaction
    ins.run(people, rows, matter_id=m.pk)
    assert [p.matter_id for p in people] == [m.pk, m.pk] and people[0].pk < people[1].pk
    assert not people[0]._state.adding and people[0]._state.db == "default"
    for p in people:
        twin = Petitioner(**{k: v for k, v in _values(p).items() if k != "id"})
        twin.save()
        assert _read_back(Petitioner, p.pk) == _read_back(Petitioner, twin.pk)
    assert Petitioner.objects.get(pk=people[0].pk).phone == "13700001111"
    assert people[0] in Petitioner.objects.with_phone("137 0000 1111")  # the blind index

    at = timezone.now() - timedelta(minutes=5)
    ev = Event(matter=m, seq=99, action="note", to_status=m.status, at=at, data={"a": [1, "二"]})
    Insert(Event).run([ev], [Insert(Event).prepare(ev)])
    twin_ev = Event(matter=m, seq=100, action="note", to_status=m.status, at=at, data=ev.data)
    twin_ev.save()
    a, b = _read_back(Event, ev.pk), _read_back(Event, twin_ev.pk)
    assert a.pop("seq") == 99 and b.pop("seq") == 100
    assert a == b and a["data"] == {"a": [1, "二"]} and a["at"] == at
