"""Chinese complaint texts for seeded deployments (deterministic per ``rng``).

Builds on the demo vocabulary (``xinfang.demo.texts``): the same templates per topic, filled
with the places of any township (``Place``), lengthened to 100–300 characters. Other tools
(the django-helpdesk comparison, search benchmarks) use ``complaint()`` so that every system
is measured on the same kind of text.
"""

from __future__ import annotations

import random

from xinfang.demo import texts as demo
from xinfang.demo.texts import Town as Place

__all__ = ["Place", "address", "complaint", "id_number", "person", "phone", "place"]

TOPICS = tuple(demo.TEMPLATES)
VILLAGE_WORDS = "桃李杏柳松竹梅兰荷桂枫槐杨枣橙"
VILLAGE_SUFFIX = ("村", "村", "村", "社区")
PLACE_WORDS = "东西南北上下前后新老大小长高"
ESTATE_WORDS = ("花园", "小区", "家园", "新村", "名苑", "华庭", "雅居", "公寓")
ROAD_WORDS = ("路", "大道", "街", "公路")
LINK = (
    "另外，",
    "同时，",
    "需要说明的是，",
    "据了解，",
    "我们注意到，",
)
LONGER = (
    "这个问题已经持续了{months}个月，周边群众反映强烈。",
    "我们多次找到{who}协商，对方都以各种理由推脱。",
    "去年{month}月曾经反映过一次，当时答应处理，后来就没有下文了。",
    "希望有关部门能够实地调查核实，依法依规处理，并把结果书面告诉我们。",
    "附近{n}户居民都可以作证，相关照片和视频我们都保存着。",
    "家里老人年纪大了，身体不好，实在经不起这样折腾。",
    "恳请领导高度重视，督促有关单位尽快拿出解决办法。",
)


def place(rng: random.Random, name: str, code: str, villages: tuple[str, ...] = ()) -> Place:
    """A township with invented villages, estates and roads (names are fictional)."""
    if not villages:
        villages = tuple(
            rng.choice(PLACE_WORDS) + rng.choice(VILLAGE_WORDS) + rng.choice(VILLAGE_SUFFIX)
            for _ in range(4)
        )
    base = name[:2]
    estates = tuple(
        base + rng.choice(PLACE_WORDS) + rng.choice(ESTATE_WORDS) for _ in range(rng.randint(2, 4))
    )
    roads = tuple(base + rng.choice(PLACE_WORDS) + rng.choice(ROAD_WORDS) for _ in range(2))
    return Place(name, code, villages, estates, roads)


def person(rng: random.Random) -> str:
    return demo.person(rng)


def phone(rng: random.Random) -> str:
    return demo.phone(rng)


def id_number(rng: random.Random, code: str) -> str:
    """An 18-character resident identity number shaped like the real ones (GB 11643)."""
    birth = f"{rng.randint(1945, 2004)}{rng.randint(1, 12):02d}{rng.randint(1, 28):02d}"
    body = (code[:6] or "360421") + birth + f"{rng.randrange(1000):03d}"
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    check = "10X98765432"[sum(int(c) * w for c, w in zip(body, weights, strict=True)) % 11]
    return body + check


def address(rng: random.Random, county: str, town: Place) -> str:
    if rng.random() < 0.5:
        village = rng.choice(town.villages)
        return f"{county}{town.name}{village}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
    return (
        f"{county}{town.name}{rng.choice(town.estates)}{rng.randint(1, 20)}栋"
        f"{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
    )


def complaint(rng: random.Random, topic: str, town: Place) -> tuple[str, str, str]:
    """(title, content, facts) of a grievance about ``town`` on ``topic`` (a topic code such
    as ``LD`` or ``ZD``); content + facts run from 100 to 300 characters."""
    t = demo.matter_text(rng, topic, town)
    content, facts = t.content, t.facts
    v = {
        "months": rng.randrange(2, 30),
        "who": rng.choice(demo.WHO),
        "month": rng.randrange(1, 13),
        "n": rng.randrange(3, 60),
    }
    pool = list(LONGER)
    rng.shuffle(pool)
    want = rng.randint(100, 300)
    while len(content) + len(facts) < want and pool:
        s = rng.choice(LINK) + pool.pop().format(**v)
        if len(content) + len(facts) + len(s) > 300:
            break
        facts += s
    while len(content) + len(facts) < 100:
        facts += "请求有关部门依法处理。"
    return t.title, content, facts[: max(0, 300 - len(content))]
