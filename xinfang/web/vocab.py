"""Source texts of the core's tables, marked for translation.

The transition table (``actions.workflow``), the deadline labels (``deadlines.clock``) and the
choice lists of ``actions.effects`` are plain Chinese strings in the core. Listing them here
lets ``makemessages`` keep their English in ``xinfang/locale``; templates translate them at
render time (``{% translate label %}``). ``tests/web/test_i18n.py`` fails when the core
gains a label that is missing here.
"""

from __future__ import annotations

from django.utils.translation import gettext_noop

ACTION_LABELS = [
    gettext_noop("登记"),
    gettext_noop("出具受理告知书"),
    gettext_noop("转送"),
    gettext_noop("交办"),
    gettext_noop("告知向有关机关提出"),
    gettext_noop("不再受理"),
    gettext_noop("紧急移交"),
    gettext_noop("当场答复"),
    gettext_noop("受理"),
    gettext_noop("受理（本机关办理）"),
    gettext_noop("提出异议"),
    gettext_noop("同意异议并收回"),
    gettext_noop("不同意异议，指定承办"),
    gettext_noop("确定主办协办单位"),
    gettext_noop("确定包案领导"),
    gettext_noop("联系信访人"),
    gettext_noop("听证"),
    gettext_noop("调解、和解"),
    gettext_noop("暂停计时"),
    gettext_noop("恢复计时"),
    gettext_noop("申请延期"),
    gettext_noop("延长办理期限"),
    gettext_noop("不同意延期"),
    gettext_noop("提交处理意见"),
    gettext_noop("退回处理意见"),
    gettext_noop("按保存期限删除个人信息"),
    gettext_noop("出具书面答复意见"),
    gettext_noop("督促落实"),
    gettext_noop("报送办结报告"),
    gettext_noop("办结"),
    gettext_noop("申请复查"),
    gettext_noop("申请复核"),
    gettext_noop("评价办理结果"),
    gettext_noop("补充材料"),
    gettext_noop("督办"),
    gettext_noop("书面回复督办"),
    gettext_noop("督办升级"),
    gettext_noop("内部备注"),
    gettext_noop("关联为重复件"),
    gettext_noop("收到同一事项的重复信访"),
    gettext_noop("并单"),
    gettext_noop("并入其他信访人的同一事项"),
    gettext_noop("解除并案"),
    gettext_noop("移出并案事项"),
    gettext_noop("并案办理进展"),
    gettext_noop("登记送达"),
    gettext_noop("确定复查（复核）机关"),
    gettext_noop("登记被检举控告单位"),
]

DEADLINE_LABELS = [
    gettext_noop("书面告知期限"),
    gettext_noop("转送交办期限"),
    gettext_noop("受理期限"),
    gettext_noop("受理告知期限"),
    gettext_noop("异议期限（5个工作日）"),
    gettext_noop("异议处理期限"),
    gettext_noop("暂停计时复核期限"),
    gettext_noop("办结期限"),
    gettext_noop("办理期限"),
    gettext_noop("申请复查期限"),
    gettext_noop("复查期限"),
    gettext_noop("申请复核期限"),
    gettext_noop("复核期限"),
]

CHOICE_LABELS = [
    gettext_noop("诉讼"),
    gettext_noop("仲裁"),
    gettext_noop("行政复议"),
    gettext_noop("行政许可、行政处罚等行政程序"),
    gettext_noop("党员申诉等党内程序"),
    gettext_noop("纪检监察机关"),
    gettext_noop("其他法定途径"),
    gettext_noop("110 报警"),
    gettext_noop("119 火警"),
    gettext_noop("120 急救"),
    gettext_noop("122 交通事故"),
    gettext_noop("电话"),
    gettext_noop("走访"),
    gettext_noop("约谈"),
    gettext_noop("短信"),
    gettext_noop("信函"),
    gettext_noop("网上"),
    gettext_noop("（保密）"),
    gettext_noop("承办人"),
    gettext_noop("承办单位负责人"),
    gettext_noop("督办机关负责人"),
    gettext_noop("上一级机关负责人"),
    gettext_noop("直接送达"),
    gettext_noop("邮寄送达"),
    gettext_noop("电子送达"),
    gettext_noop("窗口领取"),
    gettext_noop("其他方式"),
]
