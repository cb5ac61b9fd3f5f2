"""The seeded deployment's organisation: a province's unit tree with staff per unit.

Province → cities → counties → townships → villages; at every government level a
letters-and-visits office (overseeing its government), a 12345 hotline centre (city and
county), the functional departments, the political-legal committee and the discipline
organ (XFGZ Art. 22 para 2). Townships have a mediation committee and village (community)
committees. Every name is fictional. Rows are written in bulk with the materialised paths
``Unit.save`` would compute; ``load()`` finds an existing tree again.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Max

from xinfang.cases.catalogue import ensure_default_topics
from xinfang.cases.models import Topic
from xinfang.org.models import Level, Membership, Role, Unit, UnitKind, User

from . import texts

PROVINCE = "江南省人民政府"
PASSWORD = "Bench-pass-2026"
G = UnitKind.GOVERNMENT
CITY_WORDS = "云澜临溪青松江岳明华安泰"
COUNTY_WORDS = "山水河湖林石桥川源平阳宁丰"
# (topic code, department suffix, short suffix)
DEPARTMENTS = [
    ("ZJ", "住房和城乡建设局", "住建局"),
    ("LD", "人力资源和社会保障局", "人社局"),
    ("ZD", "自然资源局", "自然资源局"),
    ("HB", "生态环境局", "生态环境局"),
    ("JY", "教育局", "教育局"),
    ("YL", "卫生健康委员会", "卫健委"),
    ("JT", "交通运输局", "交通运输局"),
    ("NC", "农业农村局", "农业农村局"),
    ("SC", "市场监督管理局", "市场监管局"),
]
SPECIAL = [
    ("ZF", "委政法委员会", "委政法委", UnitKind.POLITICAL_LEGAL),
    ("JJ", "纪委监委", "纪委监委", UnitKind.DISCIPLINE),
]
# Staff per unit kind: (role, how many)
STAFF = {
    UnitKind.XINFANG_OFFICE: [(Role.REGISTRAR, 2), (Role.SUPERVISOR, 2), (Role.LEADER, 1)],
    UnitKind.HOTLINE: [(Role.REGISTRAR, 3), (Role.SUPERVISOR, 1), (Role.LEADER, 1)],
    G: [(Role.REGISTRAR, 1), (Role.HANDLER, 2), (Role.LEADER, 1)],
    UnitKind.DEPARTMENT: [(Role.HANDLER, 2), (Role.LEADER, 1)],
    UnitKind.POLITICAL_LEGAL: [(Role.HANDLER, 1), (Role.LEADER, 1)],
    UnitKind.DISCIPLINE: [(Role.HANDLER, 1), (Role.LEADER, 1)],
    UnitKind.MEDIATION: [(Role.MEDIATOR, 1)],
    UnitKind.COMMITTEE: [],
}


@dataclass
class Office:
    """A registering organ (letters-and-visits office or hotline centre)."""

    unit: Unit
    gov: Unit
    registrars: list[int]
    supervisors: list[int]
    weight: float
    # topic code → the units matters of that topic go to
    leads: dict[str, list[Unit]] = field(default_factory=dict)
    towns: list[int] = field(default_factory=list)  # township government ids below


@dataclass
class Deployment:
    province: Unit
    units: dict[int, Unit]
    staff: dict[tuple[int, str], list[int]]  # (unit id, role) → user ids
    offices: list[Office]
    places: dict[int, texts.Place]  # township government id → its places
    county_of: dict[int, str]  # township government id → county short name
    topics: dict[str, Topic]

    def one(self, rng: random.Random, unit_id: int, role: str) -> int | None:
        ids = self.staff.get((unit_id, role))
        return rng.choice(ids) if ids else None

    def organ_up(self, unit: Unit) -> Unit | None:
        """``Unit.organ_one_level_up`` without queries."""
        if unit.kind == G:
            parent = self.units.get(unit.parent_id or 0)
            while parent is not None and parent.kind != G:
                parent = self.units.get(parent.parent_id or 0)
            return parent
        return self.units.get(unit.parent_id or 0)


def _shape(units: int) -> tuple[int, int, int, int]:
    """(cities, counties per city, townships per county, villages per township) whose tree
    has about ``units`` units."""
    per_level = 3 + len(DEPARTMENTS) + len(SPECIAL)
    town, villages = 2, 5
    for counties, towns in ((4, 8), (3, 6), (2, 4), (1, 3)):
        per_city = per_level + counties * (per_level + towns * (town + villages))
        cities = round((units - per_level) / per_city)
        if cities >= 1:
            return cities, counties, towns, villages
    return 1, 1, 2, 2


@transaction.atomic
def build(*, units: int = 1200, seed: int = 1) -> Deployment:
    """Create the tree and staff unless the province already exists; return it loaded."""
    ensure_default_topics()
    if Unit.objects.filter(name=PROVINCE).exists():
        return load()
    rng = random.Random(f"org:{seed}")
    cities, counties, towns, villages = _shape(units)
    next_id = (Unit.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    rows: list[Unit] = []

    def add(
        name: str,
        kind: str,
        level: str,
        parent: Unit | None,
        code: str,
        short: str = "",
        oversees: Unit | None = None,
    ) -> Unit:
        nonlocal next_id
        u = Unit(
            pk=next_id,
            name=name,
            short_name=short[:40],
            kind=kind,
            level=level,
            parent=parent,
            oversees=oversees,
            division_code=code,
            path=(parent.path if parent else "/") + f"{next_id}/",
        )
        next_id += 1
        rows.append(u)
        return u

    def organs(gov: Unit, prefix: str, level: str, code: str, hotline: bool) -> None:
        add(f"{prefix}信访局", UnitKind.XINFANG_OFFICE, level, gov, code, f"{prefix}信访局", gov)
        if hotline:
            add(
                f"{prefix}12345政务服务便民热线中心",
                UnitKind.HOTLINE,
                level,
                gov,
                code,
                f"{prefix}12345",
                gov,
            )
        for _, name, short in DEPARTMENTS:
            add(f"{prefix}{name}", UnitKind.DEPARTMENT, level, gov, code, f"{prefix[-3:]}{short}")
        for _, name, short, kind in SPECIAL:
            party = "中共" + prefix
            add(f"{party}{name}", kind, level, gov, code, f"{prefix[-3:]}{short}")

    province = add(PROVINCE, G, Level.PROVINCE, None, "990000", "江南省政府")
    organs(province, "江南省", Level.PROVINCE, "990000", hotline=False)
    for c in range(cities):
        cname = CITY_WORDS[c % len(CITY_WORDS)] + "州" + ("" if c < 12 else str(c // 12))
        ccode = f"99{c + 1:02d}00"
        city = add(f"{cname}市人民政府", G, Level.CITY, province, ccode, f"{cname}市政府")
        organs(city, f"{cname}市", Level.CITY, ccode, hotline=True)
        for k in range(counties):
            kname = cname[0] + COUNTY_WORDS[k % len(COUNTY_WORDS)] + "县"
            kcode = f"99{c + 1:02d}{k + 21:02d}"
            county = add(f"{kname}人民政府", G, Level.COUNTY, city, kcode, f"{kname}政府")
            organs(county, kname, Level.COUNTY, kcode, hotline=True)
            for t in range(towns):
                tname = kname[:2] + rng.choice(texts.PLACE_WORDS) + rng.choice(("镇", "乡", "街道"))
                tcode = f"{kcode}{100 + t:03d}"
                gov = "办事处" if tname.endswith("街道") else "人民政府"
                town = add(f"{kname}{tname}{gov}", G, Level.TOWNSHIP, county, tcode, tname)
                add(f"{tname}人民调解委员会", UnitKind.MEDIATION, Level.TOWNSHIP, town, tcode)
                for v in range(villages):
                    vname = rng.choice(texts.PLACE_WORDS) + rng.choice(texts.VILLAGE_WORDS)
                    vname += "村" if v % 3 else "社区"
                    committee = "居民委员会" if vname.endswith("社区") else "村民委员会"
                    add(
                        f"{tname}{vname}{committee}",
                        UnitKind.COMMITTEE,
                        Level.VILLAGE,
                        town,
                        f"{tcode}{200 + v:03d}",
                        vname,
                    )
    Unit.objects.bulk_create(rows, batch_size=500)

    password = make_password(PASSWORD)
    next_user = (User.objects.aggregate(m=Max("pk"))["m"] or 0) + 1
    users: list[User] = []
    memberships: list[Membership] = []
    for u in rows:
        for role, n in STAFF.get(u.kind, []):
            for i in range(n):
                name = texts.person(rng)
                users.append(
                    User(
                        pk=next_user,
                        username=f"b{u.pk}{role[:3]}{i + 1}",
                        display_name=name,
                        password=password,
                    )
                )
                memberships.append(Membership(user_id=next_user, unit_id=u.pk, role=role))
                next_user += 1
    admin = User(pk=next_user, username="bench_admin", display_name="系统管理员", password=password)
    admin.is_staff = admin.is_superuser = True
    users.append(admin)
    memberships.append(Membership(user_id=next_user, unit_id=province.pk, role=Role.ADMIN))
    User.objects.bulk_create(users, batch_size=1000)
    Membership.objects.bulk_create(memberships, batch_size=1000)
    return load()


def load() -> Deployment:
    """The existing seeded deployment, read in a handful of queries."""
    province = Unit.objects.get(name=PROVINCE)
    units = {u.pk: u for u in Unit.objects.filter(path__startswith=province.path)}
    staff: dict[tuple[int, str], list[int]] = defaultdict(list)
    for user_id, unit_id, role in (
        Membership.objects.filter(unit_id__in=units)
        .order_by("user_id")
        .values_list("user_id", "unit_id", "role")
    ):
        staff[(unit_id, role)].append(user_id)
    children: dict[int, list[Unit]] = defaultdict(list)
    for u in sorted(units.values(), key=lambda u: u.pk):
        if u.parent_id:
            children[u.parent_id].append(u)
    topics = {t.code: t for t in Topic.objects.all()}
    places: dict[int, texts.Place] = {}
    county_of: dict[int, str] = {}
    for u in units.values():
        if u.kind == G and u.level == Level.TOWNSHIP:
            rng = random.Random(f"place:{u.pk}")
            villages = tuple(c.short_name for c in children[u.pk] if c.kind == UnitKind.COMMITTEE)
            places[u.pk] = texts.place(rng, u.short_name, u.division_code, villages)
            county = units[u.parent_id or 0]
            county_of[u.pk] = county.short_name.removesuffix("政府")
    offices = []
    weights = {Level.PROVINCE: 0.3, Level.CITY: 1.0, Level.COUNTY: 2.0}
    for u in sorted(units.values(), key=lambda u: u.pk):
        if u.kind not in (UnitKind.XINFANG_OFFICE, UnitKind.HOTLINE):
            continue
        gov = units[u.oversees_id or u.parent_id or 0]
        kids = children[gov.pk]
        by_kind = {(c.kind, c.name): c for c in kids}
        depts = {}
        for code, suffix, _ in DEPARTMENTS:
            depts[code] = [c for (k, n), c in by_kind.items() if n.endswith(suffix)]
        for code, _suffix, _, kind in SPECIAL:
            depts[code] = [c for (k, n), c in by_kind.items() if k == kind]
        lower = [c for c in kids if c.kind == G]
        leads: dict[str, list[Unit]] = {}
        for code in topics:
            own = depts.get(code) or []
            if gov.level == Level.COUNTY:
                # Local matters go to the township; sectoral ones to the department.
                pool = own + lower if code in ("ZD", "NC", "QT", "ZJ", "HB") else own or lower
            else:
                pool = own + lower
            leads[code] = pool or lower or own or [gov]
        towns = [t for t in places if units[t].path.startswith(gov.path)]
        offices.append(
            Office(
                unit=u,
                gov=gov,
                registrars=staff.get((u.pk, Role.REGISTRAR), []),
                supervisors=staff.get((u.pk, Role.SUPERVISOR), []),
                weight=weights.get(u.level, 1.0) * (1.3 if u.kind == UnitKind.HOTLINE else 1.0),
                leads=leads,
                towns=towns,
            )
        )
    return Deployment(province, units, dict(staff), offices, places, county_of, topics)
