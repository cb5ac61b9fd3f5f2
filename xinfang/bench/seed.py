"""Seed a deployment with N matters and their complete histories, fast.

Each matter is simulated in memory along a timeline: registration, then routing, handling
(pauses, extensions, supervision, contact), the opinion, rating, return visits, conclusion,
review (复查) and re-examination (复核) as linked matters — or redirection, non-acceptance,
answers on the spot and emergency transfers. Every step writes the event the transition
function would write (same data after the effect's normalisation, same actor and actor unit,
same hash chain as ``Event.compute_hash``), and the denormalised columns (``status``,
``current_due``, ``current_due_kind``, ``version``, ``event_count``, ``last_hash`` …) are what
``records.refresh_deadlines`` computes: the pure ``deadlines.clock.compute`` over the same
events. Rows are written in batches (``executemany`` on SQLite, ``COPY`` on PostgreSQL).

Deterministic: matter ``i`` depends only on the seed, ``i``, ``N`` and ``until``; batches have
fixed boundaries, so ``--resume`` after an interruption yields the same rows.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from xinfang.actions.effects import (
    CONTACT_METHODS,
    EMERGENCY_LINES,
    REDIRECT_CHANNELS,
    SUPERVISION_LEVELS,
)
from xinfang.actions.registration import hash_secret
from xinfang.actions.workflow import RULES
from xinfang.cases.chain import event_hash  # ``Event.compute_hash``'s, keyed
from xinfang.cases.clock import answered_on_time, policy
from xinfang.cases.models import (
    Category,
    Channel,
    Event,
    HotlineType,
    Kind,
    Matter,
    MatterUnit,
    Petitioner,
    Rating,
    ReceiptCounter,
    Status,
)
from xinfang.core.crypto import blind_index, encrypt, id_index, normalise_phone
from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.clock import TZ, compute
from xinfang.demo import texts as demo_texts
from xinfang.ops.counters import rebuild
from xinfang.org.models import Membership, Role, Unit, UnitKind, User
from xinfang.supervision.models import FollowupCheck, ReturnVisit
from xinfang.supervision.services import sweep

from . import texts
from .org import Deployment, Office

BATCH = 2000
S = Status
TOPIC_WEIGHTS = {
    "LD": 15,
    "ZD": 12,
    "ZJ": 18,
    "YL": 6,
    "JY": 6,
    "HB": 8,
    "NC": 8,
    "JT": 5,
    "ZF": 6,
    "JJ": 3,
    "SC": 7,
    "QT": 6,
}
REDIRECT_ORGANS = {
    "litigation": "人民法院",
    "arbitration": "劳动人事争议仲裁委员会",
    "reconsideration": "人民政府行政复议机构",
    "licensing": "政务服务中心",
    "party": "党委组织部",
    "discipline": "纪委监委",
    "other": "有关主管机关",
}
OPINION_REASONS = (
    "经调查核实，信访人反映的情况基本属实，已责成有关单位限期整改。",
    "经调查，信访人反映的问题部分属实，有关单位已作出说明并承诺改进。",
    "经核查，信访人的请求缺乏事实和法律依据，已向信访人解释说明。",
)
BASIS = (
    "《信访工作条例》第三十二条",
    "《中华人民共和国劳动合同法》第三十条",
    "《中华人民共和国土地管理法》第四十八条",
    "《物业管理条例》第三十五条",
    "《中华人民共和国环境保护法》第四十二条",
)
CONTACT_SUMMARIES = (
    "已电话联系信访人，了解诉求，告知正在办理。",
    "承办人上门走访，现场查看情况并听取意见。",
    "约谈信访人及相关方，初步沟通解决方案。",
)


EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class Stop(Exception):
    """The next step would happen after ``until``: the history ends here."""


@dataclass(slots=True)
class Ev:
    action: str
    at: datetime
    data: dict[str, Any]


@dataclass
class Sim:
    """One matter being simulated: its row, events and handling units so far."""

    row: dict[str, Any]
    until: datetime
    events: list[tuple[Any, ...]] = field(default_factory=list)
    clock_events: list[Ev] = field(default_factory=list)
    units: list[list[Any]] = field(default_factory=list)  # [unit_id, role, active]
    t: datetime = EPOCH
    statuses: list[tuple[datetime, str]] = field(default_factory=list)
    leads: list[tuple[datetime, int | None]] = field(default_factory=list)

    def status_at(self, at: datetime) -> str:
        return _at(self.statuses, at) or ""

    def lead_at(self, at: datetime) -> int | None:
        return _at(self.leads, at)


def _at(timeline: list[tuple[datetime, Any]], at: datetime) -> Any:
    out = None
    for t, v in timeline:
        if t <= at:
            out = v
    return out


@dataclass
class Batch:
    matters: list[Sim] = field(default_factory=list)
    petitioners: list[tuple[Any, ...]] = field(default_factory=list)
    visits: list[dict[str, Any]] = field(default_factory=list)
    checks: list[dict[str, Any]] = field(default_factory=list)


class Seeder:
    """Generates and writes matters ``start``…``N-1`` of a deployment."""

    def __init__(
        self, dep: Deployment, *, n: int, seed: int, until: datetime, batch: int = BATCH
    ) -> None:
        self.dep, self.n, self.seed, self.until, self.batch = dep, n, seed, until, batch
        self.start = until - timedelta(days=3 * 365)
        self.span = (until - self.start).total_seconds()
        self.cal = load_calendar()
        self.policy = policy()
        self.weights = [o.weight for o in dep.offices]
        self.topic_codes = [c for c in TOPIC_WEIGHTS if c in dep.topics]
        self.topic_w = [TOPIC_WEIGHTS[c] for c in self.topic_codes]
        self.status_label = {s.value: str(s.label) for s in Status}
        self.counters: dict[tuple[int, int], int] = {
            (u, y): last
            for u, y, last in ReceiptCounter.objects.values_list("unit", "year", "last")
        }
        self.touched: set[tuple[int, int]] = set()
        self.recent: dict[int, Sim] = {}
        self.ids = {
            m: (m.objects.aggregate(x=Max("pk"))["x"] or 0) + 1
            for m in (Matter, Event, Petitioner, MatterUnit, ReturnVisit, FollowupCheck)
        }
        self.db_time: Callable[[datetime], Any] = (
            _sqlite_time if connection.vendor == "sqlite" else (lambda v: v)
        )
        self.followup_days = list(settings.XINFANG.get("FOLLOWUP_DAYS", [30, 90]))
        self.desk: dict[int, list[int]] = {
            o.unit.pk: o.registrars + o.supervisors for o in dep.offices
        }

    # --- ids, receipts, people -------------------------------------------------------

    def _id(self, model: type[Model]) -> int:
        v = self.ids[model]
        self.ids[model] = v + 1
        return v

    def _receipt(self, unit: Unit, at: datetime) -> str:
        year = at.astimezone(TZ).year
        key = (unit.pk, year)
        last = self.counters.get(key, 0) + 1
        self.counters[key] = last
        self.touched.add(key)
        return f"{unit.division_code}{unit.pk:04d}-{year}-{last:06d}"

    def header(self, i: int) -> dict[str, Any]:
        """What matter ``i`` is about, from its own random stream (repeats reuse it)."""
        rng = random.Random(f"{self.seed}:{i}:h")
        office = rng.choices(self.dep.offices, self.weights)[0]
        town = rng.choice(office.towns)
        topic = rng.choices(self.topic_codes, self.topic_w)[0]
        return {"office": office, "town": town, "topic": topic, "person": i}

    def people(self, pid: int, town: int, n: int) -> list[dict[str, Any]]:
        rng = random.Random(f"{self.seed}:{pid}:p")
        place = self.dep.places[town]
        county = self.dep.county_of[town]
        out = []
        for k in range(n):
            out.append(
                {
                    "name": texts.person(rng),
                    "phone": texts.phone(rng),
                    "id_number": texts.id_number(rng, place.code) if k == 0 else "",
                    "address": texts.address(rng, county, place),
                }
            )
        return out

    # --- the timeline ----------------------------------------------------------------

    def step(self, sim: Sim, rng: random.Random, lo: float, hi: float) -> datetime:
        """Advance the clock by lo–hi days (at least a minute); Stop after ``until``."""
        t = sim.t + timedelta(days=rng.uniform(lo, hi), minutes=1)
        if t > self.until:
            raise Stop
        sim.t = t
        return t

    def ev(
        self,
        sim: Sim,
        action: str,
        *,
        actor: int | None,
        actor_unit: int | None,
        to: str | None = None,
        data: dict[str, Any] | None = None,
        reason: str = "",
        citizen: bool = False,
    ) -> None:
        row = sim.row
        rule = RULES.get(action)
        public = rule.public if rule is not None else True
        if action == "approve_opinion":
            row["answered_at"] = sim.t
        before = row["status"] if action != "register" else ""
        row["status"] = to or (rule.target if rule is not None and rule.target else row["status"])
        d = data or {}
        seq = row["event_count"] + 1
        h = event_hash(
            matter=row["id"],
            seq=seq,
            action=action,
            from_status=before,
            to_status=row["status"],
            at=sim.t,
            actor=actor,
            unit=actor_unit,
            citizen=citizen,
            reason=reason,
            data=d,
            public=public,
            prev=row["last_hash"],
        )
        sim.events.append(
            (
                self._id(Event),
                row["id"],
                seq,
                action,
                before,
                row["status"],
                self.db_time(sim.t),
                actor,
                actor_unit,
                citizen,
                reason,
                json.dumps(d),
                public,
                row["last_hash"],
                h,
            )
        )
        sim.clock_events.append(Ev(action, sim.t, d))
        sim.statuses.append((sim.t, row["status"]))
        row["event_count"] = seq
        row["last_hash"] = h
        if action != "register":
            row["version"] += 1

    def set_units(self, sim: Sim, lead: Unit | None, assisting: list[Unit] | None = None) -> None:
        """``records.set_units``: earlier handling rows go inactive, the new ones follow."""
        for u in sim.units:
            u[2] = False
        if lead is not None:
            sim.units.append([lead.pk, MatterUnit.LEAD, True])
            sim.units += [
                [u.pk, MatterUnit.ASSIST, True] for u in assisting or [] if u.pk != lead.pk
            ]
        sim.row["lead_unit_id"] = lead.pk if lead is not None else None
        sim.leads.append((sim.t, sim.row["lead_unit_id"]))

    def staff(self, rng: random.Random, unit: int, role: str) -> tuple[int | None, int | None]:
        uid = self.dep.one(rng, unit, role)
        return uid, unit if uid is not None else None

    # --- one original matter ---------------------------------------------------------

    def original(self, i: int, b: Batch, batch_start: int) -> Sim:
        h = self.header(i)
        rng = random.Random(f"{self.seed}:{i}:m")
        repeat_of: Sim | None = None
        if i > batch_start and rng.random() < 0.12:
            j = i - rng.randint(1, min(i - batch_start, 3000))
            h0 = self.header(j)
            h.update(town=h0["town"], topic=h0["topic"], person=h0["person"])
            repeat_of = self.recent.get(j)
        office: Office = h["office"]
        unit = office.unit
        topic: str = h["topic"]
        place = self.dep.places[h["town"]]
        hotline = unit.kind == UnitKind.HOTLINE
        registered = self.start + timedelta(seconds=(i + rng.random()) * self.span / self.n)
        if hotline:
            channel = rng.choices([Channel.PHONE, Channel.ONLINE], [85, 15])[0]
        else:
            channel = rng.choices(
                [Channel.LETTER, Channel.VISIT, Channel.ONLINE, Channel.FAX], [30, 30, 38, 2]
            )[0]
        if channel == Channel.LETTER:
            received = registered - timedelta(days=rng.uniform(0.5, 4))
        else:
            received = registered - timedelta(minutes=rng.uniform(1, 90))
        category = Category.CLAIM
        accused: int | None = None
        if topic == "JJ":
            category = Category.REPORT
            accused = h["town"]
        elif rng.random() < 0.18:
            category = Category.SUGGESTION
        title, content, facts = texts.complaint(rng, topic, place)
        outcome = "route"
        r = rng.random()
        if hotline and r < 0.04:
            outcome = "on_spot"
            ctopic, title, question, context, answer = demo_texts.consultation(rng)
            if ctopic in self.dep.topics:
                topic = ctopic
            content, facts = question, context
        elif hotline and r < 0.045:
            outcome = "emergency"
        elif r < 0.07:
            outcome = "redirect"
        elif repeat_of is not None and rng.random() < 0.3:
            outcome = "not_accept"
        collective = rng.random() < 0.03 and outcome == "route"
        anonymous = (
            not collective and channel in (Channel.ONLINE, Channel.PHONE) and rng.random() < 0.02
        )
        headcount = rng.randint(5, 60) if collective else 1
        people = (
            []
            if anonymous
            else self.people(h["person"], h["town"], rng.randint(2, 5) if collective else 1)
        )
        secret = "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ23456789") for _ in range(12))
        mid = self._id(Matter)
        row: dict[str, Any] = {
            "id": mid,
            "receipt_no": self._receipt(unit, registered),
            "secret_hash": hash_secret(f"{secret[:4]}-{secret[4:8]}-{secret[8:]}"),
            "kind": Kind.ORIGINAL,
            "parent_id": None,
            "repeat_of_id": None,
            "channel": channel,
            "category": category,
            "hotline_type": (
                rng.choices(
                    [
                        HotlineType.COMPLAINT,
                        HotlineType.HELP,
                        HotlineType.CONSULT,
                        HotlineType.TIPOFF,
                        HotlineType.PROPOSAL,
                    ],
                    [50, 25, 15, 5, 5],
                )[0]
                if hotline
                else ""
            ),
            "topic_id": self.dep.topics[topic].pk,
            "area_id": h["town"],
            "title": title[:120],
            "content": content,
            "facts": facts,
            "received_at": received,
            "registered_at": registered,
            "registered_unit_id": unit.pk,
            "registered_by_id": None,
            "is_collective": collective,
            "headcount": max(headcount, len(people)) if collective else max(len(people), 1),
            "anonymous": anonymous,
            "confidential": category == Category.REPORT,
            "accused_unit_id": accused,
            "status": S.REGISTERED,
            "lead_unit_id": None,
            "dispatched_by_id": None,
            "designated": False,
            "is_paused": False,
            "extension_state": "",
            "decision": "",
            "lead_leader_id": None,
            "final": False,
            "rating": "",
            "supervision_level": 0,
            "supervision_due": None,
            "current_due": None,
            "current_due_kind": "",
            "anonymised_at": None,
            "version": 0,
            "event_count": 0,
            "last_hash": "",
        }
        sim = Sim(row=row, until=self.until, t=registered)
        registrar, reg_unit = self.staff(rng, unit.pk, Role.REGISTRAR)
        row["registered_by_id"] = registrar
        for k, p in enumerate(people):
            enc_phone = encrypt(p["phone"])
            b.petitioners.append(
                (
                    self._id(Petitioner),
                    mid,
                    p["name"],
                    False,
                    encrypt(p["id_number"]),
                    enc_phone,
                    blind_index(normalise_phone(p["phone"])),
                    id_index(p["id_number"]),
                    p["address"],
                    collective and k < 5,
                    k,
                )
            )
        self.ev(
            sim,
            "register",
            actor=registrar,
            actor_unit=reg_unit,
            to=S.REGISTERED,
            data={
                "received_on": received.astimezone(TZ).date().isoformat(),
                "channel": channel,
                "office": True,
                "anonymous": anonymous or not any(p["address"] or p["phone"] for p in people),
            },
        )
        try:
            if outcome == "on_spot":
                self.step(sim, rng, 0, 0.01)
                self.ev(sim, "answer_on_spot", actor=registrar, actor_unit=reg_unit, reason=answer)
            elif outcome == "emergency":
                line = rng.choice(list(EMERGENCY_LINES))
                self.step(sim, rng, 0, 0.01)
                self.ev(
                    sim,
                    "emergency_transfer",
                    actor=registrar,
                    actor_unit=reg_unit,
                    reason="来电反映的情况紧急，已立即移交处置。",
                    data={"line": line, "line_name": EMERGENCY_LINES[line]},
                )
            elif outcome == "redirect":
                ch = rng.choice(list(REDIRECT_CHANNELS))
                self.step(sim, rng, 0.2, 6)
                self.ev(
                    sim,
                    "redirect",
                    actor=registrar,
                    actor_unit=reg_unit,
                    reason="该诉求应当通过法定途径解决（信访工作条例第三十一条）。",
                    data={
                        "channel": ch,
                        "channel_name": REDIRECT_CHANNELS[ch],
                        "organ": office.gov.name.removesuffix("人民政府") + REDIRECT_ORGANS[ch],
                    },
                )
            elif outcome == "not_accept" and repeat_of is not None:
                self.step(sim, rng, 0.1, 3)
                ex = repeat_of.row
                row["repeat_of_id"] = ex["id"]
                lead = self.dep.units.get(repeat_of.lead_at(sim.t) or 0)
                self.ev(
                    sim,
                    "not_accept",
                    actor=registrar,
                    actor_unit=reg_unit,
                    reason="同一事项已经受理或者正在办理（信访工作条例第十九条第三款）。",
                    data={
                        "ground": "art19",
                        "existing": ex["receipt_no"],
                        "existing_status": self.status_label[repeat_of.status_at(sim.t)],
                        "existing_unit": lead.name if lead else "",
                    },
                )
            else:
                self.route(sim, rng, office, topic, registrar, reg_unit, b)
        except Stop:
            pass
        self.finish(sim, b)
        b.matters.append(sim)
        self.recent[i] = sim
        return sim

    def route(
        self,
        sim: Sim,
        rng: random.Random,
        office: Office,
        topic: str,
        registrar: int | None,
        reg_unit: int | None,
        b: Batch,
    ) -> None:
        row = sim.row
        accused = row["accused_unit_id"]
        pool = [u for u in office.leads[topic] if u.pk != accused] or [office.gov]
        lead = rng.choice(pool)
        if rng.random() < 0.08:
            self.step(sim, rng, 0.1, 2)
            self.ev(sim, "send_receipt", actor=registrar, actor_unit=reg_unit)
        late_routing = rng.random() < 0.04
        self.step(sim, rng, *((15.5, 25) if late_routing else (0.05, 4)))
        self.dispatch(sim, rng, lead, registrar, reg_unit, pool)
        if rng.random() < 0.03:
            # The unit objects within its 5 working days (XFGZ Art. 23 para 3).
            handler, h_unit = self.staff(rng, lead.pk, Role.HANDLER)
            self.step(sim, rng, 0.5, 2.5)
            self.ev(
                sim,
                "object",
                actor=handler,
                actor_unit=h_unit,
                reason="该事项不属于本单位职责范围，请重新确定承办单位。",
            )
            self.step(sim, rng, 0.3, 2)
            if rng.random() < 0.5 and len(pool) > 1:
                self.ev(sim, "agree_objection", actor=registrar, actor_unit=reg_unit)
                row["dispatched_by_id"] = None
                self.set_units(sim, None)
                lead = rng.choice([u for u in pool if u.pk != lead.pk])
                self.step(sim, rng, 0.1, 2)
                self.dispatch(sim, rng, lead, registrar, reg_unit, pool, designated=True)
            else:
                row["designated"] = True
                self.ev(
                    sim,
                    "reject_objection",
                    actor=registrar,
                    actor_unit=reg_unit,
                    reason="经研究，该事项属于你单位职责范围，请依法办理。",
                    data={"designated": True},
                )
        if rng.random() < 0.05:
            return  # still waiting for acceptance
        handler, h_unit = self.staff(rng, lead.pk, Role.HANDLER)
        leader, l_unit = self.staff(rng, lead.pk, Role.LEADER)
        self.step(sim, rng, 0.2, 4)
        self.ev(sim, "accept", actor=handler, actor_unit=h_unit)
        accepted = sim.t
        self.handle(sim, rng, office, handler, h_unit, leader, l_unit, accepted)
        self.answered(sim, rng, office, lead, handler, h_unit, b)

    def dispatch(
        self,
        sim: Sim,
        rng: random.Random,
        lead: Unit,
        registrar: int | None,
        reg_unit: int | None,
        pool: list[Unit],
        *,
        designated: bool = False,
    ) -> None:
        row = sim.row
        others = [u for u in pool if u.pk != lead.pk]
        assisting = [rng.choice(others)] if others and rng.random() < 0.08 else []
        data: dict[str, Any] = {
            "unit": lead.pk,
            "assisting": [u.pk for u in assisting],
            "designated": designated,
            "unit_name": lead.name,
        }
        action = "forward"
        if rng.random() < 0.15:
            action = "assign"
            due = sim.t.astimezone(TZ).date() + timedelta(days=rng.choice((30, 45, 60)))
            data["due_on"] = due.isoformat()
        row["designated"] = designated
        row["dispatched_by_id"] = row["registered_unit_id"]
        self.set_units(sim, lead, assisting)
        self.ev(sim, action, actor=registrar, actor_unit=reg_unit, data=data)

    def handle(
        self,
        sim: Sim,
        rng: random.Random,
        office: Office | None,
        handler: int | None,
        h_unit: int | None,
        leader: int | None,
        l_unit: int | None,
        accepted: datetime,
    ) -> None:
        """From acceptance to the approved opinion (or a matter that stalls)."""
        row = sim.row
        if rng.random() < 0.6:
            self.step(sim, rng, 0.5, 8)
            method = rng.choice(list(CONTACT_METHODS))
            self.ev(
                sim,
                "contact",
                actor=handler,
                actor_unit=h_unit,
                data={
                    "method": method,
                    "method_name": CONTACT_METHODS[method],
                    "summary": rng.choice(CONTACT_SUMMARIES),
                },
            )
        if rng.random() < 0.08:
            self.step(sim, rng, 2, 12)
            row["is_paused"] = True
            self.ev(
                sim,
                "pause",
                actor=handler,
                actor_unit=h_unit,
                reason="等待信访人补充有关证明材料（信访工作条例第三十六条）。",
                data={"reason_kind": "material"},
            )
            if rng.random() < 0.06:
                return  # waiting for the material
            self.step(sim, rng, 3, 15)
            row["is_paused"] = False
            self.ev(sim, "resume", actor=handler, actor_unit=h_unit)
        if office is not None and rng.random() < 0.05:
            sup, s_unit = self.staff(rng, office.unit.pk, Role.SUPERVISOR)
            self.step(sim, rng, 3, 30)
            reply_due = sim.t.astimezone(TZ).date() + timedelta(days=rng.choice((5, 7, 10)))
            row["supervision_level"], row["supervision_due"] = 1, reply_due
            self.ev(
                sim,
                "supervise",
                actor=sup,
                actor_unit=s_unit,
                reason="事项办理进度缓慢，群众反映强烈。",
                data={
                    "demand": "请加快办理进度，依法妥善处理，并书面回复办理情况。",
                    "reply_due": reply_due.isoformat(),
                    "level": 1,
                    "level_name": "承办人",
                },
            )
            if rng.random() < 0.85:
                self.step(sim, rng, 1, 5)
                row["supervision_due"] = None
                self.ev(
                    sim,
                    "answer_supervision",
                    actor=handler,
                    actor_unit=h_unit,
                    data={"reply": "已按督办要求加快办理，近期将出具处理意见。", "level": 1},
                )
            else:
                self.escalate(sim, reply_due)
                return  # the unit does not answer: the daily sweep escalated it
        if row["kind"] == Kind.ORIGINAL and rng.random() < 0.07:
            days = rng.choice((15, 20, 30))
            why = "案情复杂，需要进一步调查核实（信访工作条例第三十四条）。"
            target = accepted + timedelta(days=rng.uniform(40, 55))
            sim.t = max(sim.t, target - timedelta(days=1))
            self.step(sim, rng, 0.5, 1)
            row["extension_state"] = "requested"
            self.ev(
                sim,
                "request_extension",
                actor=handler,
                actor_unit=h_unit,
                reason=why,
                data={"days": days},
            )
            self.step(sim, rng, 0.5, 3)
            if rng.random() < 0.85:
                row["extension_state"] = "approved"
                self.ev(
                    sim,
                    "approve_extension",
                    actor=leader,
                    actor_unit=l_unit,
                    data={"days": days, "reason_text": why},
                )
            else:
                row["extension_state"] = ""
                self.ev(
                    sim,
                    "reject_extension",
                    actor=leader,
                    actor_unit=l_unit,
                    reason="现有材料足以作出处理意见，请按期办结。",
                )
        if rng.random() < 0.05:
            return  # stalls: open until someone acts, overdue sooner or later
        period = 25 if row["kind"] != Kind.ORIGINAL else 55
        late = rng.random() < 0.08
        target = accepted + timedelta(
            days=rng.uniform(period, period + 20) if late else rng.uniform(5, period)
        )
        sim.t = max(sim.t, target - timedelta(days=1))
        decision = rng.choices(["support", "explain", "reject"], [45, 35, 20])[0]
        reason_text = OPINION_REASONS[("support", "explain", "reject").index(decision)]
        opinion = {
            "decision": decision,
            "request": row["content"][:200],
            "facts": row["facts"][:300] or "经调查核实，情况如信访人所述。",
            "reasons": reason_text,
            "basis": rng.choice(BASIS),
        }
        self.step(sim, rng, 0.2, 1.5)
        self.ev(sim, "submit_opinion", actor=handler, actor_unit=h_unit, data=dict(opinion))
        if rng.random() < 0.04:
            self.step(sim, rng, 0.5, 2)
            self.ev(
                sim,
                "return_opinion",
                actor=leader,
                actor_unit=l_unit,
                reason="事实部分不够清楚，请补充调查情况后重新提交。",
            )
            self.step(sim, rng, 1, 4)
            self.ev(sim, "submit_opinion", actor=handler, actor_unit=h_unit, data=dict(opinion))
        self.step(sim, rng, 0.2, 3)
        row["decision"] = decision
        if row["kind"] == Kind.REEXAM:
            row["final"] = True
            self.ev(
                sim,
                "approve_opinion",
                actor=leader,
                actor_unit=l_unit,
                to=S.CONCLUDED,
                data=dict(opinion),
            )
        else:
            self.ev(sim, "approve_opinion", actor=leader, actor_unit=l_unit, data=dict(opinion))

    def escalate(self, sim: Sim, due: date) -> None:
        """What the daily sweep did to an unanswered supervision notice: one level up the
        morning after each reply date (XFGZ Art. 40), until level 4."""
        row = sim.row
        while row["supervision_level"] < 4:
            day = due + timedelta(days=1)
            at = datetime.combine(day, time(2, 0), tzinfo=TZ)
            if at > self.until:
                return
            sim.t = max(at, sim.t + timedelta(minutes=1))
            row["supervision_level"] += 1
            due = sim.t.astimezone(TZ).date() + timedelta(days=5)
            row["supervision_due"] = due
            self.ev(
                sim,
                "escalate_supervision",
                actor=None,
                actor_unit=None,
                data={
                    "level": row["supervision_level"],
                    "level_name": SUPERVISION_LEVELS[row["supervision_level"]],
                    "reply_due": due.isoformat(),
                },
            )

    def answered(
        self,
        sim: Sim,
        rng: random.Random,
        office: Office,
        lead: Unit,
        handler: int | None,
        h_unit: int | None,
        b: Batch,
    ) -> None:
        """After the written reply: ratings, the return visit, conclusion, 复查."""
        row = sim.row
        t0 = sim.t
        plan: list[tuple[datetime, str]] = []
        if rng.random() < 0.5:
            plan.append((t0 + timedelta(days=rng.uniform(0.5, 10)), "rate"))
        visit_at = t0 + timedelta(days=1)
        visit: dict[str, Any] | None = None
        if visit_at <= self.until:
            visit = {
                "id": self._id(ReturnVisit),
                "matter_id": row["id"],
                "unit_id": lead.pk,
                "trigger": "answered",
                "created_at": visit_at,
                "done_at": None,
                "done_by_id": None,
                "method": "",
                "reached": None,
                "contacted": None,
                "solved": None,
                "rating": "",
                "note": "",
            }
            b.visits.append(visit)
            if rng.random() < 0.8:
                plan.append((t0 + timedelta(days=rng.uniform(2, 12)), "visit"))
        if rng.random() < 0.85:
            plan.append((t0 + timedelta(days=rng.uniform(3, 25)), "conclude"))
        if rng.random() < 0.06:
            plan.append((t0 + timedelta(days=rng.uniform(5, 29)), "review"))
        for at, what in sorted(plan, key=lambda p: p[0]):
            if at > self.until:
                break
            sim.t = max(at, sim.t + timedelta(minutes=1))
            if what == "rate" and not row["rating"]:
                rating = rng.choices(Rating.values, [70, 20, 10])[0]
                row["rating"] = rating
                self.ev(
                    sim,
                    "rate",
                    actor=None,
                    actor_unit=None,
                    citizen=True,
                    data={"rating": rating, "comment": ""},
                )
            elif what == "visit" and visit is not None:
                desk = rng.choice(self.desk[office.unit.pk])
                reached = rng.random() < 0.88
                rating = rng.choices(Rating.values, [65, 22, 13])[0] if reached else ""
                note = "回访中信访人表示" + ("满意。" if rating == "satisfied" else "有意见。")
                visit.update(
                    done_at=sim.t,
                    done_by_id=desk,
                    method=rng.choice(["phone", "phone", "sms", "online"]),
                    reached=reached,
                    contacted=(rng.random() < 0.92) if reached else None,
                    solved=(rng.random() < 0.68) if reached else None,
                    rating=rating,
                    note=note[:500],
                )
                if reached and rating and not row["rating"]:
                    row["rating"] = rating
                    self.ev(
                        sim,
                        "rate",
                        actor=desk,
                        actor_unit=office.unit.pk,
                        data={"rating": rating, "comment": f"回访评价：{note}"[:1000]},
                    )
            elif what == "conclude" and row["status"] == S.ANSWERED:
                self.ev(sim, "conclude", actor=handler, actor_unit=h_unit)
                self.checks(sim, rng, office, b)
            elif what == "review":
                self.followup(sim, rng, lead, Kind.REVIEW, b)
                break

    def checks(self, sim: Sim, rng: random.Random, office: Office, b: Batch) -> None:
        """回头看 as the sweep schedules them the day after conclusion, recorded when due."""
        concluded = sim.t.astimezone(TZ).date()
        last_day = self.until.astimezone(TZ).date()
        if concluded >= last_day:
            return
        for offset in self.followup_days:
            due = concluded + timedelta(days=offset)
            done = None
            if due < last_day and rng.random() < 0.85:
                done = min(
                    datetime.combine(due, time(10, 0), tzinfo=TZ)
                    + timedelta(days=rng.uniform(0, 3)),
                    self.until,
                )
            b.checks.append(
                {
                    "id": self._id(FollowupCheck),
                    "matter_id": sim.row["id"],
                    "offset_days": offset,
                    "due_on": due,
                    "done_at": done,
                    "done_by_id": rng.choice(self.desk[office.unit.pk]) if done else None,
                    "held": True if done else None,
                    "note": "回访核实，问题已解决，未出现反弹。" if done else "",
                    "reopened_id": None,
                }
            )

    def followup(self, parent: Sim, rng: random.Random, base: Unit, kind: str, b: Batch) -> None:
        """The petitioner asks for 复查 (or 复核): the linked matter of XFGZ Arts. 35–36."""
        organ = self.dep.organ_up(base)
        if organ is None or not self.dep.staff.get((organ.pk, Role.HANDLER)):
            return
        action = "request_review" if kind == Kind.REVIEW else "request_reexam"
        self.ev(
            parent,
            action,
            actor=None,
            actor_unit=None,
            citizen=True,
            data={"organ": organ.pk, "organ_name": organ.name},
        )
        p = parent.row
        label = "复查" if kind == Kind.REVIEW else "复核"
        at = parent.t
        row = dict(p)
        row.update(
            id=self._id(Matter),
            receipt_no=self._receipt(organ, at),
            kind=kind,
            parent_id=p["id"],
            repeat_of_id=None,
            title=f"【{label}】{p['title']}"[:120],
            received_at=at,
            registered_at=at,
            registered_unit_id=organ.pk,
            registered_by_id=None,
            status=S.HANDLING,
            lead_unit_id=None,
            dispatched_by_id=None,
            designated=False,
            is_paused=False,
            extension_state="",
            decision="",
            final=False,
            rating="",
            supervision_level=0,
            supervision_due=None,
            version=0,
            event_count=0,
            last_hash="",
        )
        child = Sim(row=row, until=self.until, t=at)
        for pet in [x for x in b.petitioners if x[1] == p["id"]]:
            b.petitioners.append((self._id(Petitioner), row["id"], *pet[2:]))
        self.set_units(child, organ)
        self.ev(
            child,
            "register",
            actor=None,
            actor_unit=None,
            citizen=True,
            to=S.HANDLING,
            data={
                "received_on": at.astimezone(TZ).date().isoformat(),
                "parent": p["receipt_no"],
                "anonymous": p["anonymous"],
            },
        )
        try:
            handler, h_unit = self.staff(rng, organ.pk, Role.HANDLER)
            leader, l_unit = self.staff(rng, organ.pk, Role.LEADER)
            self.handle(child, rng, None, handler, h_unit, leader, l_unit, at)
            if kind == Kind.REVIEW and row["status"] == S.ANSWERED and rng.random() < 0.3:
                self.step(child, rng, 3, 28)
                self.followup(child, rng, organ, Kind.REEXAM, b)
        except Stop:
            pass
        self.finish(child, b)
        b.matters.append(child)

    def finish(self, sim: Sim, b: Batch | None = None) -> None:
        """``refresh_deadlines``: the nearest open obligation from the pure clock."""
        row = sim.row
        clock = compute(
            matter_kind=row["kind"],
            category=row["category"],
            events=sim.clock_events,
            calendar=self.cal,
            today=self.until.astimezone(TZ).date(),
            policy=self.policy,
        )
        cur = clock.current()
        row["current_due"] = cur.due if cur else None
        row["current_due_kind"] = cur.kind if cur else ""
        row["answered_on_time"] = answered_on_time(clock, row["kind"])
        if (
            b is not None
            and cur is not None
            and cur.kind == "handling"
            and cur.due is not None
            and row["kind"] == Kind.ORIGINAL
            and row["lead_unit_id"]
        ):
            # The sweep's return-visit task when the handling period has run out.
            at = datetime.combine(cur.due + timedelta(days=1), time(2, 0), tzinfo=TZ)
            if at <= self.until:
                b.visits.append(
                    {
                        "id": self._id(ReturnVisit),
                        "matter_id": row["id"],
                        "unit_id": row["lead_unit_id"],
                        "trigger": "deadline",
                        "created_at": at,
                    }
                )

    # --- batches -------------------------------------------------------------------

    def batches(self, start: int) -> Iterator[tuple[int, int]]:
        first = start - start % self.batch
        for lo in range(first, self.n, self.batch):
            yield max(lo, start), min(lo + self.batch, self.n)

    def generate(self, lo: int, hi: int) -> Batch:
        b = Batch()
        self.recent = {}
        batch_start = lo - lo % self.batch
        for i in range(lo, hi):
            self.original(i, b, batch_start)
        return b

    def write(self, b: Batch) -> None:
        w = Writer()
        with transaction.atomic():
            w.rows(Matter, [s.row for s in b.matters])
            w.tuples(Petitioner, PETITIONER_COLUMNS, b.petitioners, converted=True)
            w.tuples(Event, EVENT_COLUMNS, [e for s in b.matters for e in s.events], converted=True)
            w.tuples(
                MatterUnit,
                ["id", "matter_id", "unit_id", "role", "active"],
                [
                    (self._id(MatterUnit), s.row["id"], u, role, active)
                    for s in b.matters
                    for u, role, active in s.units
                ],
            )
            w.rows(ReturnVisit, b.visits)
            w.rows(FollowupCheck, b.checks)
            # Sequences follow every batch, so an interrupted run leaves a usable database.
            reset_sequences()
            for unit, year in self.touched:
                ReceiptCounter.objects.update_or_create(
                    unit_id=unit, year=year, defaults={"last": self.counters[(unit, year)]}
                )
            self.touched.clear()


EVENT_COLUMNS = [
    "id",
    "matter_id",
    "seq",
    "action",
    "from_status",
    "to_status",
    "at",
    "actor_id",
    "actor_unit_id",
    "by_citizen",
    "reason",
    "data",
    "public",
    "prev_hash",
    "hash",
]
PETITIONER_COLUMNS = [
    "id",
    "matter_id",
    "name",
    "is_organisation",
    "id_number",
    "phone",
    "phone_index",
    "id_index",
    "address",
    "is_representative",
    "order",
]


class Writer:
    """Bulk rows straight to the database: ``executemany`` on SQLite, ``COPY`` elsewhere."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.vendor = connection.vendor
        self.raw = connection.connection
        if self.vendor == "sqlite":
            # A large page cache keeps the many indexes of matters and events in memory.
            self.raw.execute("PRAGMA cache_size=-400000")

    def rows(self, model: type[Model], dicts: list[dict[str, Any]]) -> None:
        if not dicts:
            return
        fields = model._meta.concrete_fields
        cols = [f.attname for f in fields]
        # Columns another part of the system added later get their model default.
        defaults = {f.attname: f.get_default() for f in fields}
        self.tuples(
            model, cols, [tuple(d[c] if c in d else defaults[c] for c in cols) for d in dicts]
        )

    def tuples(
        self,
        model: type[Model],
        attnames: list[str],
        rows: list[tuple[Any, ...]],
        *,
        converted: bool = False,
    ) -> None:
        """Insert ``rows`` (values in ``attnames`` order); ``converted`` rows already hold
        database values (JSON text, SQLite time strings)."""
        if not rows:
            return
        table = model._meta.db_table
        fields = {f.attname: f for f in model._meta.concrete_fields}
        columns = [fields[a].column for a in attnames]
        conv = [None if converted else _converter(self.vendor, fields[a]) for a in attnames]
        if not any(conv):
            conv = []
        quoted = ", ".join(connection.ops.quote_name(c) for c in columns)
        if self.vendor == "sqlite":
            sql = f"INSERT INTO {table} ({quoted}) VALUES ({', '.join('?' * len(columns))})"
            cur = self.raw.cursor()
            if conv:
                rows = [tuple(c(v) if c else v for c, v in zip(conv, r, strict=True)) for r in rows]
            cur.executemany(sql, rows)
            cur.close()
        else:
            with (
                self.raw.cursor() as cur,
                cur.copy(f"COPY {table} ({quoted}) FROM STDIN") as copy,
            ):
                for r in rows:
                    copy.write_row(
                        tuple(c(v) if c else v for c, v in zip(conv, r, strict=True)) if conv else r
                    )


def _sqlite_time(v: datetime) -> str:
    return v.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def _converter(vendor: str, f: Any) -> Callable[[Any], Any] | None:
    internal = f.get_internal_type()
    if internal == "JSONField":
        return lambda v: json.dumps(v)
    if vendor != "sqlite":
        return None
    if internal == "DateTimeField":
        return lambda v: None if v is None else _sqlite_time(v)
    if internal == "DateField":
        return lambda v: None if v is None else v.isoformat()
    return None


def reset_sequences() -> None:
    """After explicit ids, PostgreSQL's sequences must continue above them."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    models = [
        Matter,
        Event,
        Petitioner,
        MatterUnit,
        ReturnVisit,
        FollowupCheck,
        Unit,
        User,
        Membership,
    ]
    with connection.cursor() as cur:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cur.execute(sql)


def until_of(day: date) -> datetime:
    return datetime.combine(day, time(18, 0), tzinfo=TZ)


def seeded_originals(dep: Deployment) -> int:
    """How many original matters the deployment's offices registered: the resume point."""
    return Matter.objects.filter(
        kind=Kind.ORIGINAL, registered_unit_id__in=[o.unit.pk for o in dep.offices]
    ).count()


def now() -> datetime:
    return timezone.now()


def after_seed(until: datetime) -> None:
    """The daily rate counters, planner statistics and the search index (rebuilt, then
    analysed by ``xinfang reindex``) for what was written in bulk; the daily sweep, run once
    for the last seeded day as a running deployment's would have run (its alerts and
    notifications, return visits and follow-up checks, and the marks where its jobs left
    off in the event log), so that a benchmark's sweep is a day's run; on PostgreSQL a
    vacuum."""
    from django.core.management import call_command

    rebuild()
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    sweep(timezone.localdate(until))
    call_command("reindex")
    if connection.vendor == "postgresql" and not connection.in_atomic_block:
        # What autovacuum does to a database that has been running a while: the visibility
        # map that lets index-only scans skip the table (counting a county's matters by
        # registering unit read table pages before it, none after).
        with connection.cursor() as cur:
            cur.execute("VACUUM (ANALYZE)")
