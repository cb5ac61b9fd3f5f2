"""The demo deployment: a county with its offices, departments and townships under a city
and a province, one user per role, and matters in every state — all made through the real
services.

``build_org()`` is idempotent (it finds what exists); ``generate()`` writes matters with
``register_matter`` and ``transition`` backdated along a per-matter timeline, so every
event, deadline and notice is the one the system itself would have produced;
``reset()`` removes the demo organisation, its users and its matters and nothing else.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.test.utils import override_settings
from django.utils import timezone

from xinfang.audit.models import AccessLog, ChainHead
from xinfang.cases.catalogue import ensure_default_topics
from xinfang.cases.models import Event, Matter, Topic
from xinfang.core.errors import UserError
from xinfang.notices.models import Notice
from xinfang.org.models import Level, Membership, Role, Unit, UnitKind, User
from xinfang.reception.models import Booking, ReceptionDay
from xinfang.reports.models import MonthCount
from xinfang.routing.models import RoutingRule
from xinfang.routing.services import save_rule

from .stories import World, plan, tell
from .texts import TOWNS

PASSWORD = "Xinfang-demo-2026"
# XFGZ Arts. 35, 36: 复查 by the organ one level up, 复核 by the one above that; a matter
# the county government answers itself is reviewed by the city and re-examined by the
# province, so the demo has a province above the city.
PROVINCE = "江东省人民政府"
CITY = "江州市人民政府"
COUNTY = "青山县人民政府"
G, D = UnitKind.GOVERNMENT, UnitKind.DEPARTMENT

# (name, short name, topic code it handles, username prefix of its staff)
DEPARTMENTS = [
    ("青山县住房和城乡建设局", "县住建局", "ZJ", "zj"),
    ("青山县人力资源和社会保障局", "县人社局", "LD", "rs"),
    ("青山县自然资源局", "县自然资源局", "ZD", "zr"),
    ("青山县生态环境局", "县生态环境局", "HB", "hb"),
    ("青山县教育局", "县教育局", "JY", "jy"),
    ("青山县卫生健康委员会", "县卫健委", "YL", "wj"),
    ("青山县交通运输局", "县交通运输局", "JT", "jt"),
    ("青山县农业农村局", "县农业农村局", "NC", "nc"),
    ("青山县市场监督管理局", "县市场监管局", "SC", "sc"),
]
# XFGZ Art. 22 para 2: litigation-related matters to the political-legal organs, reports
# about officials to the discipline and supervision organs.
SPECIAL = [
    ("中共青山县委政法委员会", "县委政法委", UnitKind.POLITICAL_LEGAL, "ZF", "zfw"),
    ("青山县纪委监委", "县纪委监委", UnitKind.DISCIPLINE, "JJ", "jw"),
]
TOWN_PREFIX = {"城关镇": "", "滨江街道": "bj", "东湖镇": "dh", "石桥镇": "sq", "柳林乡": "ll"}
TOWN_PREFIX["清水乡"] = "qs"

# username, display name, unit key, role — the logins printed at the end
MAIN_USERS = [
    ("registrar", "信访局登记员", "office", Role.REGISTRAR),
    ("hotline", "热线话务员", "hotline", Role.REGISTRAR),
    ("supervisor", "信访局督办员", "office", Role.SUPERVISOR),
    ("handler", "城关镇承办人", "城关镇", Role.HANDLER),
    ("leader", "城关镇负责人", "城关镇", Role.LEADER),
    ("zj_handler", "住建局承办人", "ZJ", Role.HANDLER),
    ("zj_leader", "住建局负责人", "ZJ", Role.LEADER),
    ("county_registrar", "县政府复查登记员", "county", Role.REGISTRAR),
    ("county_handler", "县政府复查承办人", "county", Role.HANDLER),
    ("county_leader", "县政府负责人", "county", Role.LEADER),
    ("city_registrar", "市政府登记员", "city", Role.REGISTRAR),
    ("city_handler", "市政府复核承办人", "city", Role.HANDLER),
    ("city_leader", "市政府负责人", "city", Role.LEADER),
    ("city_office", "市信访局登记员", "city_office", Role.REGISTRAR),
    ("province_handler", "省政府复核承办人", "province", Role.HANDLER),
    ("province_leader", "省政府负责人", "province", Role.LEADER),
    ("mediator", "城关镇人民调解员", "mediation", Role.MEDIATOR),
    ("auditor", "审计员", "county", Role.AUDITOR),
    ("admin", "系统管理员", "county", Role.ADMIN),
]
# Second roles of the users above. The city's letters office registers matters raised with
# the city and supervises the matters handled below it, so it can name the matter a repeat
# repeats (XFGZ Art. 19 para 3) among matters it may see.
EXTRA_ROLES = [("city_office", "city_office", Role.SUPERVISOR)]
LEGACY_USERNAME = re.compile(r"^(hd|ld)\d\d$")  # staff accounts of earlier demo versions


@dataclass
class Demo:
    """The demo organisation as built: units and staff the generator acts with."""

    units: dict[str, Unit] = field(default_factory=dict)  # key → unit
    users: dict[str, User] = field(default_factory=dict)  # username → user
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, unit
    other_logins: list[tuple[str, str]] = field(default_factory=list)  # prefix, unit short
    staff: dict[int, tuple[User, User]] = field(default_factory=dict)  # unit → (handler, leader)
    topic_unit: dict[str, Unit] = field(default_factory=dict)  # topic code → competent unit
    towns: dict[str, Unit] = field(default_factory=dict)  # township name → government
    villages: dict[tuple[str, str], Unit] = field(default_factory=dict)  # (town, village)
    registrar_of: dict[int, User] = field(default_factory=dict)  # unit → its registrar


def _unit(
    name: str,
    kind: str,
    level: str,
    parent: Unit | None = None,
    code: str = "",
    short: str = "",
    oversees: Unit | None = None,
) -> Unit:
    u, _ = Unit.objects.get_or_create(
        name=name,
        defaults={
            "kind": kind,
            "level": level,
            "parent": parent,
            "division_code": code,
            "short_name": short,
            "oversees": oversees,
        },
    )
    return u


class DemoPassword:
    """``PASSWORD`` hashed once per build, when the first account is created: every demo
    account has the same published password, and Argon2 is slow by design, so hashing it
    once per account would dominate a small demo's build."""

    def __init__(self) -> None:
        self._hash = ""

    def __call__(self) -> str:
        if not self._hash:
            self._hash = make_password(PASSWORD)
        return self._hash


def _user(username: str, display: str, unit: Unit, role: str, password: DemoPassword) -> User:
    superuser = role == Role.ADMIN
    u, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display, "is_staff": superuser, "is_superuser": superuser},
    )
    if created:
        u.password = password()
        u.save(update_fields=["password"])
    Membership.objects.get_or_create(user=u, unit=unit, role=role)
    return u


def build_org() -> Demo:
    """The demo county, its units and one user per role. Idempotent: finds what exists."""
    ensure_default_topics()
    d = Demo()
    password = DemoPassword()
    province = _unit(PROVINCE, G, Level.PROVINCE, code="360000", short="江东省政府")
    province_office = _unit(
        "江东省信访局", UnitKind.XINFANG_OFFICE, Level.PROVINCE, province, "360000", "省信访局"
    )
    city = _unit(CITY, G, Level.CITY, province, "360400", "江州市政府")
    if city.parent_id != province.pk:  # a demo built before the province existed
        city.parent = province
        city.save(update_fields=["parent"])  # ``save`` moves the subtree's paths too
    city_office = _unit(
        "江州市信访局", UnitKind.XINFANG_OFFICE, Level.CITY, city, "360400", "市信访局"
    )
    county = _unit(COUNTY, G, Level.COUNTY, city, "360421", "青山县政府")
    office = _unit(
        "青山县信访局", UnitKind.XINFANG_OFFICE, Level.COUNTY, county, "360421", "青山县信访局"
    )
    hotline = _unit(
        "青山县12345政务服务便民热线中心",
        UnitKind.HOTLINE,
        Level.COUNTY,
        county,
        "360421",
        "青山12345",
    )
    for supervising, scope in (
        (office, county),
        (hotline, county),
        (city_office, city),
        (province_office, province),
    ):
        if supervising.oversees_id != scope.pk:
            supervising.oversees = scope
            supervising.save(update_fields=["oversees"])
    d.units.update(
        province=province,
        province_office=province_office,
        city=city,
        city_office=city_office,
        county=county,
        office=office,
        hotline=hotline,
    )
    prefixes: dict[int, str] = {}
    for name, short, topic, prefix in DEPARTMENTS:
        dep = _unit(name, D, Level.COUNTY, county, "360421", short)
        d.topic_unit[topic] = d.units[topic] = dep
        prefixes[dep.pk] = prefix
    for name, short, kind, topic, prefix in SPECIAL:
        organ = _unit(name, kind, Level.COUNTY, county, "360421", short)
        d.topic_unit[topic] = d.units[topic] = organ
        prefixes[organ.pk] = prefix
    for town in TOWNS:
        gov = "办事处" if town.name.endswith("街道") else "人民政府"
        unit = _unit(f"青山县{town.name}{gov}", G, Level.TOWNSHIP, county, town.code, town.name)
        d.towns[town.name] = d.units[town.name] = unit
        prefixes[unit.pk] = TOWN_PREFIX[town.name]
        for i, v in enumerate(town.villages):
            committee = "居民委员会" if v.endswith("社区") else "村民委员会"
            d.villages[(town.name, v)] = _unit(
                f"{town.name}{v}{committee}",
                UnitKind.COMMITTEE,
                Level.VILLAGE,
                unit,
                f"{town.code}{200 + i if committee == '村民委员会' else 1 + i:03d}",
                v,
            )
        med = _unit(
            f"{town.name}人民调解委员会",
            UnitKind.MEDIATION,
            Level.TOWNSHIP,
            unit,
            town.code,
            f"{town.name}调委会",
        )
        if town.name == "城关镇":
            d.units["mediation"] = med
    for username, display, key, role in MAIN_USERS:
        unit = d.units[key]
        d.users[username] = _user(username, display, unit, role, password)
        label = "管理员（含 Django 后台）" if role == Role.ADMIN else str(Role(role).label)
        for name, unit_key, extra in EXTRA_ROLES:
            if name == username:
                Membership.objects.get_or_create(
                    user=d.users[name], unit=d.units[unit_key], role=extra
                )
                label += "、" + str(Role(extra).label)
        d.logins.append((username, label, unit.name))
    d.registrar_of = {
        office.pk: d.users["registrar"],
        hotline.pk: d.users["hotline"],
        county.pk: d.users["county_registrar"],
        city.pk: d.users["city_registrar"],
        city_office.pk: d.users["city_office"],
    }
    for unit_id, prefix in prefixes.items():
        if prefix == "":
            d.staff[unit_id] = (d.users["handler"], d.users["leader"])
        elif prefix == "zj":
            d.staff[unit_id] = (d.users["zj_handler"], d.users["zj_leader"])
        else:
            unit = Unit.objects.get(pk=unit_id)
            d.staff[unit_id] = (
                _user(
                    f"{prefix}_handler", f"{unit.short_name}承办人", unit, Role.HANDLER, password
                ),
                _user(f"{prefix}_leader", f"{unit.short_name}负责人", unit, Role.LEADER, password),
            )
            d.other_logins.append((prefix, unit.short_name))
    d.staff[county.pk] = (d.users["county_handler"], d.users["county_leader"])
    d.staff[city.pk] = (d.users["city_handler"], d.users["city_leader"])
    d.staff[province.pk] = (d.users["province_handler"], d.users["province_leader"])
    # The services read memberships on every action; load them once.
    actors = [*d.users.values(), *(u for pair in d.staff.values() for u in pair)]
    prefetch_related_objects(actors, "memberships")
    return d


def demo_usernames() -> set[str]:
    names = {u for u, *_ in MAIN_USERS}
    for prefix in [p for *_, p in DEPARTMENTS] + [p for *_, p in SPECIAL]:
        names |= {f"{prefix}_handler", f"{prefix}_leader"}
    for prefix in TOWN_PREFIX.values():
        if prefix:
            names |= {f"{prefix}_handler", f"{prefix}_leader"}
    return names


def demo_root() -> Unit | None:
    """The top of the demo organisation: the province, or the city of a demo built before
    the province existed."""
    for name in (PROVINCE, CITY):
        root = Unit.objects.filter(name=name, parent__isnull=True).first()
        if root is not None:
            return root
    return None


def demo_matter_count() -> int:
    root = demo_root()
    if root is None:
        return 0
    return Matter.objects.filter(registered_unit__path__startswith=root.path).count()


def generate(
    d: Demo,
    n: int,
    seed: int,
    progress: Callable[[Iterable[int]], Iterable[int]] = lambda x: x,
    *,
    batch: int = 25,
) -> list[str]:
    """Create ``n`` matters (plus their reviews and re-examinations) through the real
    services; returns the original matters' titles in creation order.

    Matters are created in the order they were received, so receipt serials run with
    time; ``batch`` matters share one transaction.
    """

    now = timezone.now()
    specs = plan(random.Random(seed), n, now)
    world = World(d, now)
    titles: list[str] = []
    order = iter(progress(range(n)))

    def chunks() -> Iterator[list[int]]:
        buf: list[int] = []
        for i in order:
            buf.append(i)
            if len(buf) == batch:
                yield buf
                buf = []
        if buf:
            yield buf

    with _silent_notifier():
        for chunk in chunks():
            with transaction.atomic():
                for i in chunk:
                    spec = specs[i]
                    try:
                        m = tell(world, random.Random(f"{seed}/{spec.index}"), spec)
                    except UserError as e:
                        raise RuntimeError(f"demo matter {i} ({spec.plan}): {e}") from e
                    titles.append(m.title)
    add_catalogue(d)  # after the stories, which chose their units themselves
    return titles


def add_catalogue(d: Demo) -> int:
    """A small dispatch catalogue (派单目录, BJ Art. 11) for the demo county: each topic to
    its department county-wide, and housing in 城关镇 to the township with the housing
    bureau assisting. Idempotent; returns how many rules were created."""
    from datetime import date

    county, created = d.units["county"], 0
    start = date(timezone.localdate().year, 1, 1)
    topics = {t.code: t for t in Topic.objects.all()}
    rows: list[tuple[str, Unit, Unit, list[Unit], str]] = [
        (code, county, unit, [], f"《{unit.name}职能配置、内设机构和人员编制规定》")
        for code, unit in d.topic_unit.items()
        if code in topics
    ]
    if "ZJ" in topics and "城关镇" in d.towns:
        rows.append(
            (
                "ZJ",
                d.towns["城关镇"],
                d.towns["城关镇"],
                [d.topic_unit["ZJ"]],
                "属地管理、分级负责（信访工作条例第二十二条）；乡镇人民政府负责辖区物业小区协调",
            )
        )
    for code, area, lead, assisting, basis in rows:
        if RoutingRule.objects.filter(topic=topics[code], area=area, is_active=True).exists():
            continue
        rule = RoutingRule(
            topic=topics[code], area=area, lead=lead, effective_from=start, basis=basis
        )
        save_rule(rule=rule, assisting=assisting, by=None)
        created += 1
    return created


class SilentNotifier:
    """Demo petitioners' phone numbers are invented: never send them anything."""

    def send(self, *, phone: str, text: str) -> None:
        return None


def _silent_notifier() -> override_settings:
    from django.conf import settings

    return override_settings(
        XINFANG={**settings.XINFANG, "NOTIFIER": "xinfang.demo.builder.SilentNotifier"}
    )


class ResetRefused(Exception):
    pass


def reset() -> None:
    """Delete the demo organisation, its users and every matter it holds.

    Refuses (and deletes nothing) when the database holds matters registered outside the
    demo organisation: ``--reset`` is for demo databases only.
    """

    root = demo_root()
    users = User.objects.filter(username__in=demo_usernames())
    legacy = User.objects.filter(username__regex=LEGACY_USERNAME.pattern)
    user_ids = set(users.values_list("pk", flat=True)) | set(legacy.values_list("pk", flat=True))
    with transaction.atomic():
        unit_ids: set[int] = set()
        if root is not None:
            unit_ids = set(Unit.objects.subtree(root).values_list("pk", flat=True))
        matters = Matter.objects.filter(registered_unit_id__in=unit_ids)
        outside = Matter.objects.exclude(registered_unit_id__in=unit_ids)
        if outside.exists():
            raise ResetRefused(
                f"数据库中有 {outside.count()} 件非演示机构登记的事项，拒绝重置"
                " / the database holds matters outside the demo organisation"
            )
        ids = list(matters.values_list("pk", flat=True))
        foreign = AccessLog.objects.exclude(
            Q(matter_id__in=ids)
            | Q(user_id__in=user_ids)
            | Q(user__isnull=True, matter__isnull=True)
        )
        if foreign.exists():
            raise ResetRefused(
                "访问日志中有非演示用户的记录，拒绝重置"
                " / the access log holds entries of users outside the demo"
            )
        # The access log is one hash chain; in a demo database it is all demo, so it goes
        # whole and its head with it.
        AccessLog.objects.all().delete()
        ChainHead.objects.all().delete()
        # Every matter is a demo matter here, so every monthly count is of demo matters.

        MonthCount.objects.all().delete()
        Notice.objects.filter(matter_id__in=ids).delete()
        Event.objects.filter(matter_id__in=ids).delete()
        Matter.objects.filter(pk__in=ids).update(parent=None, repeat_of=None, merged_into=None)
        Matter.objects.filter(pk__in=ids).delete()
        days = ReceptionDay.objects.filter(unit_id__in=unit_ids)
        Booking.objects.filter(reception__in=days).delete()
        days.delete()

        RoutingRule.objects.filter(Q(area_id__in=unit_ids) | Q(lead_id__in=unit_ids)).delete()
        User.objects.filter(pk__in=user_ids).delete()
        Unit.objects.filter(pk__in=unit_ids).update(parent=None, oversees=None)
        Unit.objects.filter(pk__in=unit_ids).delete()


def add_reception_days(d: Demo, today: datetime) -> int:
    """A few published leaders' reception days (XFGZ Art. 18) around today, once."""

    if ReceptionDay.objects.filter(unit=d.units["county"]).exists():
        return 0
    base = timezone.localdate(today)
    rows = [
        ("县长 张建国", "青山县人民政府县长", "county", -14, "征地拆迁、城乡建设"),
        ("副县长 李红梅", "青山县人民政府副县长", "county", 3, "劳动社保、教育、医疗卫生"),
        ("副县长 王志强", "青山县人民政府副县长", "county", 10, "农村农业、环境保护"),
        ("镇长 陈海峰", "城关镇人民政府镇长", "城关镇", 5, "住房城建、物业管理"),
        ("局长 刘明", "青山县住房和城乡建设局局长", "ZJ", 7, "物业、违建、老旧小区改造"),
    ]
    for leader, title, key, offset, topics in rows:
        day = base + timedelta(days=offset)
        while day.weekday() >= 5:
            day += timedelta(days=1)
        ReceptionDay.objects.create(
            leader=leader,
            title=title,
            unit=d.units[key],
            date=day,
            start="09:00",
            end="12:00",
            place="青山县信访局接待大厅" if key == "county" else f"{d.units[key].name}接待室",
            topics=topics,
            capacity=10,
            published=True,
        )
    return len(rows)
