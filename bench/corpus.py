"""A labelled corpus for same-matter detection, deterministic given a seed.

Each *case* is one real problem (topic, place, party, specifics). A case is told once as
the original matter and sometimes again as a true duplicate: another sentence frame,
synonym swaps, typos, a shorter or longer retelling, a different member of the same
group telling it (another name and phone, another frame, sometimes their own share of
the amount), or the same person by another channel (same phone, terse text). Hard
non-duplicates share topic and area with a case but are a different problem: another
party or site, or the *same party* at another site with other figures.

Parties and sites are composed from parts (brand + trade + suffix), so there are
hundreds of them and the detector cannot know them; some carry no telltale suffix at all
(商业综合体, 幸福里, 盛世建工). Texts run from one terse sentence to about 250 characters.

    python bench/corpus.py --seed 7 --cases 300   # prints a summary
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field

AREAS = ["城关镇", "东湖镇", "桃园村", "青山街道", "河西乡", "新华社区"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
GIVEN = ["伟", "芳", "秀英", "敏", "静", "丽", "强", "磊", "军", "洋", "勇", "艳", "杰"]
GIVEN += ["涛", "明", "超", "建国", "桂兰", "志强", "海燕", "根生", "春华", "玉梅"]
BRANDS = [
    "宏达",
    "华鑫",
    "恒泰",
    "鑫源",
    "顺发",
    "金盛",
    "远大",
    "鼎力",
    "盛世",
    "万通",
    "嘉禾",
    "安居",
    "康桥",
    "绿城",
    "天成",
    "永安",
    "福泰",
    "润达",
]

PLACES = [
    "锦绣",
    "阳光",
    "金桂",
    "学府",
    "翠湖",
    "东方",
    "和平",
    "幸福",
    "滨河",
    "紫薇",
    "桂园",
    "龙山",
    "凤凰",
    "书香",
    "康乐",
    "新城",
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
    "保": "堡",
    "施": "师",
}


def _compose(rng: random.Random, parts: list[list[str]]) -> str:
    return "".join(rng.choice(p) for p in parts)


# topic → titles, problem frames (at least four, so duplicates can be told differently),
# requests, and how parties and sites are composed
TOPICS: dict[str, dict[str, list]] = {  # type: ignore[type-arg]
    "wages": {
        "amount": [(2, 60)],
        "title": ["{party}拖欠工资", "反映{party}欠薪问题", "讨要{party}拖欠的工钱", "{site}欠薪"],
        "frame": [
            "本人在{place}{site}务工，{party}拖欠我们{n}名工人工资共计{amount}万元，{when}。",
            "{when}，{party}在{place}{site}一直不支付{n}名农民工的工资，合计{amount}万元。",
            "我们{n}人给{party}干活，在{place}{site}，至今被拖欠工资{amount}万元，{when}。",
            "{place}{site}的承包方{party}欠我们班组{n}个人的工钱，一共{amount}万元，{when}，老板电话也不接。",
            "反映{party}拖欠{place}{site}农民工工资问题：涉及{n}人，金额{amount}万元，{when}。",
        ],
        "share": "其中欠我个人{share}万元。",
        "ask": ["请求督促{party}尽快支付。", "恳请劳动部门帮助追讨欠薪。", "希望政府出面解决。"],
        "party": [
            [
                BRANDS,
                ["建筑", "劳务", "建设", "装饰", "市政", "建工"],
                ["公司", "有限公司", "集团", "工程队", ""],
            ]
        ],
        "site": [
            [PLACES, ["安置房", "厂房", "道路", "学校扩建", "污水管网"], ["工地", "工程", "项目"]],
            [PLACES, ["商业综合体", "大桥", "广场"]],
        ],
    },
    "demolish": {
        "amount": [(5, 120)],
        "title": ["{party}拆迁补偿未到位", "反映{site}征收补偿问题", "拆迁补偿款迟迟不发"],
        "frame": [
            "{place}{site}拆迁时，{party}承诺的补偿款{amount}万元{when}仍未发放。",
            "我家位于{place}{site}范围内，房屋已被拆除，{party}应付的{amount}万元补偿款{when}。",
            "{when}，{place}{site}征收中{party}拖着{amount}万元补偿不给。",
            "{party}负责的{place}{site}征迁，我家{n}口人的房子拆了，说好的{amount}万元补偿{when}没有到账。",
            "关于{place}{site}房屋征收补偿：{party}只发了一部分，还差{amount}万元，{when}。",
        ],
        "share": "我家这一户是{share}万元。",
        "ask": ["请求按协议足额支付补偿。", "要求落实安置和补偿。", "恳请尽快兑现补偿款。"],
        "party": [
            [["区", "镇", "县", "开发区"], ["征收办", "征迁组", "土地储备中心", "管委会"]],
            [BRANDS, ["城投", "置业", "开发"], ["公司", "集团"]],
        ],
        "site": [
            [PLACES, ["老街", "城中村", "棚户区", "片区"], ["改造", "改造项目", "项目"]],
            [PLACES, ["高铁站片区", "工业园二期", "公园"]],
        ],
    },
    "property": {
        "amount": [(1, 6)],
        "title": ["{party}乱收费", "反映{site}物业服务差", "{site}物业不作为"],
        "frame": [
            "{place}{site}的{party}{when}擅自把物业费提高到每平方米{amount}元，业主不同意。",
            "我们是{place}{site}的业主，{party}收费涨到{amount}元一平，但电梯坏了没人修，{when}。",
            "{place}{site}物业公司{party}{when}，每平方米收{amount}元却不管卫生。",
            "{site}（{place}）有{n}户业主反映，{party}物业费每平米{amount}元，服务却很差，{when}。",
            "{party}管理的{place}{site}，车库漏水、路灯不亮，物业费还要{amount}元每平方米，{when}。",
        ],
        "share": "我家每年要多交{share}百元。",
        "ask": ["请求住建部门查处。", "要求物业公司退还多收的费用。", "希望相关部门督促整改。"],
        "party": [[BRANDS, ["物业", "物业服务公司", "物业分公司", "物业管理处"]]],
        "site": [
            [PLACES, ["花园", "小区", "苑", "家园", "名居", "新村"]],
            [PLACES, ["湾", "华庭", "里"]],
        ],
    },
    "noise": {
        "amount": [(1, 5)],
        "title": ["{party}夜间施工噪音扰民", "反映{site}噪声污染", "{site}施工扰民"],
        "frame": [
            "{place}{site}旁边的{party}{when}每天夜里施工到凌晨{amount}点，噪音很大无法休息。",
            "{party}在{place}{site}夜间作业，机器声一直持续到{amount}点，{when}。",
            "住在{place}{site}，{party}的工地{when}晚上施工到{amount}点，严重扰民。",
            "{place}{site}附近{n}户居民投诉：{party}半夜打桩，{amount}点还在干，{when}。",
            "{party}在{place}{site}边上搅拌混凝土，噪声到凌晨{amount}点，老人孩子睡不着，{when}。",
        ],
        "share": "我家就在工地对面{share}米。",
        "ask": ["请求环保部门制止夜间施工。", "要求依法处罚。", "希望还居民安静。"],
        "party": [
            [BRANDS, ["建工", "路桥", "市政", "混凝土站", "建设公司", "三公司"]],
        ],
        "site": [
            [PLACES, ["家园", "新村", "小区"]],
            [PLACES, ["实验小学", "中学", "人民医院宿舍", "里"]],
        ],
    },
    "dibao": {
        "amount": [(3, 12)],
        "title": ["低保被{party}取消", "反映低保资格问题", "申请恢复低保"],
        "frame": [
            "我家住{place}{site}，家中{n}口人生活困难，{when}低保被{party}取消，每月少了{amount}百元。",
            "{place}{site}村民，{party}{when}取消了我家低保，家里{n}人靠这{amount}百元生活。",
            "{when}，{party}说我家不符合条件停了低保，我们{place}{site}{n}口人没有收入，原来每月{amount}百元。",
            "本人是{place}{site}的困难户，{n}口之家，{party}{when}把低保停了，每月{amount}百元没了。",
        ],
        "share": "我母亲今年{share}岁，常年吃药。",
        "ask": ["请求重新核查并恢复低保。", "恳请民政部门复核。", "希望给予救助。"],
        "party": [
            [["镇", "乡", "街道", ""], ["民政办", "社会事务办", "政府", "便民服务中心"]],
            [["", ""], ["村委会", "社区居委会"]],
        ],
        "site": [
            [["一", "二", "三", "四", "五", "六", "七", "八"], ["组"]],
            [PLACES, ["村", "屋场", "湾"]],
        ],
    },
}
WHEN = [
    "已经拖了半年",
    "多次反映至今未解决",
    "从去年十月到现在",
    "今年三月以来",
    "两年多了",
    "找了很多次都没有结果",
]
BACKGROUND = [
    "此前我们已经向有关部门打过电话，也写过信。",
    "我们一家老小生活受到很大影响。",
    "该问题在当地群众中反映强烈。",
    "相关证据和材料可以提供。",
    "去年曾经反映过一次，当时答应处理，后来就没有下文了。",
    "希望有关部门能够实地调查核实，依法依规处理，并把结果书面告诉我们。",
    "家里老人年纪大了，身体不好，实在经不起这样折腾。",
    "恳请领导高度重视，督促有关单位尽快拿出解决办法。",
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
    ("反映", "投诉"),
    ("每平方米", "每平米"),
    ("一直", "始终"),
    ("生活困难", "日子很难"),
]
DUP_KINDS = ["paraphrase", "synonyms", "typos", "shorter", "longer", "channel", "group", "retold"]
NEG_KINDS = ["negative", "negative_party"]


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
    kind: str  # original | one of DUP_KINDS | one of NEG_KINDS
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


def _name(rng: random.Random, spec: dict, key: str) -> str:  # type: ignore[type-arg]
    return _compose(rng, rng.choice(spec[key]))


def _tell(
    rng: random.Random,
    spec: dict,  # type: ignore[type-arg]
    slots: dict,  # type: ignore[type-arg]
    *,
    frame: int,
    extra: int = 0,
) -> tuple[str, str]:
    title = rng.choice(spec["title"]).format(**slots)
    text = spec["frame"][frame].format(**slots) + rng.choice(spec["ask"]).format(**slots)
    for s in rng.sample(BACKGROUND, extra):
        text = s + text if rng.random() < 0.4 else text + s
    return title, text


def _typos(rng: random.Random, text: str, k: int = 3) -> str:
    chars = list(text)
    spots = [i for i, c in enumerate(chars) if c in TYPOS]
    for i in rng.sample(spots, min(k, len(spots))):
        chars[i] = TYPOS[chars[i]]
    return "".join(chars)


def _swap(rng: random.Random, text: str, k: int = 4) -> str:
    for a, b in rng.sample(SWAPS, k):
        text = text.replace(a, b)
    return text


def _other_frame(rng: random.Random, spec: dict, f0: int) -> int:  # type: ignore[type-arg]
    return rng.choice([i for i in range(len(spec["frame"])) if i != f0])


def generate(
    seed: int = 7, cases: int = 300, dup_rate: float = 0.5, neg_rate: float = 0.6
) -> Corpus:
    rng = random.Random(seed)
    corpus = Corpus()
    nid = 0

    def add(**kw: object) -> None:
        nonlocal nid
        nid += 1
        corpus.items.append(Item(id=nid, **kw))  # type: ignore[arg-type]

    used: set[tuple[str, str, str, str]] = set()  # one problem per topic, area, site, party
    parties: dict[tuple[str, str], list[str]] = {}  # (topic, area) → parties seen there
    for case in range(cases):
        for _try in range(50):
            topic = rng.choice(list(TOPICS))
            spec = TOPICS[topic]
            area = rng.choice(AREAS)
            site, party = _name(rng, spec, "site"), _name(rng, spec, "party")
            # the same few parties recur in one area, as they do in life
            known = parties.get((topic, area), [])
            if known and rng.random() < 0.4:
                party = rng.choice(known)
            if (topic, area, site, party) not in used:
                break
        used.add((topic, area, site, party))
        parties.setdefault((topic, area), []).append(party)
        slots = {
            "place": area,
            "site": site,
            "party": party,
            "amount": rng.randint(*spec["amount"][0]),
            "n": rng.randint(2, 40),
            "when": rng.choice(WHEN),
        }
        name, phone = _person(rng)
        f0 = rng.randrange(len(spec["frame"]))
        title, text = _tell(rng, spec, slots, frame=f0, extra=rng.choice([0, 0, 1, 2]))
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
            how = rng.choice(DUP_KINDS)
            t2, x2, n2, p2, ch = title, text, name, phone, rng.choice(["phone", "online", "visit"])
            if how == "paraphrase":
                t2, x2 = _tell(rng, spec, slots, frame=_other_frame(rng, spec, f0))
                n2, p2 = _person(rng) if rng.random() < 0.5 else (name, phone)
            elif how == "synonyms":
                x2 = _swap(rng, x2)
                n2, p2 = _person(rng)
            elif how == "typos":
                x2 = _typos(rng, x2)
                n2, p2 = _person(rng)
            elif how == "shorter":
                # the clause that names the party or the site, and the request
                _t, core = _tell(rng, spec, slots, frame=f0)
                parts = core.split("，")
                key = next((c for c in parts if party in c or site in c), parts[0])
                x2 = key + "，" + parts[-1]
                n2, p2 = _person(rng)
            elif how == "longer":
                x2 = rng.choice(BACKGROUND) + x2 + " ".join(rng.sample(BACKGROUND, 2))
                n2, p2 = _person(rng)
            elif how == "group":  # another member of the same group, in their own words
                t2, x2 = _tell(rng, spec, slots, frame=_other_frame(rng, spec, f0))
                if rng.random() < 0.5:
                    x2 += spec["share"].format(share=rng.randint(1, 9))
                n2, p2 = _person(rng)
            elif how == "retold":  # another frame, other words and a slip of the pen
                t2, x2 = _tell(rng, spec, slots, frame=_other_frame(rng, spec, f0), extra=1)
                x2 = _typos(rng, _swap(rng, x2, 3), 2)
                n2, p2 = _person(rng)
            else:  # the same person by phone: same number, terse text
                t2, x2 = _tell(rng, spec, slots, frame=rng.randrange(len(spec["frame"])))
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
            how = rng.choice(NEG_KINDS)
            other = dict(slots)
            for _try in range(50):
                if how == "negative_party":  # the same party, another site and figures
                    other["site"] = _name(rng, spec, "site")
                else:
                    for k in rng.sample(["site", "party"], rng.choice([1, 2])):
                        other[k] = _name(rng, spec, k)
                if (topic, area, other["site"], other["party"]) not in used:
                    break
            used.add((topic, area, str(other["site"]), str(other["party"])))
            lo, hi = spec["amount"][0]
            other["amount"] = rng.choice([v for v in range(lo, hi + 1) if v != slots["amount"]])
            other["n"] = rng.randint(2, 40)
            other["when"] = rng.choice(WHEN)
            t3, x3 = _tell(
                rng,
                spec,
                other,
                frame=rng.randrange(len(spec["frame"])),
                extra=rng.choice([0, 1, 2]),
            )
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
                kind=how,
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
    lens = sorted(len(it.text) for it in c.items)
    print(f"{len(c.items)} items, {len(c.pairs())} duplicate pairs; {kinds}")
    print(f"text length: min {lens[0]}, median {lens[len(lens) // 2]}, max {lens[-1]}")
    for it in c.items[:8]:
        print(it.kind, it.title, "|", it.text)


if __name__ == "__main__":
    main()
