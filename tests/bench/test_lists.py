"""The indexed list shapes return exactly what the visibility rule allows, in a bounded
number of queries (on seeded data, so every kind of unit and history is present)."""

from __future__ import annotations

from datetime import date

from django.test import Client
from django.urls import reverse

from xinfang.bench import org
from xinfang.cases import access
from xinfang.cases.models import Matter
from xinfang.org.models import Role, User


def users(dep: org.Deployment) -> list[User]:
    ids = set()
    for (_unit_id, role), uids in sorted(dep.staff.items()):
        if role in (Role.HANDLER, Role.LEADER, Role.SUPERVISOR, Role.REGISTRAR):
            ids.add(uids[0])
    return list(User.objects.filter(pk__in=ids).order_by("pk"))


def test_open_visible_is_visible_to_open(dep) -> None:
    checked = 0
    for u in users(dep):
        expected = set(access.visible(u).open().values_list("pk", flat=True))
        assert set(access.open_visible(u).values_list("pk", flat=True)) == expected, u.username
        day = date(2026, 6, 30)
        late = set(access.visible(u).overdue(day).values_list("pk", flat=True))
        assert set(access.open_visible(u, overdue_on=day).values_list("pk", flat=True)) == late
        checked += bool(expected)
    assert checked > 20
    nobody = User.objects.create(username="nobody")
    assert list(access.open_visible(nobody)) == []


def test_queue_and_overdue_list_queries_are_bounded(dep, django_assert_max_num_queries) -> None:
    sup = User.objects.get(
        pk=next(o for o in dep.offices if o.unit.level == "county").supervisors[0]
    )
    c = Client()
    c.force_login(sup)
    # the page, and beside it one count per to-do group the user has and one for them all
    for path in (reverse("web:queue"), reverse("web:queue") + "?view=open&overdue=1&page=2"):
        with django_assert_max_num_queries(19):
            r = c.get(path)
        assert r.status_code == 200


def test_queue_permissions(dep) -> None:
    c = Client()
    r = c.get(reverse("web:queue"))
    assert r.status_code == 302 and "/login/" in r["Location"]
    # A handler sees only their unit's matters; another unit's receipt numbers are absent.
    handler_unit = next(u for (u, role) in dep.staff if role == Role.HANDLER)
    handler = User.objects.get(pk=dep.staff[(handler_unit, Role.HANDLER)][0])
    c.force_login(handler)
    body = c.get(reverse("web:queue")).content.decode()
    others = Matter.objects.open().exclude(pk__in=access.visible(handler))
    for no in others.values_list("receipt_no", flat=True)[:50]:
        assert no not in body
    assert date(2026, 6, 30)  # the seeded period ends here


def test_rates_page_units_cover_the_visible_lead_units(dep) -> None:

    from xinfang.web.reports import _lead_units

    for u in users(dep):
        if not u.memberships.filter(role__in=[Role.SUPERVISOR, Role.LEADER]).exists():
            continue
        qs = access.visible(u)
        exact = set(qs.exclude(lead_unit=None).values_list("lead_unit_id", flat=True))
        got = _lead_units(u, qs)
        assert exact <= got, u.username
        assert got - exact <= access.scope_units(u)  # only units of their own scope are added
