"""Fields of each action's form, and parsing a POST into the ``data`` the effect expects.

The fields mirror ``cases/effects.py``; validation stays in the effects (one place).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict

from xinfang.cases.effects import CONTACT_METHODS, EMERGENCY_LINES, REDIRECT_CHANNELS
from xinfang.cases.models import Decision, Rating
from xinfang.org.models import Role, Unit, User


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = "text"  # text | textarea | date | number | select | units | multiunits
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = True


def _c(d: dict[str, str]) -> tuple[tuple[str, str], ...]:
    return tuple(d.items())


UNIT = Field("unit", "承办单位", "units")
ASSIST = Field("assisting", "协办单位", "multiunits", required=False)

ACTION_FIELDS: dict[str, list[Field]] = {
    "forward": [UNIT, ASSIST],
    "assign": [UNIT, Field("due_on", "交办办理期限", "date"), ASSIST],
    "redirect": [
        Field("channel", "法定途径", "select", _c(REDIRECT_CHANNELS)),
        Field("organ", "应向其提出的机关"),
    ],
    "not_accept": [
        Field(
            "ground",
            "依据",
            "select",
            (
                ("art19", "第十九条第三款：原办理期限内向上级重复提出"),
                ("art36", "第三十六条第三款：复核后同一事实和理由"),
            ),
        ),
        Field("existing", "原信访事项受理编号"),
    ],
    "emergency_transfer": [Field("line", "移交渠道", "select", _c(EMERGENCY_LINES))],
    "set_units": [Field("lead", "主办单位", "units"), ASSIST],
    "appoint_leader": [
        Field("leader", "包案领导", "leaders"),
        Field("team", "工作专班", required=False),
        Field("plan", "化解方案", "textarea"),
        Field("due_on", "化解期限", "date"),
    ],
    "contact": [
        Field("method", "联系方式", "select", _c(CONTACT_METHODS)),
        Field("summary", "联系情况", "textarea"),
    ],
    "record_hearing": [
        Field("held_on", "听证日期", "date"),
        Field("place", "听证地点"),
        Field("summary", "听证情况", "textarea"),
    ],
    "record_mediation": [
        Field(
            "outcome",
            "结果",
            "select",
            (("agreement", "达成调解协议"), ("settlement", "达成和解"), ("failed", "未达成")),
        ),
        Field("summary", "调解情况", "textarea"),
    ],
    "pause": [
        Field(
            "reason_kind",
            "暂停原因",
            "select",
            (("material", "等待信访人补充材料"), ("hearing", "听证")),
        )
    ],
    "request_extension": [Field("days", "延长天数（1–30）", "number")],
    "approve_extension": [Field("days", "批准天数（不填则按申请）", "number", required=False)],
    "submit_opinion": [
        Field("decision", "处理意见", "select", tuple((d.value, str(d.label)) for d in Decision)),
        Field("request", "信访请求", "textarea"),
        Field("facts", "查明的事实", "textarea"),
        Field("reasons", "理由", "textarea"),
        Field("basis", "法律政策依据", "textarea"),
    ],
    "approve_opinion": [Field("served_on", "送达日期（不填为今天）", "date", required=False)],
    "record_execution": [Field("summary", "落实情况", "textarea")],
    "report_completion": [Field("summary", "办结报告", "textarea")],
    "request_review": [Field("received_on", "收到申请日期（不填为今天）", "date", required=False)],
    "request_reexam": [Field("received_on", "收到申请日期（不填为今天）", "date", required=False)],
    "rate": [
        Field("rating", "评价", "select", tuple((r.value, str(r.label)) for r in Rating)),
        Field("comment", "理由", "textarea", required=False),
    ],
    "add_material": [Field("note", "补充说明", "textarea")],
}

# Actions whose reason box is shown (the table says which require one).
REASON_LABEL = {
    "add_note": "备注内容",
    "answer_on_spot": "答复内容",
    "emergency_transfer": "情况说明",
    "object": "异议理由",
    "reject_objection": "不同意的理由",
    "redirect": "说明",
    "not_accept": "说明",
    "pause": "暂停理由",
    "request_extension": "延期理由（将告知信访人）",
    "reject_extension": "不同意的理由",
    "return_opinion": "退回理由",
}


def parse_action(action: str, post: QueryDict) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for f in ACTION_FIELDS.get(action, []):
        if f.kind == "multiunits":
            data[f.name] = [v for v in post.getlist(f.name) if v]
        else:
            v = post.get(f.name, "").strip()
            if v:
                data[f.name] = v
    return data


def unit_choices() -> list[Unit]:
    return list(Unit.objects.filter(is_active=True).only("id", "name", "path", "level"))


def leader_choices() -> list[User]:
    return list(
        User.objects.filter(is_active=True, memberships__role=Role.LEADER).distinct().order_by("id")
    )
