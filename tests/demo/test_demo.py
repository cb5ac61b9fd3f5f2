"""``xinfang demo``: every state, genuine histories, idempotent, deterministic, resettable."""

from __future__ import annotations

from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db.models import Count, Q
from django.utils import timezone

from xinfang.cases.models import Event, Kind, Matter, Status
from xinfang.demo.builder import MAIN_USERS, PASSWORD
from xinfang.org.models import Membership, Role, Unit, UnitKind, User

pytestmark = pytest.mark.django_db


def demo(*args: str) -> str:
    out = StringIO()
    call_command("demo", *args, "--verbosity", "0", stdout=out)
    return out.getvalue()


def titles() -> list[str]:
    return list(
        Matter.objects.filter(kind=Kind.ORIGINAL).order_by("pk").values_list("title", flat=True)
    )


def test_demo_covers_every_state_with_genuine_histories() -> None:
    out = demo("--matters", "150", "--seed", "7")
    now = timezone.now()
    today = timezone.localdate()

    counts = dict(Matter.objects.values_list("status").annotate(n=Count("id")))
    assert all(counts.get(s, 0) > 0 for s in Status.values), counts
    assert Matter.objects.filter(kind=Kind.ORIGINAL).count() == 150
    assert Matter.objects.filter(kind=Kind.REVIEW).exists()
    assert Matter.objects.filter(kind=Kind.REEXAM, final=True).exists()
    assert Matter.objects.overdue(today).exists()
    assert Matter.objects.due_within(3, today).exists()
    assert set(Matter.objects.values_list("channel", flat=True)) == {
        "online",
        "letter",
        "phone",
        "fax",
        "visit",
    }
    assert set(Matter.objects.exclude(decision="").values_list("decision", flat=True)) == {
        "support",
        "explain",
        "reject",
    }

    # Not accepted: always with the ground and the receipt number of an earlier matter.
    for ev in Event.objects.filter(action="not_accept").select_related("matter"):
        assert ev.data["ground"] in ("art19", "art36")
        earlier = Matter.objects.get(receipt_no=ev.data["existing"])
        assert earlier.registered_at < ev.matter.registered_at
        assert ev.matter.repeat_of_id == earlier.pk

    # Collective visits: a head-count and at most 5 representatives (XFGZ Art. 20).
    collective = Matter.objects.filter(is_collective=True).annotate(
        reps=Count("petitioners", filter=Q(petitioners__is_representative=True))
    )
    assert collective.exists()
    for m in collective:
        assert 1 <= m.reps <= 5 and m.headcount > m.petitioners.count()

    # Every history: seq 1..n and strictly increasing times, none in the future.
    rows: dict[int, list[tuple[int, object]]] = {}
    for mid, seq, at in Event.objects.order_by("matter_id", "seq").values_list(
        "matter_id", "seq", "at"
    ):
        rows.setdefault(mid, []).append((seq, at))
    assert len(rows) == Matter.objects.count()
    for mid, evs in rows.items():
        assert [s for s, _ in evs] == list(range(1, len(evs) + 1)), mid
        ats = [a for _, a in evs]
        assert all(a < b for a, b in pairwise(ats)), mid
        assert ats[-1] <= now, mid
    for m in Matter.objects.all():
        assert m.registered_at >= m.received_at

    for username, *_ in MAIN_USERS:
        assert username in out
    assert PASSWORD in out
    admin = User.objects.get(username="admin")
    assert admin.is_superuser and admin.is_staff
    assert admin.memberships.filter(role=Role.ADMIN).exists()
    assert User.objects.get(username="registrar").check_password(PASSWORD)


def test_demo_org_tree() -> None:
    demo("--matters", "0")
    county = Unit.objects.get(name="青山县人民政府")
    assert county.division_code == "360421"
    assert county.parent is not None and county.parent.name == "江州市人民政府"
    for kind in (UnitKind.XINFANG_OFFICE, UnitKind.HOTLINE):
        assert Unit.objects.get(kind=kind, parent=county).oversees == county
    assert Unit.objects.filter(kind=UnitKind.POLITICAL_LEGAL).count() == 1
    assert Unit.objects.filter(kind=UnitKind.DISCIPLINE).count() == 1
    assert Unit.objects.filter(kind=UnitKind.DEPARTMENT, parent=county).count() >= 8
    towns = Unit.objects.filter(level="township", kind=UnitKind.GOVERNMENT)
    assert towns.count() == 6
    for town in towns:
        assert len(town.division_code) == 9 and town.division_code.startswith("360421")
        assert 2 <= town.children.filter(kind=UnitKind.COMMITTEE).count() <= 3
        assert town.children.filter(kind=UnitKind.MEDIATION).count() == 1
    assert Membership.objects.filter(user__username="mediator", role=Role.MEDIATOR).exists()


def test_second_run_adds_nothing_and_prints_the_logins_again() -> None:
    demo("--matters", "30", "--seed", "5")
    before = (Unit.objects.count(), User.objects.count(), Matter.objects.count())
    memberships = Membership.objects.count()
    again = demo("--matters", "30", "--seed", "5")
    assert "演示数据已存在" in again
    assert (Unit.objects.count(), User.objects.count(), Matter.objects.count()) == before
    assert Membership.objects.count() == memberships
    for username, *_ in MAIN_USERS:
        assert username in again
    assert PASSWORD in again


def test_same_seed_same_matters_and_reset_rebuilds() -> None:
    demo("--matters", "40", "--seed", "11")
    first = titles()
    units = Unit.objects.count()
    demo("--reset", "--matters", "40", "--seed", "11")
    assert titles() == first and len(first) == 40
    assert Unit.objects.count() == units
    demo("--reset", "--matters", "40", "--seed", "12")
    assert titles() != first


def test_reset_refuses_a_database_with_other_matters() -> None:
    from xinfang.actions.registration import register_matter

    city = Unit.objects.create(name="别的市", kind=UnitKind.GOVERNMENT, level="city")
    clerk = User.objects.create(username="clerk")
    Membership.objects.create(user=clerk, unit=city, role=Role.REGISTRAR)
    register_matter(
        by=clerk,
        unit=city,
        channel="letter",
        category="claim",
        title="真实事项",
        content="请求处理。",
        received_at=timezone.now(),
        petitioners=[{"name": "张三", "phone": "13800000000"}],
    )
    with pytest.raises(CommandError):
        demo("--reset", "--matters", "0")
    assert Matter.objects.count() == 1 and Unit.objects.filter(name="别的市").exists()


# --- 复查 and 复核 up to the province (XFGZ Arts. 35, 36) -------------------------------


def test_organs_one_level_up_reach_the_province() -> None:
    demo("--matters", "0")
    province = Unit.objects.get(name="江东省人民政府")
    city = Unit.objects.get(name="江州市人民政府")
    county = Unit.objects.get(name="青山县人民政府")
    assert province.parent is None and city.parent == province and county.parent == city
    assert county.organ_one_level_up() == city
    assert city.organ_one_level_up() == province
    assert province.organ_one_level_up() is None
    # a department's and a township's are the county government
    for unit in (
        Unit.objects.get(name="青山县住房和城乡建设局"),
        Unit.objects.get(name="青山县城关镇人民政府"),
    ):
        assert unit.organ_one_level_up() == county
    # the letters offices above the county oversee their governments
    assert Unit.objects.get(name="江东省信访局").oversees == province
    assert Unit.objects.get(name="江州市信访局").oversees == city
    # the province's staff decide the re-examinations that reach it
    for username, role in (("province_handler", Role.HANDLER), ("province_leader", Role.LEADER)):
        assert Membership.objects.filter(user__username=username, unit=province, role=role)
    office = Membership.objects.filter(user__username="city_office")
    assert set(office.values_list("role", flat=True)) == {Role.REGISTRAR, Role.SUPERVISOR}
    # every account signs in with the printed password (hashed once per build)
    for username in ("province_handler", "province_leader", "city_office", "rs_handler"):
        assert User.objects.get(username=username).check_password(PASSWORD), username


def test_every_chain_walks_to_distinct_organs_up_to_the_province() -> None:
    out = demo("--matters", "60", "--seed", "3")
    province = Unit.objects.get(name="江东省人民政府")
    reexams = Matter.objects.filter(kind=Kind.REEXAM).select_related(
        "parent__parent__lead_unit", "parent__lead_unit", "lead_unit"
    )
    assert reexams.filter(final=True, lead_unit=province).exists()
    for reexam in reexams:
        review = reexam.parent
        original = review.parent
        assert original.kind == Kind.ORIGINAL and review.kind == Kind.REVIEW
        organs = [original.lead_unit, review.lead_unit, reexam.lead_unit]
        assert len({u.pk for u in organs}) == 3, organs
        # each the organ one level up from the one before
        assert review.lead_unit == original.lead_unit.organ_one_level_up()
        assert reexam.lead_unit == review.lead_unit.organ_one_level_up()
    # a later registration by the same petitioner after a final 复核, not accepted with
    # the notice (XFGZ Art. 36 para 3), and the printed hint to see the warning
    ev = Event.objects.filter(action="not_accept", data__ground="art36").select_related("matter")
    assert ev.exists()
    for e in ev:
        existing = Matter.objects.get(receipt_no=e.data["existing"])
        again = e.matter
        assert again.registered_at > existing.registered_at
        phones = {p.phone for p in existing.petitioners.all()}
        assert phones & {p.phone for p in again.petitioners.all()}
        assert again.notices.filter(kind="not_accepted").exists()
    assert "复核终结后再次提出" in out and "在登记页填写该电话即可看到提示" in out


def test_a_demo_without_the_province_gets_it_and_resets_whole() -> None:
    city = Unit.objects.create(name="江州市人民政府", kind=UnitKind.GOVERNMENT, level="city")
    Unit.objects.create(
        name="青山县人民政府", kind=UnitKind.GOVERNMENT, level="county", parent=city
    )
    demo("--matters", "0")
    city.refresh_from_db()
    province = Unit.objects.get(name="江东省人民政府")
    assert city.parent == province and city.path.startswith(province.path)
    county = Unit.objects.get(name="青山县人民政府")
    assert county.path.startswith(city.path) and county.organ_one_level_up() == city
    demo("--reset", "--matters", "0")
    assert Unit.objects.filter(parent__isnull=True).count() == 1
