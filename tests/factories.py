"""Test data built through the real services (no JSON fixtures)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import factory
from django.utils import timezone

from xinfang.actions.registration import register_matter
from xinfang.actions.workflow import transition
from xinfang.cases.models import Category, Channel, Matter, Topic
from xinfang.org.models import Level, Membership, Role, Unit, UnitKind, User

PASSWORD = "Xinfang-test-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password(PASSWORD)


def unit(
    name: str,
    kind: str,
    level: str,
    parent: Unit | None = None,
    code: str = "",
    oversees: Unit | None = None,
) -> Unit:
    return Unit.objects.create(
        name=name, kind=kind, level=level, parent=parent, division_code=code, oversees=oversees
    )


def staff(username: str, *roles: tuple[Unit, str]) -> User:
    u = UserFactory(username=username, display_name=username)
    for un, role in roles:
        Membership.objects.create(user=u, unit=un, role=role)
    return u


@dataclass
class World:
    """A small city: a county with its letters-and-visits office, departments, townships."""

    city: Unit
    county: Unit
    office: Unit
    housing: Unit
    labour: Unit
    town: Unit
    town2: Unit
    village: Unit
    topic: Topic
    users: dict[str, User] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        users = self.__dict__.get("users", {})
        if name in users:
            return users[name]
        raise AttributeError(name)


def build_world() -> World:
    G, D, X = UnitKind.GOVERNMENT, UnitKind.DEPARTMENT, UnitKind.XINFANG_OFFICE
    city = unit("江州市人民政府", G, Level.CITY, code="360400")
    county = unit("青山县人民政府", G, Level.COUNTY, city, "360421")
    office = unit("青山县信访局", X, Level.COUNTY, county, "360421", oversees=county)
    housing = unit("青山县住房和城乡建设局", D, Level.COUNTY, county)
    labour = unit("青山县人力资源和社会保障局", D, Level.COUNTY, county)
    town = unit("青山县城关镇人民政府", G, Level.TOWNSHIP, county, "360421100")
    town2 = unit("青山县东湖镇人民政府", G, Level.TOWNSHIP, county, "360421101")
    village = unit("城关镇桃园村民委员会", UnitKind.COMMITTEE, Level.VILLAGE, town)
    topic, _ = Topic.objects.get_or_create(code="ZJ", defaults={"name": "住房城建"})
    w = World(city, county, office, housing, labour, town, town2, village, topic)
    R = Role
    w.users = {
        "registrar": staff("registrar", (office, R.REGISTRAR)),
        "supervisor": staff("supervisor", (office, R.SUPERVISOR)),
        "handler": staff("handler", (town, R.HANDLER)),
        "leader": staff("leader", (town, R.LEADER)),
        "registrar_town": staff("registrar_town", (town, R.REGISTRAR)),
        "other_handler": staff("other_handler", (town2, R.HANDLER)),
        "other_leader": staff("other_leader", (town2, R.LEADER)),
        "housing_handler": staff("housing_handler", (housing, R.HANDLER)),
        "housing_leader": staff("housing_leader", (housing, R.LEADER)),
        "county_handler": staff("county_handler", (county, R.HANDLER)),
        "county_leader": staff("county_leader", (county, R.LEADER)),
        "county_registrar": staff("county_registrar", (county, R.REGISTRAR)),
        "city_handler": staff("city_handler", (city, R.HANDLER)),
        "city_leader": staff("city_leader", (city, R.LEADER)),
        "admin": staff("admin", (county, R.ADMIN)),
        "auditor": staff("auditor", (county, R.AUDITOR)),
    }
    # Administrators and auditors must have two-factor sign-in; these ones have enrolled.
    for name in ("admin", "auditor"):
        User.objects.filter(pk=w.users[name].pk).update(
            totp_secret=TOTP_SECRET, totp_confirmed_at=timezone.now()
        )
        w.users[name].refresh_from_db()
    return w


TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def register(
    w: World,
    *,
    at: datetime | None = None,
    unit: Unit | None = None,
    by: User | None = None,
    **kw: Any,
) -> Matter:
    at = at or timezone.now()
    args: dict[str, Any] = dict(
        channel=Channel.LETTER,
        category=Category.CLAIM,
        title="小区楼顶漏水三年未修",
        content="请求住建部门督促开发商维修楼顶防水层。",
        facts="2023年起每逢下雨顶楼渗水，多次向物业反映无果。",
        received_at=at - timedelta(hours=1),
        petitioners=[{"name": "张三", "phone": "13800001234", "address": "城关镇桃园路8号"}],
        topic=w.topic,
        area=w.town,
    )
    args.update(kw)
    m, _ = register_matter(by=by or w.registrar, unit=unit or w.office, at=at, **args)
    return m


def handled(w: World, *, at: datetime | None = None, **kw: Any) -> Matter:
    """A matter forwarded to the town and accepted there."""
    at = at or timezone.now()
    m = register(w, at=at, **kw)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=at)
    return transition(m, "accept", actor=w.handler, at=at)


def answered(
    w: World, *, at: datetime | None = None, decision: str = "explain", **kw: Any
) -> Matter:
    at = at or timezone.now()
    m = handled(w, at=at, **kw)
    transition(m, "submit_opinion", actor=w.handler, at=at, data=opinion(decision))
    return transition(m, "approve_opinion", actor=w.leader, at=at)


def concluded(w: World, m: Matter) -> Matter:
    """``m``, just registered at the office, taken to the town, answered and concluded."""
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(m, "accept", actor=w.handler)
    transition(m, "submit_opinion", actor=w.handler, data=opinion())
    transition(m, "approve_opinion", actor=w.leader)
    return transition(m, "conclude", actor=w.handler)


def opinion(decision: str = "explain") -> dict[str, str]:
    return {
        "decision": decision,
        "request": "请求维修楼顶防水层",
        "facts": "经现场核查，楼顶防水层老化属实。",
        "reasons": "该楼已过保修期，维修资金应由专项维修资金列支。",
        "basis": "《住宅专项维修资金管理办法》第二十二条",
    }


def login(user: User) -> Any:
    """A Django test client signed in as ``user``."""
    from django.test import Client

    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c
