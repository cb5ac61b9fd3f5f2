"""Realistic Chinese grievance texts for the demo and benchmarks (deterministic per rng).

Every place name is fictional (青山县 of 江州市). Texts are assembled from a template per
topic, filled with places of the township the matter is about, and lengthened with a few
extra sentences so that request + facts run from about 60 to 300 characters.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘"
    "于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方邹熊白孟秦邱江"
)
GIVEN_NAMES = (
    "伟",
    "芳",
    "敏",
    "静",
    "丽",
    "强",
    "磊",
    "军",
    "勇",
    "杰",
    "涛",
    "超",
    "霞",
    "刚",
    "斌",
    "建国",
    "建华",
    "国强",
    "志强",
    "志明",
    "海峰",
    "海燕",
    "红梅",
    "秀英",
    "秀兰",
    "桂英",
    "玉兰",
    "玉梅",
    "春华",
    "春燕",
    "金水",
    "根生",
    "福来",
    "长林",
    "永安",
    "新民",
    "德明",
    "文华",
    "晓燕",
    "晓东",
    "丽娟",
    "丽华",
    "美玲",
    "小红",
    "冬梅",
    "秋菊",
    "建军",
    "卫东",
    "爱国",
    "爱华",
    "淑芬",
    "凤英",
    "佳怡",
    "子涵",
    "浩然",
    "宇航",
    "欣怡",
    "俊杰",
    "雨婷",
    "志刚",
    "国华",
    "明亮",
    "振华",
    "水生",
    "春生",
    "桂芳",
    "兰英",
    "家豪",
    "思远",
)
MOBILE_PREFIXES = ("138", "139", "135", "136", "150", "151", "152", "158", "159", "187", "177")


@dataclass(frozen=True)
class Town:
    """A township of the demo county with the places its matters talk about."""

    name: str
    code: str  # 9-digit division code: county 360421 + 3-digit township
    villages: tuple[str, ...]  # also the village/community committees of the tree
    estates: tuple[str, ...]
    roads: tuple[str, ...]


TOWNS = (
    Town(
        "城关镇",
        "360421100",
        ("桃园村", "东升社区", "城南社区"),
        ("锦绣花园", "阳光小区", "城南新村", "幸福家园"),
        ("人民路", "解放路", "建设路"),
    ),
    Town(
        "滨江街道",
        "360421001",
        ("白杨社区", "红旗社区", "江滨社区"),
        ("滨江名苑", "丽景湾", "御景华庭", "翠湖苑"),
        ("滨河路", "青山大道", "江滨大道"),
    ),
    Town(
        "东湖镇",
        "360421101",
        ("河口村", "新民村"),
        ("东湖湾小区", "东湖集镇安置小区"),
        ("S218省道", "东湖大道"),
    ),
    Town(
        "石桥镇",
        "360421102",
        ("石桥村", "南塘村", "长岭村"),
        ("石桥新苑",),
        ("乡道X305", "石桥老街"),
    ),
    Town(
        "柳林乡",
        "360421200",
        ("柳林村", "马鞍山村"),
        ("柳林集镇安置小区",),
        ("乡道X311", "柳马公路"),
    ),
    Town(
        "清水乡",
        "360421201",
        ("清水湾村", "李家湾村", "上坪村"),
        ("清水集镇小区",),
        ("S218省道", "清水河堤路"),
    ),
)

COMPANIES = (
    "青山宏达建筑有限公司",
    "江州顺发劳务有限公司",
    "青山县鑫源物业服务有限公司",
    "江州万和置业有限公司",
    "青山县永利食品厂",
    "江州恒通运输有限公司",
    "青山县华美陶瓷有限公司",
    "江州天成建设工程有限公司",
)
SHOPS = ("滨江健身会所", "美丽人生美容院", "阳光洗车行", "小天才教育培训中心", "好又多超市")
THINGS = ("农村建房审批", "林权证变更", "残疾人证", "营业执照", "养老保险转移")


@dataclass(frozen=True)
class Template:
    title: str
    request: str
    facts: str
    extras: tuple[str, ...] = ()
    accused: str = ""  # "village" | "town": a report about that unit's cadres (XFGZ Art. 30)


T = Template
TEMPLATES: dict[str, tuple[Template, ...]] = {
    "LD": (
        T(
            "{company}拖欠农民工工资{amount}元",
            "请求责令{company}支付拖欠的{months}个月工资共计{amount}元。",
            "本人与{n}名工友自{year}年{month}月起在{company}承建的{estate}项目务工，"
            "包工头以工程款未结为由拖欠工资至今，多次讨要无果。",
            (
                "工地已经停工，包工头电话打不通。",
                "临近年底，工友们家中生活困难，孩子学费都成了问题。",
                "我们手里有考勤记录和包工头签字的欠条。",
            ),
        ),
        T(
            "反映{company}未依法缴纳社会保险",
            "请求督促{company}依法为本人补缴{year}年以来的养老保险和医疗保险。",
            "本人在{company}工作{months}个月，签订了劳动合同，单位一直未缴纳社会保险，"
            "人事部门称临时工不缴。",
            ("本人已离职，单位仍拒绝补缴。", "查询社保缴费记录显示为空白。"),
        ),
        T(
            "工伤认定申请久拖未决",
            "请求人社部门尽快对本人的工伤认定申请作出结论。",
            "本人于{year}年{month}月在{company}车间作业时右手被机器压伤，住院{n}天，"
            "已按规定提交工伤认定申请，至今未收到结论。",
            ("单位不承认事故发生在工作时间。", "医疗费已自付{amount}元，家里借了不少钱。"),
        ),
        T(
            "灵活就业社保补贴未到账",
            "请求核实并发放本人的灵活就业社会保险补贴。",
            "本人为登记的就业困难人员，{year}年申请了灵活就业社会保险补贴，"
            "经公示通过，但补贴至今没有到账。",
        ),
    ),
    "ZD": (
        T(
            "{village}征地补偿款未足额发放",
            "请求核实{village}征地补偿标准，足额发放剩余补偿款{amount}元。",
            "{year}年{month}月村里{mu}亩耕地被征收用于{road}拓宽工程，公示的补偿标准与"
            "实际发放金额不一致，村委会一直未公开分配方案。",
            ("同组{n}户村民都有同样的问题。", "我们要求查看征地批文和补偿协议，村里不给看。"),
        ),
        T(
            "安置房逾期未交付",
            "请求督促有关部门按协议交付安置房，并补发逾期期间的过渡费。",
            "{year}年签订房屋征收安置协议，约定两年内交付安置房，现已逾期{months}个月，"
            "过渡费自去年起停发。",
            ("一家五口在外租房，每月房租一千多元。",),
        ),
        T(
            "对房屋征收评估价格有异议",
            "请求重新评估本人被征收房屋的价值。",
            "本人位于{village}的{area}平方米砖混房屋被列入{road}改造征收范围，评估单价"
            "明显低于周边同类房屋，评估机构没有入户查看。",
        ),
        T(
            "{village}青苗补偿费未发放到户",
            "请求核查{village}青苗补偿费的发放情况。",
            "征地时地里种有{mu}亩油茶，镇里公示有青苗补偿，但村民小组长称补偿款已用于"
            "修路，一直没有发给农户。",
        ),
    ),
    "ZJ": (
        T(
            "{estate}楼顶漏水多年未修",
            "请求督促开发商或物业维修{estate}{b}号楼楼顶防水层。",
            "{estate}{b}号楼顶层自{year}年起每逢下雨即渗水，墙体发霉，多次向物业反映，"
            "物业称应由开发商负责，互相推诿。",
            ("房屋还在保修期内。", "家里老人患有哮喘，屋里潮湿加重了病情。"),
        ),
        T(
            "{estate}物业服务差收费高",
            "请求住建部门查处物业公司擅自提高收费标准的行为，并督促改进服务。",
            "物业公司自今年{month}月起将物业费由每平方米1.2元提高到1.8元，未经业主大会"
            "同意，小区垃圾清运不及时，电梯经常故障。",
            ("业主委员会多次要求物业公开收支，物业不予理睬。",),
        ),
        T(
            "反映{estate}违法搭建",
            "请求依法拆除{estate}{b}号楼一楼业主在公共绿地上搭建的违章建筑。",
            "一楼业主自{month}月起在楼前公共绿地上搭建约{area}平方米的彩钢房，"
            "遮挡采光并占用消防通道。",
            ("向社区和城管反映过，对方来看过一次后没有下文。",),
        ),
        T(
            "{estate}电梯频繁故障",
            "请求督促物业公司和维保单位彻底检修{estate}{b}号楼电梯。",
            "{b}号楼电梯今年已故障{n}次，上月有老人被困近一小时，物业称维修基金申请不下来。",
        ),
        T(
            "老旧小区改造施工拖延",
            "请求督促施工单位按期完成{estate}老旧小区改造工程。",
            "小区改造自{month}月开工，道路挖开后长期未恢复，雨天泥泞，居民出行困难。",
            ("施工方说是资金没有到位。",),
        ),
    ),
    "YL": (
        T(
            "对县人民医院诊疗过程有异议",
            "请求卫健部门调查本人家属在县人民医院的诊疗过程是否存在过错。",
            "家属于{year}年{month}月因腹痛入院，入院后病情加重转院，医院未及时告知病情，"
            "病历记录与实际情况不符。",
            ("我们已经申请复印病历，医院一直拖着不给。",),
        ),
        T(
            "{town}卫生院收费不规范",
            "请求卫健部门核查{town}卫生院的收费项目。",
            "家属在卫生院住院{n}天，费用清单中有多项没有实际进行的检查，询问后医院未作解释。",
        ),
        T(
            "异地就医费用报销问题",
            "请求核实本人异地就医费用未按规定报销的问题。",
            "本人{year}年在省城住院做手术，已办理异地就医备案，回来报销时被告知部分费用"
            "不予报销，涉及金额{amount}元。",
        ),
        T(
            "{village}卫生室长期无人值守",
            "请求安排村医按时坐诊。",
            "{village}卫生室近{months}个月经常锁门，村里老人看病拿药要跑到镇上，很不方便。",
        ),
    ),
    "JY": (
        T(
            "子女入学学位分配问题",
            "请求教育局按户籍和实际居住情况为子女安排就近入学。",
            "本人户籍和房产均在{estate}，按学区划分应就读城关一小，今年被分配到离家{km}公里"
            "的学校，接送困难。",
            ("同小区还有好几户遇到同样情况。",),
        ),
        T(
            "校外培训机构关门退费难",
            "请求教育部门督促{shop}退还剩余课时费{fee}元。",
            "孩子在{shop}报名了全年课程，机构上课{months}个月后突然关门，负责人联系不上。",
            ("同一个班有二十多个家长都没拿到退款。",),
        ),
        T(
            "{town}中学食堂饭菜质量差",
            "请求对{town}中学食堂进行检查。",
            "孩子在{town}中学寄宿，多次反映食堂饭菜分量少、不新鲜，家长群里很多家长意见很大。",
        ),
        T(
            "原代课教师生活补助未落实",
            "请求落实本人原代课期间的生活补助。",
            "本人以前在{village}小学代课{n}年，按政策应给予生活补助，申报材料交到镇中心"
            "学校后一直没有消息。",
        ),
    ),
    "HB": (
        T(
            "{company}夜间施工噪声扰民",
            "请求生态环境部门查处夜间违规施工行为，限定施工时间。",
            "{estate}旁{company}的工地近{months}个月每晚十点后仍在施工，搅拌机和打桩机"
            "噪声严重影响居民休息。",
            ("老人孩子晚上无法入睡。", "我们打过110，来的时候停一会儿，走了又开工。"),
        ),
        T(
            "{village}养殖场污水直排",
            "请求查处{village}养殖场污水直排河道的行为。",
            "村东头养猪场规模约{n}00头，污水未经处理直接排入小河，河水发黑发臭，"
            "下游农田灌溉受影响。",
        ),
        T(
            "{company}废气扰民",
            "请求生态环境部门检查{company}的废气处理设施。",
            "工厂每天傍晚排放刺鼻气味，{estate}居民不敢开窗，有老人出现咳嗽、头晕等症状。",
        ),
        T(
            "{village}河道被倾倒建筑垃圾",
            "请求查处向{village}河道倾倒建筑垃圾的行为。",
            "近期夜间经常有渣土车在河边倾倒建筑垃圾，河道已被堵塞一半，汛期容易造成内涝。",
        ),
    ),
    "NC": (
        T(
            "低保申请未获批准",
            "请求重新审核本人的最低生活保障申请。",
            "本人{age}岁，住{village}，患慢性病丧失劳动能力，{year}年{month}月申请低保，"
            "村里评议未通过，也没有告知理由。",
            ("家里只有本人和一个上学的孙子。",),
        ),
        T(
            "土地承包经营权纠纷",
            "请求确认本户在{village}的{mu}亩承包地经营权。",
            "二轮延包时本户承包地被村民小组调整给他人，本户至今未分得土地，多次找村委会协调无果。",
        ),
        T(
            "耕地地力保护补贴未发放",
            "请求核实本户{year}年耕地地力保护补贴未发放的原因。",
            "本户在{village}承包地{mu}亩，往年补贴都按时发放，今年同组其他农户已领取，"
            "本户至今未到账。",
        ),
        T(
            "{village}灌溉水渠损坏未修",
            "请求维修{village}的灌溉水渠。",
            "村里主水渠去年汛期被冲毁一段，至今未修复，{mu}0多亩稻田灌溉困难。",
        ),
        T(
            "农村危房改造申请未批",
            "请求将本户纳入农村危房改造范围。",
            "本户住{village}，住房为上世纪八十年代建的土坯房，墙体开裂，雨天漏水，"
            "申请危房改造两年未获批准。",
        ),
    ),
    "JT": (
        T(
            "{road}路面破损严重",
            "请求交通运输部门尽快维修{road}{village}路段的破损路面。",
            "该路段坑洼较多，雨天积水，近{months}个月已发生多起电动车摔倒事故，存在安全隐患。",
        ),
        T(
            "{town}至县城班车减少",
            "请求恢复{town}至县城的客运班车班次。",
            "原来每天有{n}趟班车，自{month}月起减为两趟，学生和老人进城很不方便。",
        ),
        T(
            "公路施工未设警示标志",
            "请求督促施工单位在{road}施工路段设置警示标志和围挡。",
            "{road}{village}路段施工挖开路面，夜间没有警示灯和围挡，已有摩托车摔伤。",
        ),
        T(
            "出租车不打表多收费",
            "请求查处出租车不打表、绕路多收费的行为。",
            "本人{month}月从高铁站打车到{estate}，司机不打表，收费{n}0元，明显高于正常价格。",
        ),
    ),
    "ZF": (
        T(
            "对派出所处理纠纷结果不满",
            "请求督促派出所依法处理本人与邻居宅基地纠纷中的打人行为。",
            "{year}年{month}月因宅基地界址与邻居发生争执，本人被打伤，派出所调解后未作处理。",
        ),
        T(
            "民事判决长期未执行到位",
            "请求督促法院加快执行本人胜诉的案件。",
            "本人与他人民间借贷纠纷一案，法院{year}年判决对方归还借款{amount}元，"
            "申请执行已{months}个月，至今未执行到位。",
        ),
        T(
            "对交通事故责任认定不服",
            "请求重新调查本人亲属交通事故的责任认定。",
            "亲属于{year}年{month}月在{road}发生交通事故，交警认定负主要责任，"
            "家属认为现场勘查不全面。",
        ),
        T(
            "邻里排水纠纷久拖不决",
            "请求有关部门调解本人与邻居的排水纠纷。",
            "邻居翻建房屋时抬高地基，雨水全部流入本人院内，多次协商无果。",
        ),
    ),
    "JJ": (
        T(
            "反映{village}村干部优亲厚友",
            "请求调查{village}村干部在危房改造补助评定中优亲厚友的问题。",
            "今年危房改造补助名单中有{n}户为村干部亲属，其住房条件明显好于未获补助的困难户。",
            accused="village",
        ),
        T(
            "反映{village}村务不公开",
            "请求调查{village}集体资金使用情况。",
            "村里出租集体山林和鱼塘多年，收入去向从未公开，村民要求查账被拒。",
            accused="village",
        ),
        T(
            "反映{town}工作人员吃拿卡要",
            "请求查处{town}有关站所工作人员吃拿卡要的问题。",
            "本人办理{thing}时，工作人员以材料不齐为由{n}次让本人回去补材料，"
            "私下暗示要“意思意思”。",
            accused="town",
        ),
        T(
            "反映{village}低保评定不公",
            "请求核查{village}低保户评定中的优亲厚友问题。",
            "村里有家庭开小车、在县城买房还吃低保，真正困难的几户反而没有评上。",
            accused="village",
        ),
    ),
    "SC": (
        T(
            "{company}销售过期食品",
            "请求市场监管部门查处{company}销售过期食品的行为。",
            "本人于{month}月在该公司门市购买的食品已过保质期{n}天，要求退赔被拒。",
        ),
        T(
            "{shop}预付卡无法退费",
            "请求市场监管部门督促{shop}退还预付卡余额。",
            "本人在该店办理储值卡{fee}元，消费不到{n}次店铺突然关门，老板联系不上。",
            ("受害顾客有几十人。",),
        ),
        T(
            "电动车质量问题商家拒绝三包",
            "请求处理本人购买的电动车质量问题。",
            "本人{month}月在县城某店购买电动车一辆，使用不到{months}个月电池鼓包，"
            "商家拒绝按三包规定更换。",
        ),
        T(
            "农资店销售劣质种子",
            "请求查处销售劣质玉米种子的行为并赔偿损失。",
            "本人从{town}某农资店购买玉米种子，播种后出苗率不到三成，同村{n}户都遇到同样问题。",
        ),
    ),
    "QT": (
        T(
            "建议在{estate}附近增设公交站点",
            "建议在{estate}附近增设公交站点。",
            "小区入住已有{n}00多户，最近的公交站步行要二十分钟，老人孩子出行不便。",
        ),
        T(
            "建议政务服务中心周末开放",
            "建议县政务服务中心周末开放半天。",
            "上班族工作日请假办事不方便，希望周末也能办理社保、不动产等常用业务。",
        ),
        T(
            "{estate}周边停车难",
            "建议在{estate}周边规划建设公共停车位。",
            "小区建成时车位配比低，现在车辆多，晚上道路两边停满车，消防车都进不来。",
        ),
    ),
}

GENERIC_EXTRAS = (
    "此前已多次向{who}反映，至今没有明确答复。",
    "相关照片和材料可以提供。",
    "希望有关部门尽快调查处理，给群众一个说法。",
    "此事已经严重影响家人的正常生活。",
    "今年{month}月曾拨打12345反映，回复称已转办，但问题仍未解决。",
    "周边{n}户居民都有同样的问题，大家意见很大。",
    "本人愿意配合调查，随时可以提供相关证明。",
    "恳请领导重视，督促有关单位依法依规处理。",
)
WHO = ("村委会", "社区居委会", "物业公司", "镇政府", "有关部门", "单位领导")
EXTRA_REQUESTS = ("并请书面答复处理结果。", "请依法处理。", "希望尽快解决。", "")

# Hotline consultations answered on the spot: (topic, title, question, answer as reason).
CONSULTATIONS = (
    (
        "ZJ",
        "咨询二手房过户办理流程",
        "咨询购买二手房后办理不动产转移登记需要准备哪些材料、在哪里办理、大概需要几天。",
        "已告知：买卖双方携带身份证、不动产权证书和买卖合同到县政务服务中心不动产登记窗口"
        "办理，可先在网上预约。",
    ),
    (
        "LD",
        "咨询社保卡补办",
        "社会保障卡丢失，咨询如何挂失和补办，补办需要多长时间，期间看病能否刷医保。",
        "已告知可拨打挂失电话或在手机APP上临时挂失，到就近合作银行网点或人社服务大厅补办。",
    ),
    (
        "QT",
        "咨询新生儿落户",
        "孩子上个月刚出生，咨询办理户口登记需要哪些材料，是否可以在网上办理。",
        "已告知持出生医学证明、父母户口簿、身份证和结婚证到户籍所在地派出所办理，"
        "也可通过公安政务服务平台网上申请。",
    ),
    (
        "ZJ",
        "咨询住房公积金提取条件",
        "咨询在县城租房能否提取住房公积金，每年可以提取多少，需要到哪里申请。",
        "已告知租房提取的条件、额度和所需材料，可在公积金中心网站或窗口办理。",
    ),
    (
        "YL",
        "咨询医保异地就医备案",
        "父亲下个月要去省城做手术，咨询医保异地就医备案怎么办理，报销比例是多少。",
        "已告知可通过国家医保服务平台APP或县医保服务大厅办理备案，并说明了报销比例。",
    ),
    (
        "QT",
        "咨询高龄津贴申领",
        "家中老人今年满八十周岁，咨询高龄津贴如何申领、每月发放多少钱。",
        "已告知持老人身份证、户口簿和银行卡到户籍所在地村（社区）申请，并说明发放标准。",
    ),
    (
        "JT",
        "咨询电动自行车上牌",
        "新买了一辆电动自行车，咨询上牌需要带哪些材料、去哪里办理、是否收费。",
        "已告知携带购车发票、合格证和身份证到县交警大队车管窗口或指定网点免费办理。",
    ),
)

# Emergencies transferred at once (BJ Art. 11): (line, title, content, reason).
EMERGENCIES = (
    (
        "110",
        "{estate}楼下有人持刀争执",
        "来电称{estate}{b}号楼下有两名男子持刀争执，围观群众较多，担心有人受伤，请求尽快处置。",
        "来电反映有人持刀争执，存在人身危险，已立即转110处置。",
    ),
    (
        "119",
        "{estate}楼道堆放杂物起火",
        "来电称{estate}{b}号楼楼道内堆放的杂物起火，烟很大，楼上还有老人没有下来。",
        "来电反映火情，已立即转119处置，并提示来电人疏散。",
    ),
    (
        "119",
        "{village}民房闻到燃气泄漏气味",
        "来电称{village}一户民房内燃气味道很重，家中无人，担心发生爆炸，请求处置。",
        "来电反映疑似燃气泄漏，已立即转119处置，并提示周边住户不要使用明火。",
    ),
    (
        "120",
        "{village}老人突发疾病倒地",
        "来电称{village}一位七十多岁老人在路边突然倒地，意识不清，家属不在身边，请求急救。",
        "来电反映有人突发疾病，已立即转120急救。",
    ),
    (
        "122",
        "{road}发生交通事故有人受伤",
        "来电称{road}{village}路段一辆货车与电动车相撞，电动车驾驶人受伤倒地，请求处置。",
        "来电反映交通事故有人受伤，已立即转122并通知120。",
    ),
)


CONSULT_CONTEXT = (
    "来电人称已在网上查询过，但对具体流程和材料要求仍不清楚，希望一次问清楚，免得来回跑。",
    "来电人为外地务工人员，平时工作日不方便请假，想了解能否在网上或手机上办理。",
    "来电人家中老人年纪较大、行动不便，想了解能否由家属代办，需要带哪些材料。",
    "来电人表示之前到窗口咨询过一次，但排队时间较长没有问清楚，希望热线给予解答。",
)
EMERGENCY_CONTEXT = (
    "来电人情绪紧张，称现场情况危急，已请周边群众帮忙照看，并留下联系电话等候回电。",
    "来电人就在现场附近，能够说明具体位置，表示会留在原地配合处置人员。",
    "来电人为路过群众，称现场已有多人围观，希望有关部门尽快派人到场处置。",
)


@dataclass(frozen=True)
class Text:
    title: str
    content: str
    facts: str
    village: str
    accused: str  # "", "village", "town"


def person(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + "".join(str(rng.randrange(10)) for _ in range(8))


def address(rng: random.Random, town: Town) -> str:
    if rng.random() < 0.5:
        village = rng.choice(town.villages)
        return f"青山县{town.name}{village}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
    return (
        f"青山县{town.name}{rng.choice(town.estates)}{rng.randint(1, 20)}栋"
        f"{rng.randint(1, 3)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
    )


def _values(rng: random.Random, town: Town) -> dict[str, object]:
    return {
        "town": town.name,
        "village": rng.choice(town.villages),
        "estate": rng.choice(town.estates),
        "road": rng.choice(town.roads),
        "company": rng.choice(COMPANIES),
        "shop": rng.choice(SHOPS),
        "thing": rng.choice(THINGS),
        "who": rng.choice(WHO),
        "amount": f"{rng.randrange(8, 160) * 1000:,}",
        "fee": f"{rng.randrange(10, 80) * 100:,}",
        "months": rng.randrange(2, 14),
        "year": rng.choice((2021, 2022, 2023, 2024, 2025)),
        "month": rng.randrange(1, 13),
        "n": rng.randrange(3, 30),
        "mu": rng.randrange(2, 40),
        "area": rng.randrange(20, 180),
        "b": rng.randrange(1, 20),
        "km": rng.randrange(3, 12),
        "age": rng.randrange(45, 80),
    }


def matter_text(rng: random.Random, topic_code: str, town: Town) -> Text:
    """A grievance about ``town`` for the topic: request + facts of 60–300 characters."""
    t = rng.choice(TEMPLATES.get(topic_code) or TEMPLATES["QT"])
    v = _values(rng, town)
    content = t.request.format(**v) + rng.choice(EXTRA_REQUESTS)
    facts = t.facts.format(**v)
    pool = [s.format(**v) for s in (*t.extras, *GENERIC_EXTRAS)]
    rng.shuffle(pool)
    for s in pool[: rng.choice((0, 1, 1, 2, 3, 4))]:
        if len(content) + len(facts) + len(s) > 300:
            break
        facts += s
    while len(content) + len(facts) < 60 and pool:
        facts += pool.pop()
    return Text(t.title.format(**v)[:120], content, facts, str(v["village"]), t.accused)


def consultation(rng: random.Random) -> tuple[str, str, str, str, str]:
    """(topic, title, question, context, answer) of a call answered on the spot."""
    topic, title, question, answer = rng.choice(CONSULTATIONS)
    return topic, title, question, rng.choice(CONSULT_CONTEXT), answer


def emergency(rng: random.Random, town: Town) -> tuple[str, str, str, str, str]:
    """(line, title, content, context, reason) of an emergency call (BJ Art. 11)."""
    line, title, content, reason = rng.choice(EMERGENCIES)
    v = _values(rng, town)
    return line, title.format(**v), content.format(**v), rng.choice(EMERGENCY_CONTEXT), reason
