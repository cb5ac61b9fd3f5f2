"""Same-matter detection at intake (XFGZ Art. 19 para 3, Art. 36 para 3: one matter, one
handling; repeats are linked, not handled twice).

Candidates are cheap at any size: the rarest informative bigrams of the new text, each
fetching the newest few hundred matters that contain it from the index, plus exact
petitioner matches (the blind indexes of the ID number and the phone; the name in the same
area). The few hundred
candidates are then ranked precisely by IDF-weighted bigram overlap on synonym-folded
text, combined with the structured signals. Only matters visible to the user are
considered; petitioner signals only for matters whose identity the user may see
(XFGZ Art. 30).
"""

from __future__ import annotations

import math
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterable, Sequence, Set
from dataclasses import dataclass, field
from datetime import timedelta
from functools import lru_cache
from typing import Any

from django.db.models.signals import post_delete, post_save
from django.utils import timezone

from xinfang.cases import access
from xinfang.cases.inputs import PetitionerIn
from xinfang.cases.models import Matter, Petitioner
from xinfang.org.models import Unit, prefetch_memberships

from .backends import PostgresBackend, Term, backend
from .frequencies import DOCS, document_frequencies
from .specifics import NAME_KINDS, Specifics, compare, extract
from .text import tokens

RARE_TOKENS = 8  # bigrams of the new text used to fetch candidates
PER_TOKEN = 150  # newest matters fetched per bigram
RANKED = 150  # candidates ranked precisely
RECENT_DAYS = 180
SAME_ID = 0.5  # share of the remainder added for the same ID document number
SAME_PHONE = 0.4  # … for the same petitioner's phone
SAME_NAME = 0.2  # … for the same name in the same area (names repeat; phones rarely)
THRESHOLD = 0.65  # score from which a row is "probably the same matter" (bench/search_quality.py)

# Words complainants and registrars use interchangeably; folded before comparing texts
# (not before indexing: search finds what was written).
SYNONYMS: tuple[tuple[str, str], ...] = (
    ("拖欠工资", "欠薪"),
    ("拖欠薪资", "欠薪"),
    ("克扣工资", "欠薪"),
    ("工钱", "工资"),
    ("薪水", "工资"),
    ("农民工", "工人"),
    ("务工人员", "工人"),
    ("噪声", "噪音"),
    ("扰民", "噪音"),
    ("征收", "拆迁"),
    ("征迁", "拆迁"),
    ("补偿款", "补偿"),
    ("赔偿款", "补偿"),
    ("物业公司", "物业"),
    ("物业服务企业", "物业"),
    ("物业管理处", "物业"),
    ("开发商", "开发公司"),
    ("房地产公司", "开发公司"),
    ("渗水", "漏水"),
    ("渗漏", "漏水"),
    ("低保金", "低保"),
    ("最低生活保障", "低保"),
    ("养老保险金", "养老金"),
    ("退休金", "养老金"),
    ("垃圾堆放", "垃圾"),
    ("乱倒垃圾", "垃圾"),
    ("臭味", "异味"),
    ("恶臭", "异味"),
    ("停水", "断水"),
    ("停电", "断电"),
    ("路灯不亮", "路灯损坏"),
    ("不予办理", "不办理"),
    ("至今未", "一直没有"),
    ("迟迟不", "一直没有"),
    ("多次反映", "反复反映"),
    ("屡次反映", "反复反映"),
    ("恳请", "请求"),
    ("希望", "请求"),
    ("要求", "请求"),
)


class UnitNameTokens:
    """The index tokens of every unit's name, kept per process.

    The main index holds the names of a matter's registering unit, area and accused unit
    (``services._other``), so a bigram of a unit's name (高街 of 城高街道, 李社 of 南李社区) is in
    every matter of that unit, while its document frequency counts titles and texts only, so
    far more matters hold it in the index than it is counted in. Candidates are not fetched
    through such bigrams: they would bring matters of the same place rather than the same
    text (the area is a signal of its own), and their postings are much denser than the
    frequency that sizes the fetch (PostgreSQL read many times the rows wanted from the
    heap). Read again when this process saves or deletes a unit and every ``TTL`` seconds,
    for units changed by another process: until then a new unit's bigrams may still fetch
    candidates, as they did before."""

    TTL = 300.0

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at: float | None = None  # when the tokens were read; None: read them again
        self._tokens: frozenset[str] = frozenset()
        self._forgotten = 0  # a unit saved while the names were read: keep nothing

    def get(self) -> frozenset[str]:
        with self._lock:
            if self._at is not None and time.monotonic() - self._at < self.TTL:
                return self._tokens
            forgotten = self._forgotten
        found = frozenset(
            t for name in Unit.objects.values_list("name", flat=True) for t in tokens(name)
        )
        with self._lock:
            if forgotten == self._forgotten:
                self._at, self._tokens = time.monotonic(), found
        return found

    def forget(self, **_kw: Any) -> None:
        with self._lock:
            self._at = None
            self._forgotten += 1


unit_name_tokens = UnitNameTokens()
post_save.connect(unit_name_tokens.forget, sender=Unit, dispatch_uid="similar-unit-tokens")
post_delete.connect(unit_name_tokens.forget, sender=Unit, dispatch_uid="similar-unit-tokens-del")


def fold(text: str) -> str:
    for a, b in SYNONYMS:
        text = text.replace(a, b)
    return text


def bigrams(text: str) -> set[str]:
    """The set of index tokens of ``text`` after synonym folding: what texts are compared
    by (``Idf.similarity``)."""
    return set(tokens(fold(text)))


@lru_cache(maxsize=2048)
def bag(text: str) -> frozenset[str]:
    """``bigrams`` of a candidate's text, cached per process as ``specifics.extract`` is:
    at intake an office's recent matters come back as candidates for one new text after
    another, and tokenising them again was a large share of a suggestion. Tokens are
    interned, so cached sets share their strings instead of each holding its own."""
    return frozenset(map(sys.intern, bigrams(text)))


# The columns of ``Similar.matter`` (the panel's row, ``SimilarOut``); others are read on use.
SHOWN = ("receipt_no", "title", "status", "received_at", "lead_unit", "lead_unit__name")


@dataclass
class Similar:
    matter: Matter
    score: float  # 0–1
    reasons: list[str] = field(default_factory=list)
    text_score: float = 0.0


class Idf:
    """IDF weights of a set of texts' bigrams, and the similarity of two texts from them.

    Squared IDF: the bigrams every complaint of a kind shares (请求, 反映, 补偿…) count for
    almost nothing, the specifics (party, site, amount) for much. A token the index has
    never counted comes from synonym folding (工人, 请求…): it is taken as common rather
    than rare, or every folded complaint would look alike. Each term's weight and its
    square are computed once (``add``); texts are sets of bigrams, so no weight vector is
    built per text (a call ranks up to a few hundred, a hot-spot report thousands)."""

    def __init__(self, df: dict[str, int], n: int) -> None:
        self.df, self.n, self.unknown = df, n, max(n // 20, 1)
        self.w: dict[str, float] = {}
        self.w2: dict[str, float] = {}

    def add(self, bag: Iterable[str]) -> None:
        w, w2, df, n = self.w, self.w2, self.df, self.n
        for t in bag:
            if t not in w:
                x = w[t] = math.log((n + 1) / (df.get(t, self.unknown) + 1)) ** 2 + 0.01
                w2[t] = x * x

    def norms(self, bag: Set[str]) -> tuple[float, float]:
        """(Euclidean norm, sum) of ``bag``'s weights; every term ``add``-ed before."""
        return math.sqrt(sum(map(self.w2.__getitem__, bag))), sum(map(self.w.__getitem__, bag))

    def similarity(
        self,
        a: Set[str],
        a_norms: tuple[float, float],
        b: Set[str],
        b_norms: tuple[float, float] | None = None,
    ) -> float:
        """Mean of the weighted cosine and overlap (containment of the shorter text), so a
        shorter or longer retelling of the same matter still scores high. A bigram weighs
        the same in both texts, so the cosine's numerator is the sum of the shared
        bigrams' squared weights."""
        if not a or not b:
            return 0.0
        common = a & b
        inter = sum(map(self.w.__getitem__, common))
        inter2 = sum(map(self.w2.__getitem__, common))
        na, sa = a_norms
        nb, sb = b_norms or self.norms(b)
        return 0.5 * inter2 / (na * nb) + 0.5 * inter / min(sa, sb)


# How specifics change a text score: each kind named alike in both texts moves the score
# part of the way to 1; each kind named differently in both (another company, another
# estate, another amount) scales it down. Names weigh more than figures, because a second
# person of a group may quote their own share; the area is also a structured signal.
AGREE_NAME = 0.2
AGREE_NUMBER = 0.1
DIFFER_NAME = 0.45
DIFFER_AREA = 0.6
OTHER_AREA = 0.8  # the registrar chose another area than the earlier matter's
DIFFER_NUMBER = 0.7


def specifics_factor(a: Specifics, b: Specifics) -> tuple[float, float, list[str], list[str]]:
    """(boost share, penalty factor, shared values, kinds that differ) of two texts."""
    c = compare(a, b)
    boost = 0.0
    for k in c.agree_kinds[:4]:
        if k == "area":
            continue
        boost += AGREE_NAME if k in NAME_KINDS else AGREE_NUMBER
    factor = 1.0
    for k in c.differ_kinds:
        if k == "area":
            factor *= DIFFER_AREA
        else:
            factor *= DIFFER_NAME if k in NAME_KINDS else DIFFER_NUMBER
    return min(boost, 0.6), factor, c.agree, c.differ_kinds


def adjusted(sim: float, a: Specifics, b: Specifics) -> tuple[float, list[str]]:
    """The text score after comparing specifics, with the reasons to show."""
    boost, factor, shared, differ = specifics_factor(a, b)
    score = (sim + (1 - sim) * boost) * factor
    reasons = []
    if shared and boost:
        reasons.append(f"具体信息一致：{'、'.join(shared[:4])} / same specifics")
    if differ:
        kinds = "、".join(KIND_LABELS.get(k, k) for k in differ)
        reasons.append(f"具体信息不同（{kinds}） / different specifics")
    return score, reasons


KIND_LABELS = {
    "org": "单位",
    "office": "机关",
    "school": "医院学校",
    "estate": "小区",
    "village": "村组社区",
    "site": "地点项目",
    "road": "道路",
    "area": "乡镇街道",
    "money": "金额",
    "count": "人数",
    "households": "户数",
    "hour": "时间",
    "age": "年龄",
    "length": "距离",
    "area_m2": "面积",
}


def _people(petitioners: Sequence[PetitionerIn | dict[str, Any]]) -> list[PetitionerIn]:
    out = []
    for p in petitioners:
        pi = PetitionerIn.of(p)
        if (pi.name or "").strip() or (pi.phone or "").strip() or (pi.id_number or "").strip():
            out.append(pi)
    return out


ID_REASON = "同一信访人（证件号码相同）/ same petitioner (ID number)"
PHONE_REASON = "同一信访人（电话相同）/ same petitioner (phone)"
NAME_REASON = "同一信访人（姓名、属地相同）/ same petitioner (name, area)"


def _same_person_candidates(
    people: list[PetitionerIn], area: Any, limit: int = 50
) -> list[tuple[int, str, float]]:
    """(matter id, reason, weight), strongest first, of earlier matters of the same
    petitioner, from the blind indexes and the index of names alone (the newest few of each);
    ``_same_person`` then keeps those the user may see including their identity."""
    if not people:
        return []
    area_id = getattr(area, "pk", area)
    wide = limit * 4
    cand: list[tuple[int, str, float]] = []
    for p in people:
        # An ID number identifies a person; phones are shared within families.
        for i in (
            Petitioner.objects.with_id_number(p.id_number or "")
            .order_by("-matter_id")
            .values_list("matter_id", flat=True)[:wide]
        ):
            cand.append((i, ID_REASON, SAME_ID))
        phone = (p.phone or "").strip()
        if len(phone) >= 5:
            for i in (
                Petitioner.objects.with_phone(phone)
                .order_by("-matter_id")
                .values_list("matter_id", flat=True)[:wide]
            ):
                cand.append((i, PHONE_REASON, SAME_PHONE))
        name = (p.name or "").strip()[:100]  # as registration stores it
        if len(name) >= 2 and area_id is not None:
            # the same name, not a name that contains it (张三 is not 张三丰), through the
            # names' own index: as a phrase in the names' text index a common name was
            # rechecked in every document holding its bigrams
            named = (
                Petitioner.objects.filter(name=name)
                .order_by("-matter_id")
                .values("matter_id")[:wide]
            )
            # of the newest namesakes, those in the same area (most live elsewhere), by key
            for i in (
                Matter.objects.filter(pk__in=named, area_id=area_id)
                .order_by("-pk")
                .values_list("pk", flat=True)
            ):
                cand.append((i, NAME_REASON, SAME_NAME))
    return cand


def _same_person(
    user: Any, cand: list[tuple[int, str, float]], visible: set[int], limit: int = 50
) -> dict[int, tuple[str, float]]:
    """Matter id → (reason, weight) of the candidates among ``visible`` (the ids
    ``access.visible`` the user) whose identity the user may also see (XFGZ Art. 30), at most
    ``limit`` per reason. The visibility test is the one ``similar_matters`` makes for
    every candidate: building ``access.visible`` again cost more than running it."""
    ids = {c[0] for c in cand if c[0] in visible}
    if not ids:
        return {}
    allowed = set(
        access.restrict(Matter.objects.filter(pk__in=ids), user, "identity").values_list(
            "pk", flat=True
        )
    )
    found: dict[int, tuple[str, float]] = {}
    taken: Counter[str] = Counter()
    for i, reason, weight in cand:
        if i not in allowed or taken[reason] >= limit:
            continue
        if i not in found:
            found[i] = (reason, weight)
            taken[reason] += 1
    return found


def same_person_matters(
    user: Any,
    petitioners: Sequence[PetitionerIn | dict[str, Any]],
    area: Any = None,
    *,
    exclude_id: int | None = None,
) -> dict[int, tuple[str, float]]:
    """Earlier matters of the same petitioner (ID number, phone, or the same name in
    ``area``) that ``user`` may see, their petitioners included, as matter id → (reason,
    weight): the lookup behind the same-matter panel's "same petitioner", alone."""
    cand = _same_person_candidates(_people(petitioners), area)
    if exclude_id is not None:
        cand = [c for c in cand if c[0] != exclude_id]
    if not cand:
        return {}
    if getattr(user, "is_authenticated", False):
        prefetch_memberships(user)  # the read and identity rules read them
    ids = {c[0] for c in cand}
    visible = set(access.visible(user).filter(pk__in=ids).values_list("pk", flat=True))
    return _same_person(user, cand, visible)


def similar_matters(
    *,
    user: Any,
    text: str,
    title: str = "",
    petitioners: Sequence[PetitionerIn | dict[str, Any]] = (),
    area: Any = None,
    topic: Any = None,
    exclude_id: int | None = None,
    limit: int = 8,
    threshold: float = 0.0,
) -> list[Similar]:
    """Matters visible to ``user`` that may be the same matter as the one being
    registered, best first, each with a score (0–1) and short bilingual reasons."""
    raw = tokens(f"{title}\n{text}")
    people = _people(petitioners)
    if not raw and not people:
        return []
    be = backend()
    df = document_frequencies([*raw, DOCS])
    n = max(df.get(DOCS, 0), 1)
    # the rarest bigrams that some document has; very common ones fetch nothing useful
    # (PostgreSQL reads every match of the tokens from the heap: keep them rarer there),
    # nor do those of units' names (``UnitNameTokens``)
    cap = max(n // (100 if isinstance(be, PostgresBackend) else 10), 50)
    named = unit_name_tokens.get()
    present = sorted(
        (df[t], t) for t in set(raw) if t in df and 0 < df[t] <= cap and t not in named
    )
    hits: Counter[int] = Counter()
    rare = [t for _d, t in present[:RARE_TOKENS]]
    if isinstance(be, PostgresBackend):
        with be.bitmaps():
            for t in rare:
                hits.update(be.newest(t, limit=PER_TOKEN, share=df[t] / n))
    else:
        for t in rare:  # the newest matches of each, as FTS5 reads them from its doclist
            hits.update(be.ids("main", [Term((t,))], limit=PER_TOKEN))
    if getattr(user, "is_authenticated", False):
        prefetch_memberships(user)  # access.staff_scope and the identity rule read them
    scope = access.staff_scope(user)  # read once for the visibility test below
    cand = _same_person_candidates(people, area)
    if exclude_id is not None:
        hits.pop(exclude_id, None)
        cand = [c for c in cand if c[0] != exclude_id]
    ranked = [i for i, _c in hits.most_common(RANKED * 2)]
    visible = set(
        access.visible(user, scope)
        .filter(pk__in={*ranked, *(c[0] for c in cand)})
        .values_list("pk", flat=True)
    )
    person = _same_person(user, cand, visible)
    chosen = [i for i in ranked if i in visible][:RANKED]
    chosen += [i for i in person if i not in chosen]  # ``person`` holds visible ids only
    if not chosen:
        return []
    # rank on the few columns that matter; whole rows only for the rows returned
    rows = {
        r[0]: r
        for r in Matter.objects.filter(pk__in=chosen).values_list(
            "pk", "title", "content", "facts", "area_id", "topic_id", "received_at"
        )
    }
    texts = {pk: f"{r[1]}\n{r[2]}\n{r[3]}" for pk, r in rows.items()}
    q_bag = bigrams(f"{title}\n{text}")
    bags = {pk: bag(t) for pk, t in texts.items()}
    everything = q_bag.union(*bags.values())
    df.update(document_frequencies(t for t in everything if t not in df))
    idf = Idf(df, n)
    idf.add(everything)
    q_norms = idf.norms(q_bag)
    q_spec = extract(f"{title}\n{text}")
    area_id = getattr(area, "pk", area)
    topic_id = getattr(topic, "pk", topic)
    now = timezone.now()
    scored: list[tuple[float, int, list[str], float]] = []
    for pk, (_pk, _t, _c, _f, m_area, m_topic, received) in rows.items():
        sim = idf.similarity(q_bag, q_norms, bags[pk])
        reasons = []
        if sim >= 0.2:
            reasons.append(f"内容相似 {sim:.2f} / text similarity")
        score, why = adjusted(sim, q_spec, extract(texts[pk]))
        if sim >= 0.2:
            reasons += why
        if pk in person:
            why_person, weight = person[pk]
            reasons.insert(0, why_person)
            score += (1 - score) * weight
        same_area = area_id is not None and m_area == area_id
        if area_id is not None and m_area is not None and not same_area:
            score *= OTHER_AREA
        if same_area and topic_id is not None and m_topic == topic_id:
            reasons.append("同一属地和类别 / same area and topic")
            score += (1 - score) * 0.1
        if now - received <= timedelta(days=RECENT_DAYS):
            score += (1 - score) * 0.03
        if score >= threshold and reasons:
            scored.append((round(min(score, 1.0), 3), pk, reasons, round(sim, 3)))
    scored.sort(key=lambda x: (-x[0], -x[1]))
    scored = scored[:limit]
    # what the panel and the API show, not whole rows and four units (on PostgreSQL those
    # cost several times as much as the rows shown)
    matters = Matter.objects.select_related("lead_unit").only(*SHOWN)
    by_id = matters.in_bulk([pk for _s, pk, _r, _t in scored])
    out = [Similar(by_id[pk], sc, rs, ts) for sc, pk, rs, ts in scored if pk in by_id]
    out.sort(key=lambda s: (-s.score, -s.matter.pk))
    return out[:limit]
