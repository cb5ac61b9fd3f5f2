"""The specifics of a complaint text: who, where and how much.

Two complaints about the same kind of problem share most of their words; what tells a
repeat from a different matter is whether the specifics agree — the company or office
complained about, the estate, village or site, the amount and the number of people.
This is a light extraction from general Chinese cues only (no list of known names):

- numbers with their units: amounts (万元, 元, 百元 …, folded to yuan), counts of people
  or households (名, 人, 户, 口), clock hours (点), ages (岁), lengths (米), and dates
  (年, 月, 日: they only ever confirm — people date the same problem differently);
- named spans: up to four characters before a common suffix (公司, 集团, 工程队, 物业,
  小区, 花园, 村, 组, 社区, 街道, 镇, 乡, 医院, 学校, 工地, 项目, 路, 街, 厂, 中心, 办 …),
  cut at function words and at the previous span. The span without a name (的工地,
  物业公司 alone) is generic and ignored.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .text import normalise

# suffix → kind; the longest suffix at a position wins
SUFFIXES: dict[str, str] = {}
for _kind, _words in {
    "org": "有限公司 分公司 公司 集团 工程队 施工队 建筑队 厂 物业 商店 超市 酒店 饭店 "
    "银行 加油站 搅拌站 混凝土站 合作社",
    "office": "管委会 居委会 村委会 委员会 政府 办事处 办公室 办 局 所 中心 站 征迁组 工作组",
    "school": "医院 卫生院 诊所 学校 小学 中学 大学 幼儿园 学院",
    "estate": "小区 花园 家园 新村 苑 名居 华庭 公寓 大厦 广场 湾 山庄",
    "village": "村 社区 组 屋场",
    "site": "工地 工程 项目 改造 片区 工业园 园区 大桥 公园 市场",
    "road": "路 街 大道 巷",
    "area": "街道 镇 乡 县 区 市",
}.items():
    for _w in _words.split():
        SUFFIXES[_w] = _kind
MAX_PREFIX = 4
# characters that end a name when reading backwards from a suffix
STOPS = set(
    "的在了和与及或被给把向对从由是我你他她它们其该这那于为到将让就都也还又再说找住附近"
    "旁边内外里等之并而且但因所以如果要请求希望已经一直多次至今"
)
# a suffix followed by one of these is part of an ordinary word (办法, 村民, 所以, 物业费)
NOT_BEFORE = {
    "办": "法理事公",
    "所": "以有谓在",
    "村": "民里",
    "组": "织成长",
    "区": "域别",
    "市": "民场",
    "路": "灯上口过",
    "街": "坊头上",
    "站": "在起",
    "物业": "费",
    "镇": "定",
    "乡": "亲下",
    "中心": "城",
    "工程": "师款",
    "厂": "家",
}
# words that begin a clause, not a name (反映龙山湾 → 龙山湾)
LEADS = ("反映", "投诉", "举报", "关于", "位于", "讨要", "住在", "就在")
NAME_KINDS = ("org", "office", "school", "estate", "village", "site", "road", "area")

_NUM = re.compile(
    r"(\d+(?:\.\d+)?)\s*(万元|千元|百元|元|万|名|个人|人|户|口|点|岁|平方米|米|年|月|日)"
)
_UNITS: dict[str, tuple[str, float]] = {
    "万元": ("money", 10000),
    "万": ("money", 10000),
    "千元": ("money", 1000),
    "百元": ("money", 100),
    "元": ("money", 1),
    "名": ("count", 1),
    "个人": ("count", 1),
    "人": ("count", 1),
    "户": ("households", 1),
    "口": ("count", 1),
    "点": ("hour", 1),
    "岁": ("age", 1),
    "米": ("length", 1),
    "平方米": ("area_m2", 1),
    "年": ("date", 1),
    "月": ("date", 1),
    "日": ("date", 1),
}
CONFIRM_ONLY = {"date"}  # a difference proves nothing


_SUFFIX_RE = re.compile(
    "|".join(
        re.escape(w) + (f"(?![{NOT_BEFORE[w]}])" if w in NOT_BEFORE else "")
        for w in sorted(SUFFIXES, key=len, reverse=True)
    )
)


def _is_name_char(c: str) -> bool:
    return ("\u4e00" <= c <= "\u9fff" or c.isdigit()) and c not in STOPS


@dataclass(frozen=True)
class Specifics:
    """kind → values (names without their suffix's variants, numbers as strings)."""

    items: dict[str, frozenset[str]]

    def __bool__(self) -> bool:
        return bool(self.items)


@lru_cache(maxsize=4096)
def extract(text: str) -> Specifics:
    t = normalise(text)
    found: dict[str, set[str]] = defaultdict(set)
    # named spans
    boundary = 0  # where the previous span ended: a name never reaches back past it
    last: tuple[str, str] | None = None  # (kind, span) ending at ``boundary``
    for hit in _SUFFIX_RE.finditer(t):
        i, suf = hit.start(), hit.group()
        if i < boundary:
            continue
        kind = SUFFIXES[suf]
        j = i
        while j > boundary and i - j < MAX_PREFIX and _is_name_char(t[j - 1]):
            j -= 1
        name = t[j:i]
        for lead in LEADS:
            if name.startswith(lead):
                name = name[len(lead) :]
        if j == boundary and last is not None and last[0] == kind:
            # 绿城物业 + 分公司, 盛世物业 + 服务公司: one name told in two pieces
            found[kind].discard(last[1])
            name = last[1] + name
        if name:
            found[kind].add(name + suf)
            last = (kind, name + suf)
        else:
            last = None
        boundary = i + len(suf)
    # numbers with units
    for m in _NUM.finditer(t):
        kind, scale = _UNITS[m.group(2)]
        value = float(m.group(1)) * scale
        found[kind].add(m.group(0) if kind == "date" else f"{value:g}")
    return Specifics({k: frozenset(v) for k, v in found.items()})


def _same_name(a: str, b: str) -> bool:
    """Equal, one contained in the other (宏达公司 / 宏达建筑公司), or — read from the
    suffix backwards — one slip of the pen apart over at least five characters
    (安居务业服务公司 / 安居物业服务公司), while 嘉禾物业服务公司 / 康桥物业服务公司 differ."""
    if a == b or (min(len(a), len(b)) >= 3 and (a in b or b in a)):
        return True
    # the same ending, one stem the start of the other: 宏达公司 / 宏达建筑公司
    s = 0
    while s < min(len(a), len(b)) and a[-1 - s] == b[-1 - s]:
        s += 1
    sa, sb = a[: len(a) - s], b[: len(b) - s]
    if s >= 2 and min(len(sa), len(sb)) >= 2 and (sa.startswith(sb) or sb.startswith(sa)):
        return True
    n = min(len(a), len(b))
    return n >= 5 and sum(x != y for x, y in zip(a[-n:], b[-n:], strict=True)) == 1


@dataclass
class Comparison:
    agree: list[str]  # the shared values, for the reasons shown
    agree_kinds: list[str]
    differ_kinds: list[str]


UNIT_LABELS = {"count": "人", "households": "户", "hour": "点", "age": "岁", "length": "米"}


def shown(kind: str, value: str) -> str:
    """A value as people write it: 300000 (money) → 30万元."""
    if kind == "money":
        v = float(value)
        return f"{v / 10000:g}万元" if v >= 10000 else f"{v:g}元"
    if kind == "area_m2":
        return f"{value}平方米"
    return value + UNIT_LABELS.get(kind, "")


def compare(a: Specifics, b: Specifics) -> Comparison:
    """Per kind named in both texts: agree (some value in common) or differ (none)."""
    out = Comparison([], [], [])
    for kind in sorted(a.items.keys() & b.items.keys()):
        va, vb = a.items[kind], b.items[kind]
        if kind in NAME_KINDS:
            shared = [x for x in sorted(va) if any(_same_name(x, y) for y in vb)]
        else:
            shared = sorted(va & vb)
        if shared:
            out.agree_kinds.append(kind)
            out.agree.extend(shown(kind, v) for v in shared)
        elif kind not in CONFIRM_ONLY:
            out.differ_kinds.append(kind)
    return out
