"""Realistic Chinese grievance texts for the demo and benchmarks (deterministic per rng)."""

from __future__ import annotations

import random

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅春雷斌海峰云凤德成文辉"
VILLAGES = [
    "桃园村",
    "李家湾村",
    "河口村",
    "新民村",
    "石桥村",
    "白杨社区",
    "东升社区",
    "南塘村",
    "柳林村",
    "红旗社区",
    "马鞍山村",
    "清水湾社区",
]
ESTATES = [
    "锦绣花园",
    "阳光小区",
    "滨江名苑",
    "城南新村",
    "丽景湾",
    "幸福家园",
    "御景华庭",
    "翠湖苑",
]
COMPANIES = [
    "青山宏达建筑有限公司",
    "江州顺发劳务公司",
    "青山县鑫源物业服务公司",
    "江州万和置业有限公司",
    "青山县永利食品厂",
    "江州恒通运输公司",
]
ROADS = ["人民路", "解放路", "青山大道", "滨河路", "建设路", "S218省道", "乡道X305"]

# topic code → list of (title, content, facts) templates
TEMPLATES: dict[str, list[tuple[str, str, str]]] = {
    "LD": [
        (
            "{company}拖欠农民工工资{amount}元",
            "请求责令{company}支付拖欠的{months}个月工资共计{amount}元。",
            "本人与{n}名工友自{year}年{month}月起在{company}承建的{estate}项目务工，包工头以工程款未结为由拖欠工资至今，多次讨要无果，家中生活困难。",
        ),
        (
            "反映单位未缴纳社会保险",
            "请求督促{company}依法为职工补缴{year}年以来的养老和医疗保险。",
            "本人在{company}工作{months}个月，单位一直未缴纳社会保险，询问人事部门称试用期不缴，已离职仍未补缴。",
        ),
    ],
    "ZD": [
        (
            "{village}征地补偿款未足额发放",
            "请求核实{village}{year}年征地补偿标准，足额发放剩余补偿款{amount}元。",
            "{year}年{month}月村里{mu}亩耕地被征收用于{road}拓宽工程，公示标准与实际发放金额不一致，村委会未公开分配方案。",
        ),
        (
            "房屋拆迁安置房迟迟未交付",
            "请求督促有关部门按协议交付安置房，并支付逾期期间的过渡费。",
            "{year}年签订拆迁安置协议，约定两年内交付安置房，现已逾期{months}个月，过渡费自去年起停发。",
        ),
    ],
    "ZJ": [
        (
            "{estate}楼顶漏水多年未修",
            "请求督促开发商或物业维修{estate}{b}号楼楼顶防水层。",
            "{estate}{b}号楼顶层自{year}年起每逢下雨即渗水，墙体发霉，多次向物业反映，物业称应由开发商负责，互相推诿。",
        ),
        (
            "{estate}物业服务差收费高",
            "请求住建部门查处物业公司擅自提高收费标准的行为，并督促改进服务。",
            "{company}自今年{month}月起将物业费由每平方米{price}元提高到{price2}元，未经业主大会同意，小区垃圾清运不及时、电梯经常故障。",
        ),
        (
            "反映{estate}违法搭建",
            "请求依法拆除{estate}{b}号楼一楼业主在公共绿地上的违章建筑。",
            "一楼业主自{month}月起在楼前公共绿地上搭建约{mu}0平方米的彩钢房，遮挡采光并占用消防通道。",
        ),
    ],
    "YL": [
        (
            "对县医院诊疗过程有异议",
            "请求卫健部门调查本人家属在县人民医院的诊疗过程是否存在过错。",
            "家属于{year}年{month}月因腹痛入院，入院后病情加重转院，医院未及时告知病情，病历记录与实际情况不符。",
        ),
    ],
    "JY": [
        (
            "子女入学学位分配问题",
            "请求教育局按户籍和实际居住情况为子女安排就近入学。",
            "本人户籍和房产均在{estate}，按学区划分应就读城关一小，今年分配到离家{km}公里的学校，接送困难。",
        ),
    ],
    "HB": [
        (
            "{company}夜间施工噪声扰民",
            "请求生态环境部门查处{company}夜间违规施工，限定施工时间。",
            "{estate}旁工地近{months}个月每晚十点后仍在施工，搅拌机和打桩机噪声严重影响居民休息，老人孩子无法入睡。",
        ),
        (
            "{village}养殖场污水直排",
            "请求查处{village}养殖场污水直排河道的行为。",
            "村东头养猪场规模约{n}00头，污水未经处理直接排入小河，河水发黑发臭，下游农田灌溉受影响。",
        ),
    ],
    "NC": [
        (
            "{village}低保申请未获批准",
            "请求重新审核本人的最低生活保障申请。",
            "本人{age}岁，患慢性病丧失劳动能力，{year}年{month}月申请低保，村里评议未通过，未告知理由。",
        ),
        (
            "土地承包经营权纠纷",
            "请求确认本户在{village}的{mu}亩承包地经营权。",
            "二轮延包时本户承包地被村民小组调整给他人，本户至今未分得土地，多次找村委会协调无果。",
        ),
    ],
    "JT": [
        (
            "{road}路面破损严重",
            "请求交通运输部门尽快维修{road}{village}路段的破损路面。",
            "该路段坑洼较多，雨天积水，近{months}个月已发生多起电动车摔倒事故，存在安全隐患。",
        ),
    ],
    "ZF": [
        (
            "对派出所处理邻里纠纷不满",
            "请求督促派出所依法处理本人与邻居的宅基地纠纷中的打人行为。",
            "{year}年{month}月因宅基地界址与邻居发生争执，本人被打伤，派出所调解后未作处理。",
        ),
    ],
    "JJ": [
        (
            "反映{village}村干部优亲厚友",
            "请求调查{village}村干部在危房改造补助评定中优亲厚友的问题。",
            "今年危房改造补助名单中有{n}户为村干部亲属，其住房条件明显好于未获补助的困难户。",
        ),
    ],
    "SC": [
        (
            "{company}销售过期食品",
            "请求市场监管部门查处{company}销售过期食品的行为并依法赔偿。",
            "本人于{month}月在该公司门市购买的食品已过保质期{n}天，要求退赔被拒。",
        ),
    ],
    "QT": [
        (
            "咨询不动产登记办理流程",
            "咨询二手房过户需要准备哪些材料、在哪里办理。",
            "本人购买{estate}二手房一套，不清楚办理不动产转移登记的流程和所需材料。",
        ),
    ],
}


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def phone(rng: random.Random) -> str:
    return rng.choice(("138", "139", "150", "151", "158", "187", "135", "177")) + "".join(
        str(rng.randrange(10)) for _ in range(8)
    )


def matter_text(rng: random.Random, topic_code: str) -> tuple[str, str, str]:
    title, content, facts = rng.choice(TEMPLATES.get(topic_code) or TEMPLATES["QT"])
    values = {
        "company": rng.choice(COMPANIES),
        "village": rng.choice(VILLAGES),
        "estate": rng.choice(ESTATES),
        "road": rng.choice(ROADS),
        "amount": f"{rng.randrange(8, 160) * 1000:,}",
        "months": rng.randrange(2, 14),
        "year": rng.choice((2022, 2023, 2024, 2025)),
        "month": rng.randrange(1, 13),
        "n": rng.randrange(3, 30),
        "mu": rng.randrange(2, 40),
        "b": rng.randrange(1, 20),
        "price": "1.2",
        "price2": "1.8",
        "km": rng.randrange(3, 12),
        "age": rng.randrange(45, 80),
    }
    return title.format(**values)[:120], content.format(**values), facts.format(**values)
