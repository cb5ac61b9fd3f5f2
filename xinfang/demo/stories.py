"""One demo matter's life, told through the real services.

``plan()`` decides, from the seed alone, what becomes of each matter and when it arrived;
``tell()`` registers it and walks it through ``transition`` along a timeline whose every
step is later than the one before and earlier than now. The first matters cover every
plan, so even a small demo shows every state.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from xinfang.actions.registration import register_matter
from xinfang.actions.workflow import transition
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Category, Channel, HotlineType, Kind, Matter, Status, Topic
from xinfang.core.errors import UserError
from xinfang.deadlines.calendar import Calendar, load_calendar
from xinfang.org.models import Unit, User

from . import texts
from .texts import TOWNS, Town

if TYPE_CHECKING:  # the builder runs the stories
    from .builder import Demo

# plan → (weight, {variant: (received between … days ago)})
PLANS: dict[str, tuple[float, dict[str, tuple[float, float]]]] = {
    "registered": (3.5, {"plain": (0, 4), "receipt": (0, 6), "routing_due": (11, 13.5)}),
    "dispatched": (4, {"forward": (1, 9), "assign": (1, 9), "designated": (3, 12)}),
    "objected": (1.5, {"plain": (1, 6)}),
    "handling": (
        17,
        {
            "plain": (5, 55),
            "assisting": (5, 50),
            "paused": (10, 55),
            "resumed": (15, 55),
            "ext_requested": (40, 60),
            "ext_approved": (45, 80),
            "ext_rejected": (40, 58),
            "lead_leader": (10, 55),
            "hearing": (20, 55),
            "mediation_failed": (15, 55),
            "reassigned": (10, 50),
        },
    ),
    "due_soon": (2.5, {"forward": (0, 0), "assign": (0, 0)}),
    "overdue": (
        4,
        {
            "plain": (70, 150),
            "supervised": (75, 150),
            "supervision_open": (68, 100),
            "assigned": (40, 90),
        },
    ),
    "opinion_pending": (4, {"plain": (20, 60), "returned": (30, 70)}),
    "answered": (
        7,
        {"support": (25, 60), "explain": (25, 60), "reject": (25, 60), "executing": (30, 60)},
    ),
    "concluded": (
        27,
        {
            "plain": (45, 365),
            "rated": (45, 365),
            "mediated": (45, 365),
            "assigned": (45, 365),
            "hearing": (60, 365),
        },
    ),
    "review": (4.5, {"open": (45, 70), "answered": (80, 365), "concluded": (90, 365)}),
    "reexam": (2.5, {"open": (65, 90), "done": (130, 365), "hearing": (130, 365)}),
    "reexam_top": (0.5, {"province": (200, 365)}),
    "redirected": (4.5, {"at_intake": (1, 365), "during_handling": (10, 365)}),
    "not_accepted": (2, {"art19": (1, 330), "art36": (1, 200)}),
    "transferred": (1.5, {"plain": (0, 365)}),
    "on_spot": (9, {"plain": (0, 365)}),
    "merged": (1.5, {"plain": (0, 20)}),
    "linked": (1, {"plain": (0, 20)}),
}
TOPIC_WEIGHTS = {
    "LD": 12,
    "ZD": 8,
    "ZJ": 16,
    "YL": 6,
    "JY": 7,
    "HB": 9,
    "NC": 9,
    "JT": 7,
    "ZF": 6,
    "JJ": 5,
    "SC": 8,
    "QT": 7,
}
TOWN_WEIGHTS = (30, 22, 14, 13, 10, 11)  # in the order of texts.TOWNS: urban first
COLLECTIVE_TOPICS = {"LD", "ZD", "ZJ", "HB", "NC"}
HOTLINE_CATEGORY = {
    HotlineType.COMPLAINT: Category.CLAIM,
    HotlineType.HELP: Category.CLAIM,
    HotlineType.TIPOFF: Category.REPORT,
    HotlineType.PROPOSAL: Category.SUGGESTION,
    HotlineType.CONSULT: Category.SUGGESTION,
}
EMERGENCY_TOPIC = {"110": "ZF", "119": "QT", "120": "YL", "122": "JT"}
BASIS = {
    "LD": "《保障农民工工资支付条例》《劳动保障监察条例》",
    "ZD": "《中华人民共和国土地管理法》《国有土地上房屋征收与补偿条例》",
    "ZJ": "《物业管理条例》《中华人民共和国城乡规划法》",
    "YL": "《医疗纠纷预防和处理条例》《医疗保障基金使用监督管理条例》",
    "JY": "《中华人民共和国义务教育法》",
    "HB": "《中华人民共和国噪声污染防治法》《中华人民共和国水污染防治法》",
    "NC": "《社会救助暂行办法》《中华人民共和国农村土地承包法》",
    "JT": "《公路安全保护条例》",
    "ZF": "《中华人民共和国治安管理处罚法》",
    "JJ": "《中国共产党纪律处分条例》",
    "SC": "《中华人民共和国消费者权益保护法》《中华人民共和国食品安全法》",
    "QT": "有关政策规定",
}
# XFGZ Art. 31: where a matter that belongs to another statutory channel is sent.
REDIRECTS = {
    "LD": ("arbitration", "青山县劳动人事争议仲裁委员会", "该事项属于劳动争议，应依法申请劳动仲裁"),
    "ZF": ("litigation", "青山县人民法院", "该事项属于民事纠纷，应通过诉讼途径解决"),
    "ZD": ("reconsideration", "江州市人民政府", "该事项系对征收补偿决定不服，可依法申请行政复议"),
    "JJ": ("party", "中共青山县委组织部", "该事项属于党员申诉，应按党内程序提出"),
    "SC": ("licensing", "青山县市场监督管理局", "该事项应通过行政处罚程序依法处理"),
    "YL": ("other", "青山县医疗纠纷人民调解委员会", "该事项属于医疗纠纷，可申请医疗纠纷人民调解"),
}
DEFAULT_REDIRECT = ("litigation", "青山县人民法院", "该事项属于民事权益争议，应通过诉讼途径解决")
OPEN = (Status.DISPATCHED, Status.HANDLING, Status.OPINION_PENDING)


@dataclass(frozen=True)
class Spec:
    index: int  # the draw order: seeds the matter's own random stream
    plan: str
    variant: str
    received: datetime
    target: date | None = None  # due_soon: the day the handling period ends
    start: date | None = None  # due_soon: the day it is accepted (forward) or assigned


@dataclass(frozen=True)
class Prior:
    """An earlier matter someone may raise again (XFGZ Art. 19 para 3, Art. 36 para 3)."""

    receipt_no: str
    at: datetime  # from when a repeat is possible
    title: str
    content: str
    facts: str
    category: str
    topic: Topic | None
    area: Unit | None
    people: list[dict[str, Any]]
    organ: str
    unit: Unit  # the registering organ, whose registrar sees the matter


@dataclass
class World:
    d: Demo
    now: datetime
    topics: dict[str, Topic] = field(default_factory=dict)
    open: list[Prior] = field(default_factory=list)
    final: list[Prior] = field(default_factory=list)
    cal: Calendar = field(default_factory=Calendar)

    def __post_init__(self) -> None:
        self.topics = {t.code: t for t in Topic.objects.all()}
        self.cal = load_calendar()


def plan(rng: random.Random, n: int, now: datetime) -> list[Spec]:
    """What becomes of each of ``n`` matters, ordered by when it was received."""
    names = list(PLANS)
    weights = [PLANS[p][0] for p in names]
    chosen = names[:n] + rng.choices(names, weights, k=max(0, n - len(names)))
    cal = load_calendar()
    today = timezone.localdate(now)
    tz = timezone.get_current_timezone()
    soon = [
        today + timedelta(days=k)
        for k in (1, 2, 3)
        if cal.is_working_day(today + timedelta(days=k))
    ]
    soon = soon or [today]
    specs = []
    for i, p in enumerate(chosen):
        variants = PLANS[p][1]
        v = rng.choice(list(variants))
        if i < len(names) and p == "not_accepted":
            # the forced one: a repeat after a final 复核, so the demo shows one
            # (XFGZ Art. 36 para 3; the earlier chains are older than it)
            v = "art36"
        target = start = None
        if p == "due_soon":
            target = rng.choice(soon)
            # XFGZ Art. 34: 60 days from acceptance; an assignment fixes its own date.
            start = target - timedelta(days=60 if v == "forward" else rng.randint(12, 30))
            received = datetime.combine(start, time(10), tz) - timedelta(days=rng.uniform(2, 6))
        else:
            lo, hi = variants[v]
            if i < len(names) and p == "not_accepted":
                lo, hi = 1, 20  # the forced one needs earlier matters to repeat
            received = now - timedelta(days=rng.uniform(lo, hi), minutes=rng.randrange(5, 600))
        specs.append(Spec(i, p, v, received, target, start))
    specs.sort(key=lambda s: (s.received, s.index))
    return specs


class Timeline:
    """Strictly increasing action times from ``start``, always before ``now``.

    Staff act in office hours on working days (``office``); the hotline's intake runs
    round the clock. Near ``now`` the rest of a story is squeezed into the time left.
    """

    def __init__(self, rng: random.Random, start: datetime, now: datetime, cal: Calendar) -> None:
        self.rng, self.t, self.limit, self.cal = rng, start, now - timedelta(minutes=2), cal
        self.office = True

    def next(self, days: float, *, office: bool | None = None) -> datetime:
        step = timedelta(days=days * (0.5 + self.rng.random()), minutes=self.rng.randrange(3, 90))
        t = self.t + step
        if self.office if office is None else office:
            t = self._office_hours(t)
        return self._to(t)

    def on(self, day: date) -> datetime:
        """Office hours on ``day`` (or just after the current time if that is later)."""
        tz = timezone.get_current_timezone()
        at = datetime.combine(day, time(8, 30), tz) + timedelta(minutes=self.rng.randrange(0, 420))
        return self._to(max(at, self.t + timedelta(minutes=self.rng.randrange(3, 30))))

    def _office_hours(self, t: datetime) -> datetime:
        tz = timezone.get_current_timezone()
        local = timezone.localtime(t)
        day = local.date()
        if local.time() < time(8, 30) and self.cal.is_working_day(day):
            return datetime.combine(day, time(8, 30), tz) + self._minutes(150)
        if local.time() < time(17, 30) and self.cal.is_working_day(day):
            return t
        day += timedelta(days=1)
        while not self.cal.is_working_day(day):
            day += timedelta(days=1)
        return datetime.combine(day, time(8, 30), tz) + self._minutes(240)

    def _minutes(self, most: int) -> timedelta:
        return timedelta(minutes=self.rng.randrange(0, most))

    def _to(self, t: datetime) -> datetime:
        if t >= self.limit:
            t = self.t + (self.limit - self.t) * self.rng.uniform(0.1, 0.4)
        self.t = t
        return t


class Story:
    def __init__(self, w: World, rng: random.Random, spec: Spec) -> None:
        self.w, self.d, self.rng, self.spec = w, w.d, rng, spec
        self.tl = Timeline(rng, spec.received, w.now, w.cal)
        # A matter due within days is placed on exact calendar days: no office-hour shifts.
        self.tl.office = spec.plan != "due_soon"
        self.m: Matter
        self.town: Town = TOWNS[0]
        self.topic = "QT"
        self.people: list[dict[str, Any]] = []

    # --- helpers ------------------------------------------------------------------

    def act(
        self,
        action: str,
        user: User | None,
        days: float,
        *,
        on: Matter | None = None,
        at: datetime | None = None,
        **kw: Any,
    ) -> Matter:
        m = transition(on or self.m, action, actor=user, at=at or self.tl.next(days), **kw)
        if on is None or on.pk == self.m.pk:
            self.m = m
        return m

    def registrar(self, m: Matter | None = None) -> User:
        return self.d.registrar_of[(m or self.m).registered_unit_id]

    def staff(self, m: Matter | None = None) -> tuple[User, User]:
        m = m or self.m
        assert m.lead_unit_id is not None
        return self.d.staff[m.lead_unit_id]

    def person_list(self, n: int, *, representatives: bool) -> list[dict[str, Any]]:
        rng = self.rng
        return [
            {
                "name": texts.person(rng),
                "phone": texts.phone(rng),
                "address": texts.address(rng, self.town) if rng.random() < 0.85 else "",
                "is_representative": representatives,
            }
            for _ in range(n)
        ]

    # --- intake -------------------------------------------------------------------

    def register(
        self,
        *,
        hotline: bool,
        topic: str | None = None,
        category: str | None = None,
        title: str = "",
        content: str = "",
        facts: str = "",
        hotline_type: str = "",
        collective: bool | None = None,
        unit: Unit | None = None,
        people: list[dict[str, Any]] | None = None,
        town: Town | None = None,
        area: Unit | None = None,
    ) -> Matter:
        rng, d = self.rng, self.d
        self.town = town or rng.choices(TOWNS, TOWN_WEIGHTS)[0]
        self.topic = topic or rng.choices(list(TOPIC_WEIGHTS), list(TOPIC_WEIGHTS.values()))[0]
        accused: Unit | None = None
        if not title:
            text = texts.matter_text(rng, self.topic, self.town)
            title, content, facts = text.title, text.content, text.facts
            if text.accused == "village":
                accused = d.villages[(self.town.name, text.village)]
            elif text.accused == "town":
                accused = d.towns[self.town.name]
        if hotline:
            unit = d.units["hotline"]
            hotline_type = (
                hotline_type
                or rng.choices(
                    [
                        HotlineType.COMPLAINT,
                        HotlineType.HELP,
                        HotlineType.TIPOFF,
                        HotlineType.PROPOSAL,
                        HotlineType.CONSULT,
                    ],
                    (45, 25, 10, 10, 10),
                )[0]
            )
            category = category or HOTLINE_CATEGORY[HotlineType(hotline_type)]
            channel = rng.choices([Channel.PHONE, Channel.ONLINE], (8, 2))[0]
            collective = False
        else:
            unit = unit or d.units["office"]
            if category is None:
                category = (
                    Category.REPORT
                    if self.topic == "JJ"
                    else Category.SUGGESTION
                    if self.topic == "QT"
                    else rng.choices(
                        [Category.CLAIM, Category.SUGGESTION, Category.REPORT], (80, 8, 12)
                    )[0]
                )
            if collective is None:
                collective = (
                    category != Category.REPORT
                    and self.topic in COLLECTIVE_TOPICS
                    and rng.random() < 0.12
                )
            channel = (
                Channel.VISIT
                if collective
                else rng.choices(
                    [Channel.LETTER, Channel.VISIT, Channel.ONLINE, Channel.FAX, Channel.PHONE],
                    (25, 30, 35, 3, 7),
                )[0]
            )
        if category != Category.REPORT:
            accused = None
        anonymous = category == Category.REPORT and people is None and rng.random() < 0.3
        collective = bool(collective) and not anonymous
        headcount = 1
        if people is None:
            if anonymous:
                people = []
            elif collective:
                # XFGZ Art. 20: a group elects at most 5 representatives.
                people = self.person_list(rng.randint(1, 5), representatives=True)
                people += self.person_list(rng.randint(0, 2), representatives=False)
                headcount = len(people) + rng.randint(5, 80)
            else:
                people = self.person_list(1, representatives=False)
                if hotline and rng.random() < 0.5:
                    people[0]["address"] = ""
        elif collective:
            headcount = len(people) + rng.randint(5, 60)
        self.people = people
        registrar = d.registrar_of[unit.pk]
        m, _secret = register_matter(
            by=registrar,
            unit=unit,
            channel=channel,
            category=category,
            title=title,
            content=content,
            facts=facts,
            received_at=self.spec.received,
            petitioners=people,
            topic=self.w.topics.get(self.topic),
            area=area or d.towns[self.town.name],
            hotline_type=hotline_type,
            is_collective=bool(collective),
            headcount=headcount,
            anonymous=anonymous,
            accused_unit=accused,
            at=self.tl.next(
                0.02 if hotline or channel != Channel.LETTER else 0.6,
                office=not hotline and self.tl.office,
            ),
        )
        self.m = m
        if category == Category.REPORT and accused is None:
            # XFGZ Art. 30: whom a report accuses is recorded before it is routed; these
            # accuse a company or a person, no unit of the deployment.
            at = self.tl.next(0.02, office=not hotline and self.tl.office)
            self.act("record_accused", registrar, 0, at=at, data={"none": True})
        return self.m

    # --- routing and handling -----------------------------------------------------

    def competent(self) -> Unit:
        d, m = self.d, self.m
        if self.topic in ("ZF", "JJ") or m.accused_unit_id is not None:
            return d.topic_unit["ZF" if self.topic == "ZF" else "JJ"]
        if self.topic == "QT" or self.rng.random() < 0.45:
            return d.towns[self.town.name]
        return d.topic_unit[self.topic]

    def wrong_unit(self, right: Unit) -> Unit:
        choices = [
            u
            for u in (*self.d.towns.values(), *(self.d.topic_unit[t] for t in BASIS if t != "QT"))
            if u.pk not in (right.pk, self.m.accused_unit_id)
            and u.kind not in ("discipline", "political_legal")
        ]
        return self.rng.choice(choices)

    def dispatch(
        self,
        unit: Unit | None = None,
        *,
        assign: bool = False,
        assisting: bool = False,
        due_in: tuple[int, int] = (20, 45),
        at: datetime | None = None,
    ) -> Matter:
        unit = unit or self.competent()
        data: dict[str, Any] = {"unit": unit.pk}
        if assisting:
            data["assisting"] = [self.wrong_unit(unit).pk]
        at = at or self.tl.next(2)
        if assign:
            data["due_on"] = (
                timezone.localdate(at) + timedelta(days=self.rng.randint(*due_in))
            ).isoformat()
        return self.act("assign" if assign else "forward", self.registrar(), 0, at=at, data=data)

    def accept(self, days: float = 1.5, at: datetime | None = None) -> Matter:
        return self.act("accept", self.staff()[0], days, at=at)

    def object_(self) -> Matter:
        right = self.competent()
        return self.act(
            "object",
            self.staff()[0],
            0.6,
            reason=f"经研究，该事项属于{right.short_name or right.name}职责范围，不属于本单位职责，"
            "请予收回另行转送（信访工作条例第二十三条第三款）。",
        )

    def contact(self, m: Matter | None = None) -> Matter:
        m = m or self.m
        handler = self.staff(m)[0]
        method = self.rng.choice(("phone", "phone", "visit", "meeting", "sms"))
        summary = self.rng.choice(
            (
                "已电话联系信访人，了解具体诉求，约定现场核查时间。",
                "已上门走访信访人，查看现场并听取意见，信访人对办理程序表示理解。",
                "已约见信访人当面沟通，告知调查进展和下一步工作安排。",
                "已与信访人取得联系，信访人补充说明了有关情况。",
            )
        )
        return self.act("contact", handler, 2, on=m, data={"method": method, "summary": summary})

    def hearing(self, m: Matter | None = None) -> Matter:
        m = m or self.m
        at = self.tl.next(6)
        place = self.rng.choice(("青山县信访局听证室", f"青山县{self.town.name}便民服务中心会议室"))
        return self.act(
            "record_hearing",
            self.staff(m)[0],
            0,
            on=m,
            at=at,
            data={
                "held_on": timezone.localdate(at).isoformat(),
                "place": place,
                "summary": "邀请人大代表、政协委员、法律顾问和群众代表参加听证，信访人陈述了诉求，"
                "承办单位说明了调查情况，听证员发表了意见。",
            },
        )

    def opinion_data(self, m: Matter, decision: str) -> dict[str, str]:
        unit = m.lead_unit.name if m.lead_unit else ""
        if m.kind == Kind.ORIGINAL:
            reasons = {
                "support": f"信访人反映的问题基本属实，诉求合理合法，予以支持。{unit}已责成有关方面"
                "限期解决，并将督促落实到位。",
                "explain": "信访人反映的问题已有明确的政策规定和处理结果，现就有关政策和处理情况"
                "向信访人作出解释说明。",
                "reject": "信访人的请求缺乏事实依据和法律政策依据，不予支持。",
            }[decision]
        else:
            reasons = {
                "support": "原处理意见认定事实不清，予以撤销，责成原办理机关重新调查处理。",
                "explain": "原处理意见认定事实清楚，适用依据正确，现对有关政策再作解释说明。",
                "reject": "原处理意见认定事实清楚，处理恰当，予以维持，信访人的请求不予支持。",
            }[decision]
        n = self.rng.randint(3, 12)
        found = {
            "support": "信访人反映的情况基本属实。",
            "explain": "信访人反映的情况有关部门已按政策作出处理。",
            "reject": "信访人反映的情况与调查了解的情况不符。",
        }[decision]
        first = m.facts.split("。")[0][:150] + "。" if m.facts else ""
        return {
            "decision": decision,
            "request": m.content,
            "facts": f"经调查核实（走访群众{n}人，查阅有关档案资料）：{first}{found}",
            "reasons": reasons,
            "basis": BASIS.get(self.topic, BASIS["QT"]) + "及《信访工作条例》第三十二条",
        }

    def decide(
        self,
        m: Matter | None = None,
        decision: str | None = None,
        *,
        returned: bool = False,
        approve: bool = True,
    ) -> Matter:
        m = m or self.m
        hd, ld = self.staff(m)
        decision = decision or self.rng.choices(("support", "explain", "reject"), (4, 4, 2))[0]
        m = self.act("submit_opinion", hd, 12, on=m, data=self.opinion_data(m, decision))
        if returned:
            m = self.act(
                "return_opinion",
                ld,
                2,
                on=m,
                reason="事实部分不够具体，请补充调查走访情况后重新报送。",
            )
            m = self.act("submit_opinion", hd, 4, on=m, data=self.opinion_data(m, decision))
        if approve:
            m = self.act("approve_opinion", ld, 2, on=m)
        return m

    def close(self, *, rate: bool) -> Matter:
        hd, _ = self.staff()
        if self.m.decision == "support" and self.rng.random() < 0.6:
            self.act(
                "record_execution",
                hd,
                8,
                data={"summary": "经督促，有关单位已按处理意见落实到位。"},
            )
        if self.m.events.filter(action="assign").exists():
            self.act(
                "report_completion",
                hd,
                2,
                data={"summary": "该交办事项已办结，处理意见已送达信访人。"},
            )
        self.act("conclude", hd, 4)
        if rate:
            rating = self.rng.choices(("satisfied", "basic", "unsatisfied"), (6, 3, 1))[0]
            rater = self.registrar() if self.rng.random() < 0.7 else self.d.users["supervisor"]
            self.act("rate", rater, 3, data={"rating": rating})
        return self.m

    def handled(self, *, decision: str | None = None, middle: str = "") -> Matter:
        """Dispatched → accepted → investigated → answered."""
        self.dispatch(assign=self.rng.random() < 0.15)
        self.accept()
        if self.rng.random() < 0.75:
            self.contact()
        if middle == "hearing":
            self.hearing()
        elif middle == "mediated":
            outcome = self.rng.choice(("agreement", "settlement"))
            self.act(
                "record_mediation",
                self.staff()[0],
                5,
                data={
                    "outcome": outcome,
                    "summary": "经承办单位组织调解，双方自愿达成协议，约定于一个月内履行完毕。",
                },
            )
        return self.decide(decision=decision)

    # --- plans --------------------------------------------------------------------

    def run(self) -> Matter:
        return getattr(self, f"p_{self.spec.plan}")(self.spec.variant)

    def p_registered(self, v: str) -> Matter:
        self.register(hotline=self.rng.random() < 0.4)
        if (
            v == "receipt"
            and self.people
            and self.m.registered_unit_id == self.d.units["office"].pk
        ):
            self.act("send_receipt", self.registrar(), 0.5)
        return self.m

    def p_dispatched(self, v: str) -> Matter:
        self.register(hotline=self.rng.random() < 0.3)
        self.dispatch(assign=v == "assign")
        if v == "designated":
            self.object_()
            self.act(
                "reject_objection",
                self.registrar(),
                1,
                reason="经研究，该事项属于属地管理范围，由你单位负责办理，不得再次退回"
                "（潍坊市12345条例第二十二条）。",
            )
        return self.m

    def p_objected(self, v: str) -> Matter:
        self.register(hotline=self.rng.random() < 0.3)
        self.dispatch(self.wrong_unit(self.competent()) if self.rng.random() < 0.7 else None)
        return self.object_()

    def p_handling(self, v: str) -> Matter:
        rng = self.rng
        self.register(hotline=rng.random() < 0.3)
        if v == "reassigned":
            self.dispatch(self.wrong_unit(self.competent()))
            self.object_()
            self.act("agree_objection", self.registrar(), 1)
        self.dispatch(assign=v != "reassigned" and rng.random() < 0.15, assisting=v == "assisting")
        self.accept()
        self.contact()
        hd, ld = self.staff()
        if v in ("paused", "resumed"):
            self.act(
                "pause",
                hd,
                4,
                reason="需信访人补充提供劳动合同、欠条等证明材料，暂停计时。",
                data={"reason_kind": "material"},
            )
            if v == "resumed":
                self.act(
                    "add_material",
                    None,
                    6,
                    by_citizen=True,
                    data={"note": "信访人已补充提交有关证明材料。"},
                )
                self.act("resume", hd, 1)
        elif v.startswith("ext_"):
            self.act(
                "request_extension",
                hd,
                0,
                at=self.tl.on(self.before_handling_due(38)),
                reason="该事项涉及多个部门和历史遗留问题，需进一步调查核实，情况复杂。",
                data={"days": rng.choice((15, 20, 30))},
            )
            if v == "ext_approved":
                self.act("approve_extension", ld, 1)
            elif v == "ext_rejected":
                self.act(
                    "reject_extension", ld, 1, reason="不属于情况复杂的情形，请在原期限内办结。"
                )
        elif v == "lead_leader":
            leader = ld if rng.random() < 0.6 else self.d.users["county_leader"]
            at = self.tl.next(3)
            self.act(
                "appoint_leader",
                leader,
                0,
                at=at,
                data={
                    "leader": leader.pk,
                    "plan": "成立工作专班，两周内入户核实情况，"
                    "一个月内提出化解方案并当面答复信访人。",
                    "team": "镇村干部、职能部门业务骨干、法律顾问",
                    "due_on": (timezone.localdate(at) + timedelta(days=30)).isoformat(),
                },
            )
        elif v == "hearing":
            self.hearing()
        elif v == "mediation_failed":
            self.act(
                "record_mediation",
                hd,
                5,
                data={
                    "outcome": "failed",
                    "summary": "组织双方调解，因对赔偿金额分歧较大未达成协议。",
                },
            )
        return self.m

    def before_handling_due(self, days: float) -> date:
        """A working day about ``days`` from now in the story, but inside the handling period
        (XFGZ Art. 34 extends a running period only)."""

        day = timezone.localdate(self.tl.t) + timedelta(
            days=round(days * (0.5 + self.rng.random()))
        )
        handling = clock_for(self.m).get("handling")
        if handling is not None and handling.due is not None:
            day = min(day, handling.due - timedelta(days=self.rng.randint(2, 6)))
        while not self.w.cal.is_working_day(day):
            day -= timedelta(days=1)
        return day

    def p_due_soon(self, v: str) -> Matter:
        assert self.spec.target is not None and self.spec.start is not None
        self.register(
            hotline=self.rng.random() < 0.3,
            category=Category.CLAIM,
            hotline_type=HotlineType.COMPLAINT,
        )
        if v == "forward":
            self.dispatch(at=self.tl.next(0.3))
            self.accept(at=self.tl.on(self.spec.start))
        else:
            at = self.tl.on(self.spec.start)
            self.act(
                "assign",
                self.registrar(),
                0,
                at=at,
                data={"unit": self.competent().pk, "due_on": self.spec.target.isoformat()},
            )
            self.accept()
        self.contact()
        return self.m

    def p_overdue(self, v: str) -> Matter:
        self.register(hotline=self.rng.random() < 0.3)
        self.dispatch(assign=v == "assigned", due_in=(20, 30))
        self.accept()
        self.contact()
        if v.startswith("supervis"):
            at = self.tl.next(60)
            reply_due = timezone.localdate(at) + timedelta(days=5)
            self.act(
                "supervise",
                self.d.users["supervisor"],
                0,
                at=at,
                reason="该事项已临近或超过办理期限仍未办结。",
                data={
                    "demand": "请于回复期限前书面报告办理进展，说明未按期办结的原因和下一步措施。",
                    "reply_due": reply_due.isoformat(),
                },
            )
            if v == "supervised":
                self.act(
                    "answer_supervision",
                    self.staff()[0],
                    3,
                    data={
                        "reply": "已成立工作专班，正在会同有关部门调查核实，"
                        "预计两周内提出处理意见。"
                    },
                )
        return self.m

    def p_opinion_pending(self, v: str) -> Matter:
        self.register(hotline=self.rng.random() < 0.3)
        self.dispatch()
        self.accept()
        self.contact()
        return self.decide(returned=v == "returned", approve=False)

    def p_answered(self, v: str) -> Matter:
        self.register(hotline=self.rng.random() < 0.3)
        decision = "support" if v == "executing" else v
        self.handled(decision=decision)
        if v == "executing":
            self.act(
                "record_execution",
                self.staff()[0],
                6,
                data={"summary": "已督促有关单位制定整改方案，正在落实。"},
            )
        return self.m

    def p_concluded(self, v: str) -> Matter:
        self.register(hotline=self.rng.random() < 0.3)
        if v == "assigned":
            self.dispatch(assign=True)
            self.accept()
            self.contact()
            self.decide()
        else:
            self.handled(middle=v)
        return self.close(rate=v == "rated" or self.rng.random() < 0.4)

    def review(self, v: str, *, open_: bool) -> Matter:
        """Original answered → 复查 at the organ one level up (XFGZ Art. 35)."""
        self.register(hotline=self.rng.random() < 0.2)
        self.handled(decision=self.rng.choice(("explain", "reject", "reject")))
        if self.rng.random() < 0.5:
            self.act("conclude", self.staff()[0], 3)
        self.act("request_review", self.registrar(), 8)
        review = self.m.followups.get(kind=Kind.REVIEW)
        if self.rng.random() < 0.6:
            review = self.contact(review)
        if open_:
            return review
        return self.decide(review, self.rng.choices(("support", "explain", "reject"), (1, 3, 6))[0])

    def p_review(self, v: str) -> Matter:
        review = self.review(v, open_=v == "open")
        if v == "concluded":
            self.act("conclude", self.staff(review)[0], 5, on=review)
        return self.m

    def p_reexam(self, v: str) -> Matter:
        review = self.review(v, open_=False)
        review = self.act("request_reexam", self.registrar(review), 8, on=review)
        reexam = review.followups.get(kind=Kind.REEXAM)
        hd, _ = self.staff(reexam)
        if v == "hearing":
            # XFGZ Art. 36: hearing time is not counted in the re-examination period.
            reexam = self.act(
                "pause", hd, 3, on=reexam, reason="组织听证。", data={"reason_kind": "hearing"}
            )
            reexam = self.hearing(reexam)
            reexam = self.act("resume", hd, 1, on=reexam)
        elif self.rng.random() < 0.5:
            reexam = self.contact(reexam)
        if v == "open":
            return self.m
        self.decide(reexam, self.rng.choices(("support", "explain", "reject"), (1, 3, 6))[0])
        self.w.final.append(self.prior(self.tl.t))
        return self.m

    def p_reexam_top(self, v: str) -> Matter:
        """A matter the county government answers itself: 复查 by the city government and
        复核 by the province (XFGZ Arts. 35, 36), each the organ one level up, whose
        decision is final (Art. 36 para 3)."""
        d = self.d
        self.register(hotline=False, unit=d.units["county"], category=Category.CLAIM)
        self.act("accept_direct", self.registrar(), 1.5)
        self.contact()
        self.decide(decision=self.rng.choice(("explain", "reject", "reject")))
        self.act("request_review", self.registrar(), 8)
        review = self.m.followups.get(kind=Kind.REVIEW)
        review = self.decide(review, self.rng.choice(("explain", "reject")))
        review = self.act("request_reexam", self.registrar(review), 8, on=review)
        reexam = review.followups.get(kind=Kind.REEXAM)
        reexam = self.contact(reexam)
        self.decide(reexam, self.rng.choice(("explain", "reject", "reject")))
        self.w.final.append(self.prior(self.tl.t))
        return self.m

    def p_redirected(self, v: str) -> Matter:
        # XFGZ Art. 31 redirects appeals and claims (申诉求决) to their statutory channel
        hotline = self.rng.random() < 0.3
        self.register(
            hotline=hotline,
            topic=self.rng.choice(("LD", "ZF", "ZD", "SC", "YL", "ZJ", "NC")),
            category=Category.CLAIM,
            hotline_type=HotlineType.COMPLAINT if hotline else "",
        )
        channel, organ, why = REDIRECTS.get(self.topic, DEFAULT_REDIRECT)
        data = {"channel": channel, "organ": organ}
        reason = f"{why}，已书面告知信访人向{organ}提出（信访工作条例第三十一条）。"
        if v == "at_intake":
            return self.act("redirect", self.registrar(), 1.5, reason=reason, data=data)
        self.dispatch()
        self.accept()
        self.contact()
        return self.act("redirect", self.staff()[0], 5, reason="经核查，" + reason, data=data)

    def p_not_accepted(self, v: str) -> Matter:
        received = self.spec.received
        finals = [p for p in self.w.final if p.at < received and p.people]
        opens = [p for p in self.w.open if p.at < received - timedelta(days=1)]
        if v == "art36" and finals:
            # raised again where it was first registered, whose registrar sees the chain
            prior, ground = self.rng.choice(finals), "art36"
            unit = prior.unit
            why = (
                "信访人就同一事实和理由再次提出，该事项已经复核终结，依据《信访工作条例》"
                "第三十六条第三款不再受理。"
            )
        elif opens:
            # The same matter raised with a higher organ while it is being handled below:
            # the city's letters office, which sees the matters handled below it.
            prior, ground, unit = self.rng.choice(opens), "art19", self.d.units["city_office"]
            why = (
                f"该事项已由{prior.organ}受理，正在法定办理期限内，依据《信访工作条例》"
                "第十九条第三款不予受理，已告知信访人原事项的办理情况。"
            )
        else:
            return self.p_registered("plain")
        self.register(
            hotline=unit.pk == self.d.units["hotline"].pk,
            unit=unit,
            topic=prior.topic.code if prior.topic else "QT",
            category=prior.category,
            title=prior.title,
            content=prior.content,
            facts=prior.facts,
            people=prior.people,
            collective=len(prior.people) > 1,
            area=prior.area,
        )
        try:
            return self.act(
                "not_accept",
                self.registrar(),
                2,
                reason=why,
                data={"ground": ground, "existing": prior.receipt_no},
            )
        except UserError:
            # Art. 19 para 3 holds only while the existing matter's period runs: past it,
            # the repeat waits, registered, for the registrar to accept it.
            if ground == "art36":
                raise
            return self.m

    def _open_prior(self) -> tuple[Prior, Matter] | None:
        """An earlier matter still being handled, registered where a demo registrar works."""
        received = self.spec.received
        for p in self.rng.sample(self.w.open, len(self.w.open)):
            main = Matter.objects.select_related("registered_unit").get(receipt_no=p.receipt_no)
            if p.at < received - timedelta(days=1) and main.registered_unit_id in (
                self.d.registrar_of
            ):
                return p, main
        return None

    def _after_main(self, main: Matter) -> datetime | None:
        """A time after both histories' last events (the action writes to both), or None
        if that would be in the future."""
        last = main.events.order_by("-seq").values_list("at", flat=True).first()
        at = self.tl.next(1)
        if last is not None and at <= last:
            at = last + timedelta(seconds=1)
        return at if at <= self.w.now else None

    def p_merged(self, v: str) -> Matter:
        """并单: another citizen raises the same matter; merged into the one being handled."""
        found = self._open_prior()
        if found is None:
            return self.p_registered("plain")
        prior, main = found
        self.register(
            hotline=False,
            unit=main.registered_unit,
            topic=prior.topic.code if prior.topic else "QT",
            category=prior.category,
            title=prior.title,
            content=prior.content,
            facts=prior.facts,
            area=prior.area,
        )
        at = self._after_main(main)
        if at is None:
            return self.m
        try:
            return self.act(
                "merge",
                self.registrar(),
                1,
                at=at,
                reason="与正在办理的事项反映的是同一问题，并案办理，分别答复。",
                data={"main": prior.receipt_no},
            )
        except UserError:  # e.g. a report its accused unit could see (XFGZ Art. 30)
            return self.m

    def p_linked(self, v: str) -> Matter:
        """The same person writes again about the same matter: linked as a repeat."""
        found = self._open_prior()
        if found is None or not prior_people(found[0]):
            return self.p_registered("plain")
        prior, main = found
        self.register(
            hotline=False,
            unit=main.registered_unit,
            topic=prior.topic.code if prior.topic else "QT",
            category=prior.category,
            title=prior.title,
            content="再次反映：" + prior.content,
            facts=prior.facts,
            people=prior.people,
            collective=len(prior.people) > 1,
            area=prior.area,
        )
        at = self._after_main(main)
        if at is None:
            return self.m
        try:
            return self.act(
                "link_repeat", self.registrar(), 1, at=at, data={"existing": prior.receipt_no}
            )
        except UserError:
            return self.m

    def p_transferred(self, v: str) -> Matter:
        town = self.rng.choices(TOWNS, TOWN_WEIGHTS)[0]
        line, title, content, facts, reason = texts.emergency(self.rng, town)
        self.register(
            hotline=True,
            topic=EMERGENCY_TOPIC[line],
            title=title,
            content=content,
            facts=facts,
            hotline_type=HotlineType.HELP,
            category=Category.CLAIM,
            town=town,
        )
        return self.act(
            "emergency_transfer",
            self.registrar(),
            0,
            at=self.tl.next(0.001, office=False),
            reason=reason,
            data={"line": line},
        )

    def p_on_spot(self, v: str) -> Matter:
        topic, title, question, facts, answer = texts.consultation(self.rng)
        self.register(
            hotline=True,
            topic=topic,
            title=title,
            content=question,
            facts=facts,
            hotline_type=HotlineType.CONSULT,
            category=Category.SUGGESTION,
        )
        at = self.tl.next(0.003, office=False)
        return self.act("answer_on_spot", self.registrar(), 0, at=at, reason=answer)

    def prior(self, at: datetime) -> Prior:
        m = self.m
        organ = m.lead_unit.name if m.lead_unit else m.registered_unit.name
        return Prior(
            m.receipt_no,
            at,
            m.title,
            m.content,
            m.facts,
            m.category,
            self.w.topics.get(self.topic),
            m.area,
            self.people,
            organ,
            m.registered_unit,
        )


def prior_people(p: Prior) -> bool:
    return bool(p.people)


def tell(w: World, rng: random.Random, spec: Spec) -> Matter:
    """Create one matter (and its follow-ups) as ``spec`` says; returns the original."""
    story = Story(w, rng, spec)
    story.run()
    root = story.m
    if root.status in OPEN and story.people and root.registered_unit_id != w.d.units["city"].pk:
        w.open.append(story.prior(root.registered_at))
    return root
