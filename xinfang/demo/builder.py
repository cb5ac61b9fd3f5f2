"""The demo deployment: a county with its offices, departments and townships, one user per
role, and matters in every state — all made through the real services."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.utils import timezone

from xinfang.cases.catalogue import ensure_default_topics
from xinfang.cases.models import Category, Channel, HotlineType, Matter, Topic
from xinfang.cases.services import register_matter
from xinfang.cases.workflow import transition
from xinfang.org.models import Level, Membership, Role, Unit, UnitKind, User

from .texts import matter_text, person, phone

PASSWORD = "Xinfang-demo-2026"
G, D = UnitKind.GOVERNMENT, UnitKind.DEPARTMENT
DEPARTMENTS = [
    ("青山县住房和城乡建设局", "县住建局", "ZJ"),
    ("青山县人力资源和社会保障局", "县人社局", "LD"),
    ("青山县自然资源局", "县自然资源局", "ZD"),
    ("青山县生态环境局", "县生态环境局", "HB"),
    ("青山县教育局", "县教育局", "JY"),
    ("青山县卫生健康委员会", "县卫健委", "YL"),
    ("青山县交通运输局", "县交通局", "JT"),
    ("青山县农业农村局", "县农业农村局", "NC"),
    ("青山县市场监督管理局", "县市场监管局", "SC"),
]
TOWNS = [
    ("城关镇", "360421100", ["桃园村", "东升社区"]),
    ("东湖镇", "360421101", ["河口村", "新民村"]),
    ("石桥镇", "360421102", ["石桥村", "南塘村"]),
    ("柳林乡", "360421200", ["柳林村", "马鞍山村"]),
    ("滨江街道", "360421001", ["白杨社区", "红旗社区"]),
    ("清水乡", "360421201", ["清水湾社区", "李家湾村"]),
]


@dataclass
class Demo:
    units: dict[str, Unit] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    logins: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, unit
    handlers: dict[int, tuple[User, User]] = field(default_factory=dict)  # unit → (hd, ld)
    targets: list[Unit] = field(default_factory=list)  # units matters are sent to
    topic_unit: dict[str, Unit] = field(default_factory=dict)


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


def _user(username: str, display: str, *roles: tuple[Unit, str], superuser: bool = False) -> User:
    u, created = User.objects.get_or_create(
        username=username,
        defaults={"display_name": display, "is_staff": superuser, "is_superuser": superuser},
    )
    if created:
        u.set_password(PASSWORD)
        u.save(update_fields=["password"])
    for unit, role in roles:
        Membership.objects.get_or_create(user=u, unit=unit, role=role)
    return u


def build_org() -> Demo:
    """Idempotent: running it again finds what exists."""
    ensure_default_topics()
    d = Demo()
    R = Role
    city = _unit("江州市人民政府", G, Level.CITY, code="360400", short="江州市政府")
    county = _unit("青山县人民政府", G, Level.COUNTY, city, "360421", "青山县政府")
    office = _unit(
        "青山县信访局",
        UnitKind.XINFANG_OFFICE,
        Level.COUNTY,
        county,
        "360421",
        "青山县信访局",
        oversees=county,
    )
    hotline = _unit(
        "青山县12345政务服务便民热线中心",
        UnitKind.HOTLINE,
        Level.COUNTY,
        county,
        "360421",
        "青山12345",
        oversees=county,
    )
    _unit(
        "中共青山县委政法委员会", UnitKind.POLITICAL_LEGAL, Level.COUNTY, county, short="县委政法委"
    )
    _unit("青山县纪委监委", UnitKind.DISCIPLINE, Level.COUNTY, county, short="县纪委监委")
    d.units.update(city=city, county=county, office=office, hotline=hotline)
    for name, short, topic in DEPARTMENTS:
        dep = _unit(name, D, Level.COUNTY, county, short=short)
        d.targets.append(dep)
        d.topic_unit[topic] = dep
    for name, code, villages in TOWNS:
        gov = "人民政府" if not name.endswith("街道") else "办事处"
        town = _unit(f"青山县{name}{gov}", G, Level.TOWNSHIP, county, code, name)
        d.targets.append(town)
        d.units[name] = town
        for v in villages:
            _unit(
                f"{name}{v}{'居民委员会' if v.endswith('社区') else '村民委员会'}",
                UnitKind.COMMITTEE,
                Level.VILLAGE,
                town,
                short=v,
            )
        _unit(
            f"{name}人民调解委员会", UnitKind.MEDIATION, Level.TOWNSHIP, town, short=f"{name}调委会"
        )
    town = d.units["城关镇"]
    zj = d.topic_unit["ZJ"]
    main = [
        ("registrar", "信访局登记员", office, R.REGISTRAR),
        ("hotline", "热线话务员", hotline, R.REGISTRAR),
        ("supervisor", "信访局督办员", office, R.SUPERVISOR),
        ("handler", "城关镇承办人", town, R.HANDLER),
        ("leader", "城关镇负责人", town, R.LEADER),
        ("zj_handler", "住建局承办人", zj, R.HANDLER),
        ("zj_leader", "住建局负责人", zj, R.LEADER),
        ("county_registrar", "县政府复查登记员", county, R.REGISTRAR),
        ("county_handler", "县政府复查承办人", county, R.HANDLER),
        ("county_leader", "县政府负责人", county, R.LEADER),
        ("city_registrar", "市政府复核登记员", city, R.REGISTRAR),
        ("city_handler", "市政府复核承办人", city, R.HANDLER),
        ("city_leader", "市政府负责人", city, R.LEADER),
        ("mediator", "城关镇人民调解员", Unit.objects.get(name="城关镇人民调解委员会"), R.MEDIATOR),
        ("auditor", "审计员", county, R.AUDITOR),
    ]
    for username, display, unit, role in main:
        d.users[username] = _user(username, display, (unit, role))
        d.logins.append((username, str(Role(role).label), unit.name))
    d.users["admin"] = _user("admin", "系统管理员", (county, R.ADMIN), superuser=True)
    d.logins.append(("admin", "管理员（含 Django 后台）", county.name))
    for i, unit in enumerate(d.targets):
        if unit == town:
            d.handlers[unit.pk] = (d.users["handler"], d.users["leader"])
        elif unit == zj:
            d.handlers[unit.pk] = (d.users["zj_handler"], d.users["zj_leader"])
        else:
            d.handlers[unit.pk] = (
                _user(f"hd{i:02d}", f"{unit.short_name}承办人", (unit, R.HANDLER)),
                _user(f"ld{i:02d}", f"{unit.short_name}负责人", (unit, R.LEADER)),
            )
    return d


# The end states the demo produces, with weights and how many days ago they were received.
PLANS: list[tuple[str, int, tuple[int, int]]] = [
    ("registered", 4, (0, 6)),
    ("dispatched", 5, (1, 10)),
    ("objected", 2, (1, 10)),
    ("handling", 22, (5, 95)),
    ("opinion_pending", 4, (20, 80)),
    ("answered", 12, (30, 120)),
    ("concluded", 25, (60, 365)),
    ("review", 5, (120, 365)),
    ("reexam", 3, (150, 365)),
    ("redirected", 4, (1, 365)),
    ("not_accepted", 2, (1, 365)),
    ("transferred", 1, (1, 365)),
    ("on_spot", 8, (0, 365)),
]


class Timeline:
    """Hands out strictly increasing action times between ``start`` and now."""

    def __init__(self, rng: random.Random, start: datetime, now: datetime) -> None:
        self.rng, self.t, self.now = rng, start, now

    def next(self, days: float) -> datetime:
        step = timedelta(days=days * (0.5 + self.rng.random()), minutes=self.rng.randrange(5, 90))
        self.t = min(self.t + step, self.now - timedelta(minutes=1))
        self.t = max(self.t, self.t)  # never goes back
        return self.t


def _opinion(rng: random.Random, m: Matter) -> dict[str, str]:
    decision = rng.choices(("support", "explain", "reject"), (4, 4, 2))[0]
    return {
        "decision": decision,
        "request": m.content[:200],
        "facts": "经调查核实，" + (m.facts[:120] or m.content[:80]) + "情况基本属实。",
        "reasons": {
            "support": "信访人诉求合理，有关单位应当依法予以解决。",
            "explain": "信访人反映的问题已有明确政策规定，现将有关政策向信访人解释说明。",
            "reject": "信访人诉求缺乏事实和法律依据。",
        }[decision],
        "basis": "《信访工作条例》第三十二条及相关法律法规",
    }


def make_matter(d: Demo, rng: random.Random, now: datetime, earlier: list[str]) -> Matter:
    plan = rng.choices([p for p, _, _ in PLANS], [w for _, w, _ in PLANS])[0]
    lo, hi = next(r for p, _, r in PLANS if p == plan)
    received = now - timedelta(days=rng.uniform(lo, hi), hours=rng.uniform(0, 8))
    topics = list(Topic.objects.order_by("order"))
    topic = rng.choice(topics)
    title, content, facts = matter_text(rng, topic.code)
    hotline = plan == "on_spot" or rng.random() < 0.25
    registrar = d.users["hotline" if hotline else "registrar"]
    unit = d.units["hotline" if hotline else "office"]
    collective = not hotline and rng.random() < 0.06
    people = [
        {
            "name": person(rng),
            "phone": phone(rng),
            "address": f"青山县{rng.choice(TOWNS)[0]}{rng.randrange(1, 200)}号",
            "is_representative": collective,
        }
        for _ in range(rng.randint(2, 5) if collective else 1)
    ]
    channel = (
        Channel.PHONE
        if hotline
        else rng.choices(
            [Channel.LETTER, Channel.VISIT, Channel.ONLINE, Channel.FAX], (3, 3, 4, 1)
        )[0]
    )
    category = (
        Category.SUGGESTION
        if topic.code == "QT"
        else rng.choices([Category.CLAIM, Category.SUGGESTION, Category.REPORT], (8, 2, 1))[0]
    )
    if plan == "on_spot":
        title, content, facts = matter_text(rng, "QT")
    tl = Timeline(rng, received, now)
    at = tl.next(0.05)
    area = rng.choice([t for t in d.targets if t.kind == G])
    m, _ = register_matter(
        by=registrar,
        unit=unit,
        channel=channel,
        category=category,
        title=title,
        content=content,
        facts=facts,
        received_at=received,
        petitioners=people,
        topic=topic,
        area=area,
        hotline_type=(HotlineType.CONSULT if plan == "on_spot" else rng.choice(HotlineType.values))
        if hotline
        else "",
        is_collective=collective,
        headcount=len(people) + rng.randrange(5, 60) if collective else 1,
        at=at,
    )
    earlier.append(m.receipt_no)

    def act(action: str, user: User, days: float, **kw: Any) -> None:
        nonlocal m
        m = transition(m, action, actor=user, at=tl.next(days), **kw)

    if plan == "registered":
        return m
    if plan == "on_spot":
        act("answer_on_spot", registrar, 0.01, reason="已当场告知办理流程和所需材料。")
        return m
    if plan == "redirected":
        act(
            "redirect",
            registrar,
            2,
            reason="该事项属于民事纠纷，应通过诉讼途径解决。",
            data={"channel": "litigation", "organ": "青山县人民法院"},
        )
        return m
    if plan == "not_accepted" and len(earlier) > 1:
        act(
            "not_accept",
            registrar,
            1,
            reason="同一事项正在原办理机关办理期限内。",
            data={"ground": "art19", "existing": rng.choice(earlier[:-1])},
        )
        return m
    if plan == "transferred":
        act(
            "emergency_transfer",
            registrar,
            0.01,
            reason="来电反映有人被困，已转120。",
            data={"line": "120"},
        )
        return m
    target = d.topic_unit.get(topic.code) if rng.random() < 0.5 else None
    target = target or area
    hd, ld = d.handlers[target.pk]
    if rng.random() < 0.15:
        act(
            "assign",
            registrar,
            2,
            data={
                "unit": target.pk,
                "due_on": (
                    timezone.localdate(tl.t) + timedelta(days=rng.choice((20, 30, 45)))
                ).isoformat(),
            },
        )
    else:
        act("forward", registrar, 3, data={"unit": target.pk})
    if plan == "dispatched":
        return m
    if plan == "objected":
        act("object", hd, 0.5, reason="该事项不属于本单位职责范围。")
        return m
    act("accept", hd, 1)
    if rng.random() < 0.7:
        act(
            "contact",
            hd,
            2,
            data={
                "method": rng.choice(("phone", "visit", "meeting")),
                "summary": "已与信访人联系，了解具体诉求，约定现场核查。",
            },
        )
    if plan == "handling":
        r = rng.random()
        if r < 0.1:
            act(
                "pause",
                hd,
                5,
                reason="等待信访人补充相关证明材料。",
                data={"reason_kind": "material"},
            )
        elif r < 0.25:
            act(
                "request_extension",
                hd,
                20,
                reason="需委托第三方鉴定，情况复杂。",
                data={"days": 30},
            )
            if rng.random() < 0.7:
                act("approve_extension", ld, 1)
        elif r < 0.35:
            act(
                "appoint_leader",
                ld,
                2,
                data={
                    "leader": ld.pk,
                    "plan": "成立工作专班，两周内入户核实并提出化解方案。",
                    "team": "镇村干部、法律顾问",
                    "due_on": (timezone.localdate(tl.t) + timedelta(days=30)).isoformat(),
                },
            )
        return m
    act("submit_opinion", hd, 15, data=_opinion(rng, m))
    if plan == "opinion_pending":
        return m
    act("approve_opinion", ld, 2)
    if plan == "answered":
        return m
    if plan == "concluded":
        if m.decision == "support" and rng.random() < 0.5:
            act("record_execution", hd, 5, data={"summary": "已督促有关单位落实到位。"})
        act("conclude", hd, 3)
        if rng.random() < 0.6:
            rating = rng.choices(("satisfied", "basic", "unsatisfied"), (6, 3, 1))[0]
            act("rate", registrar, 2, data={"rating": rating})
        return m
    # 复查 and perhaps 复核
    act("request_review", registrar, 10)
    review = m.followups.get()
    r_hd, r_ld = d.users["county_handler"], d.users["county_leader"]
    review = transition(
        review, "submit_opinion", actor=r_hd, at=tl.next(15), data=_opinion(rng, review)
    )
    review = transition(review, "approve_opinion", actor=r_ld, at=tl.next(2))
    if plan == "reexam":
        review = transition(
            review, "request_reexam", actor=d.users["county_registrar"], at=tl.next(10)
        )
        reexam = review.followups.get()
        reexam = transition(
            reexam,
            "submit_opinion",
            actor=d.users["city_handler"],
            at=tl.next(15),
            data=_opinion(rng, reexam),
        )
        transition(reexam, "approve_opinion", actor=d.users["city_leader"], at=tl.next(2))
    return m


def generate(
    d: Demo, n: int, seed: int, progress: Callable[[Iterable[int]], Iterable[int]] = lambda x: x
) -> list[str]:
    """Create ``n`` matters; returns their titles in creation order."""
    rng = random.Random(seed)
    now = timezone.now()
    earlier: list[str] = []
    titles = []
    for _ in progress(range(n)):
        with transaction.atomic():
            titles.append(make_matter(d, rng, now, earlier).title)
    return titles


def reset() -> None:
    """Delete every matter and the demo organisation (for demo databases only)."""
    from xinfang.cases.models import Attachment, Event, MatterUnit, Petitioner, ReceiptCounter
    from xinfang.notices.models import Notice

    with transaction.atomic():
        Notice.objects.all().delete()
        Event.objects.all().delete()
        MatterUnit.objects.all().delete()
        Attachment.objects.all().delete()
        Petitioner.objects.all().delete()
        Matter.objects.update(parent=None, repeat_of=None)
        Matter.objects.all().delete()
        ReceiptCounter.objects.all().delete()
        Membership.objects.all().delete()
        User.objects.filter(is_superuser=False).delete()
        User.objects.filter(username="admin").delete()
        Unit.objects.update(parent=None, oversees=None)
        Unit.objects.all().delete()
