"""A labelled corpus for same-matter detection, deterministic given a seed.

Each *case* is one real problem (topic, place, party, specifics). A case is told once as
the original matter and sometimes again as a true duplicate: a paraphrase with another
sentence frame, synonym swaps, typos, a shorter or longer retelling, or the same person
by another channel (same phone, terse text). Hard non-duplicates share topic and area
with a case but are a different problem (another party, place or specific).

    python bench/corpus.py --seed 7 --cases 300   # prints a summary
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field

AREAS = ["城关镇", "东湖镇", "桃园村", "青山街道", "河西乡", "新华社区"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = [
    "伟",
    "芳",
    "秀英",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "涛",
    "明",
    "超",
]
TYPOS = {
    "工": "功",
    "资": "姿",
    "补": "捕",
    "偿": "尝",
    "物": "务",
    "修": "休",
    "漏": "露",
    "拆": "折",
    "迁": "千",
    "噪": "燥",
    "款": "欵",
    "请": "清",
    "求": "球",
    "理": "里",
}

# topic → (titles, problem frames, specifics generator)
TOPICS: dict[str, dict[str, list[str]]] = {
    "wages": {
        "title": ["{party}拖欠工资", "反映{party}欠薪问题", "讨要{party}拖欠的工钱"],
        "frame": [
            "本人在{place}{site}务工，{party}拖欠我们{n}名工人工资共计{amount}万元，{when}。",
            "{when}，{party}在{place}{site}项目一直不支付{n}名农民工的工资，合计{amount}万元。",
            "我们{n}人给{party}干活，在{place}{site}，至今被拖欠工资{amount}万元，{when}。",
        ],
        "ask": ["请求督促{party}尽快支付。", "恳请劳动部门帮助追讨欠薪。", "希望政府出面解决。"],
        "site": ["安置房工地", "厂房工地", "道路工程", "学校扩建工程", "商业综合体"],
        "party": ["宏达建筑公司", "华鑫劳务公司", "恒泰建设集团", "鑫源装饰公司", "顺发工程队"],
    },
    "demolish": {
        "title": ["{party}拆迁补偿未到位", "反映{site}征收补偿问题", "拆迁补偿款迟迟不发"],
        "frame": [
            "{place}{site}项目拆迁时，{party}承诺的补偿款{amount}万元{when}仍未发放。",
            "我家位于{place}{site}范围内，房屋已被拆除，{party}应付的{amount}万元补偿款{when}。",
            "{when}，{place}{site}征收中{party}拖着{amount}万元补偿不给。",
        ],
        "ask": ["请求按协议足额支付补偿。", "要求落实安置和补偿。", "恳请尽快兑现补偿款。"],
        "site": ["老街改造", "高铁站片区", "工业园二期", "滨河公园", "城中村改造"],
        "party": ["区征收办", "镇政府征迁组", "城投公司", "开发区管委会", "土地储备中心"],
    },
    "property": {
        "title": ["{party}乱收费", "反映{site}物业服务差", "{site}物业不作为"],
        "frame": [
            "{place}{site}小区的{party}{when}擅自把物业费提高到每平方米{amount}元，业主不同意。",
            "我们是{place}{site}的业主，{party}收费涨到{amount}元一平，但电梯坏了没人修，{when}。",
            "{place}{site}小区物业公司{party}{when}，每平方米收{amount}元却不管卫生。",
        ],
        "ask": ["请求住建部门查处。", "要求物业公司退还多收的费用。", "希望相关部门督促整改。"],
        "site": ["锦绣花园", "阳光小区", "金桂苑", "学府名居", "翠湖湾"],
        "party": ["嘉禾物业", "安居物业服务公司", "万家物业", "绿城物业分公司", "康桥物业"],
    },
    "noise": {
        "title": ["{party}夜间施工噪音扰民", "反映{site}噪声污染", "{site}施工扰民"],
        "frame": [
            "{place}{site}旁边的{party}{when}每天夜里施工到凌晨{amount}点，噪音很大无法休息。",
            "{party}在{place}{site}夜间作业，机器声一直持续到{amount}点，{when}。",
            "住在{place}{site}，{party}的工地{when}晚上施工到{amount}点，严重扰民。",
        ],
        "ask": ["请求环保部门制止夜间施工。", "要求依法处罚。", "希望还居民安静。"],
        "site": ["幸福里", "东方家园", "实验小学", "人民医院宿舍", "和平新村"],
        "party": ["城建三公司", "中兴路桥", "远大混凝土站", "盛世建工", "鼎力市政"],
    },
    "dibao": {
        "title": ["低保被{party}取消", "反映低保资格问题", "申请恢复低保"],
        "frame": [
            "我家住{place}{site}，家中{n}口人生活困难，{when}低保被{party}取消，每月少了{amount}百元。",
            "{place}{site}村民，{party}{when}取消了我家低保，家里{n}人靠这{amount}百元生活。",
            "{when}，{party}说我家不符合条件停了低保，我们{place}{site}{n}口人没有收入，原来每月{amount}百元。",
        ],
        "ask": ["请求重新核查并恢复低保。", "恳请民政部门复核。", "希望给予救助。"],
        "site": ["三组", "五组", "上屋场", "新村", "河口"],
        "party": ["镇民政办", "村委会", "街道社会事务办", "社区居委会", "乡政府"],
    },
}
WHEN = ["已经拖了半年", "多次反映至今未解决", "从去年十月到现在", "今年三月以来", "两年多了"]
BACKGROUND = [
    "此前我们已经向有关部门打过电话，也写过信。",
    "我们一家老小生活受到很大影响。",
    "该问题在当地群众中反映强烈。",
    "相关证据和材料可以提供。",
]
SWAPS = [
    ("拖欠", "欠着"),
    ("工资", "工钱"),
    ("补偿款", "补偿"),
    ("噪音", "噪声"),
    ("物业公司", "物业"),
    ("请求", "希望"),
    ("至今", "到现在"),
    ("取消", "停了"),
]


@dataclass
class Item:
    id: int
    case: int
    topic: str
    area: str
    title: str
    text: str
    name: str
    phone: str
    channel: str
    kind: str  # original | paraphrase | synonyms | typos | shorter | longer | channel | negative
    days_ago: int


@dataclass
class Corpus:
    items: list[Item] = field(default_factory=list)

    def pairs(self) -> set[tuple[int, int]]:
        """True duplicate pairs (later id, earlier id)."""
        by_case: dict[int, list[int]] = {}
        for it in self.items:
            by_case.setdefault(it.case, []).append(it.id)
        return {(b, a) for ids in by_case.values() for a in ids for b in ids if b > a}


def _person(rng: random.Random) -> tuple[str, str]:
    return rng.choice(SURNAMES) + rng.choice(GIVEN), "13" + "".join(rng.choices("0123456789", k=9))


def _tell(rng: random.Random, spec: dict, slots: dict, *, frame: int) -> tuple[str, str]:
    title = rng.choice(spec["title"]).format(**slots)
    text = spec["frame"][frame].format(**slots) + rng.choice(spec["ask"]).format(**slots)
    return title, text


def _typos(rng: random.Random, text: str, k: int = 3) -> str:
    chars = list(text)
    spots = [i for i, c in enumerate(chars) if c in TYPOS]
    for i in rng.sample(spots, min(k, len(spots))):
        chars[i] = TYPOS[chars[i]]
    return "".join(chars)


def generate(
    seed: int = 7, cases: int = 300, dup_rate: float = 0.5, neg_rate: float = 0.5
) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    nid = 0

    def add(**kw: object) -> None:
        nonlocal nid
        nid += 1
        corpus.items.append(Item(id=nid, **kw))  # type: ignore[arg-type]

    used: set[tuple[str, str, str, str]] = set()  # one problem per topic, area, site, party
    for case in range(cases):
        for _try in range(50):
            topic = rng.choice(list(TOPICS))
            spec = TOPICS[topic]
            area = rng.choice(AREAS)
            site, party = rng.choice(spec["site"]), rng.choice(spec["party"])
            if (topic, area, site, party) not in used:
                break
        used.add((topic, area, site, party))
        slots = {
            "place": area,
            "site": site,
            "party": party,
            "amount": rng.randint(2, 60),
            "n": rng.randint(2, 40),
            "when": rng.choice(WHEN),
        }
        name, phone = _person(rng)
        f0 = rng.randrange(3)
        title, text = _tell(rng, spec, slots, frame=f0)
        days = rng.randint(30, 400)
        add(
            case=case,
            topic=topic,
            area=area,
            title=title,
            text=text,
            name=name,
            phone=phone,
            channel="letter",
            kind="original",
            days_ago=days,
        )
        if rng.random() < dup_rate:
            how = rng.choice(["paraphrase", "synonyms", "typos", "shorter", "longer", "channel"])
            t2, x2, n2, p2, ch = title, text, name, phone, rng.choice(["phone", "online", "visit"])
            if how == "paraphrase":
                t2, x2 = _tell(rng, spec, slots, frame=(f0 + 1 + rng.randrange(2)) % 3)
                n2, p2 = _person(rng) if rng.random() < 0.5 else (name, phone)
            elif how == "synonyms":
                for a, b in rng.sample(SWAPS, 4):
                    x2 = x2.replace(a, b)
                n2, p2 = _person(rng)
            elif how == "typos":
                x2 = _typos(rng, x2)
                n2, p2 = _person(rng)
            elif how == "shorter":
                x2 = x2.split("，")[0] + "，" + x2.split("，")[-1]
                n2, p2 = _person(rng)
            elif how == "longer":
                x2 = rng.choice(BACKGROUND) + x2 + rng.choice(BACKGROUND)
                n2, p2 = _person(rng)
            else:  # the same person by phone: same number, terse text
                t2, x2 = _tell(rng, spec, slots, frame=rng.randrange(3))
                x2 = x2.split("。")[0] + "。"
            add(
                case=case,
                topic=topic,
                area=area,
                title=t2,
                text=x2,
                name=n2,
                phone=p2,
                channel=ch,
                kind=how,
                days_ago=max(days - rng.randint(1, 25), 0),
            )
        if rng.random() < neg_rate:
            other = dict(slots)
            for _try in range(50):
                for k in rng.sample(["site", "party"], rng.choice([1, 2])):
                    other[k] = rng.choice([v for v in spec[k] if v != slots[k]])
                if (topic, area, other["site"], other["party"]) not in used:
                    break
            used.add((topic, area, str(other["site"]), str(other["party"])))
            other["amount"] = (slots["amount"] + rng.randint(5, 30)) % 90 + 1
            t3, x3 = _tell(rng, spec, other, frame=rng.randrange(3))
            n3, p3 = _person(rng)
            add(
                case=cases + case,
                topic=topic,
                area=area,
                title=t3,
                text=x3,
                name=n3,
                phone=p3,
                channel="letter",
                kind="negative",
                days_ago=rng.randint(0, 400),
            )
    return corpus


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--cases", type=int, default=300)
    a = ap.parse_args()
    c = generate(a.seed, a.cases)
    kinds: dict[str, int] = {}
    for it in c.items:
        kinds[it.kind] = kinds.get(it.kind, 0) + 1
    print(f"{len(c.items)} items, {len(c.pairs())} duplicate pairs; {kinds}")
    for it in c.items[:6]:
        print(it.kind, it.title, "|", it.text)


if __name__ == "__main__":
    main()
