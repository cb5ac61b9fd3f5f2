"""Fields of each action's form, and parsing a POST into the ``data`` the effect expects.

The fields mirror ``actions/effects.py``; validation stays in the effects (one place).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import QueryDict
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from xinfang.actions.effects import (
    CONTACT_METHODS,
    EMERGENCY_LINES,
    REDIRECT_CHANNELS,
    SERVICE_METHODS,
)
from xinfang.cases.inputs import RegistrationIn
from xinfang.cases.models import Category, Decision, Rating
from xinfang.org.models import Role, Unit, UnitKind, User

Label = str | Promise


@dataclass(frozen=True)
class Field:
    """One input of an action form; ``kind`` picks the widget in ``web/_action.html``."""

    name: str
    label: Label
    # text | textarea | date | number | select | units | multiunits | leaders | receipt | topics
    kind: str = "text"
    choices: tuple[tuple[str, Label], ...] = ()
    required: bool = True
    value: str = ""  # shown filled in (a correction shows what is registered now)


def _c(d: dict[str, str]) -> tuple[tuple[str, Label], ...]:
    # The core's Chinese labels; their English lives in the catalogue via ``vocab``.
    return tuple(d.items())


UNIT = Field("unit", _("承办单位"), "units")
ASSIST = Field("assisting", _("协办单位"), "multiunits", required=False)
# BJ Art. 11 / PIPL Art. 24: a lead other than the catalogue's needs a short reason.
OVERRIDE = Field("override_reason", _("未采用派单目录建议的理由"), required=False)

ACTION_FIELDS: dict[str, list[Field]] = {
    "forward": [UNIT, ASSIST, OVERRIDE],
    "assign": [UNIT, Field("due_on", _("交办办理期限"), "date"), ASSIST, OVERRIDE],
    "redirect": [
        Field("channel", _("法定途径"), "select", _c(REDIRECT_CHANNELS)),
        Field("organ", _("应向其提出的机关")),
    ],
    "not_accept": [
        Field(
            "ground",
            _("依据"),
            "select",
            (
                ("art19", _("第十九条第三款：原办理期限内向上级重复提出")),
                ("art36", _("第三十六条第三款：复核后同一事实和理由")),
            ),
        ),
        Field("existing", _("原信访事项受理编号")),
    ],
    "emergency_transfer": [Field("line", _("移交渠道"), "select", _c(EMERGENCY_LINES))],
    "set_units": [Field("lead", _("主办单位"), "units"), ASSIST],
    "appoint_leader": [
        Field("leader", _("包案领导"), "leaders"),
        Field("team", _("工作专班"), required=False),
        Field("plan", _("化解方案"), "textarea"),
        Field("due_on", _("化解期限"), "date"),
    ],
    "report_progress": [Field("progress", _("化解进展"), "textarea")],
    "sign_off": [Field("outcome", _("化解结果"), "textarea")],
    "contact": [
        Field("method", _("联系方式"), "select", _c(CONTACT_METHODS)),
        Field("summary", _("联系情况"), "textarea"),
    ],
    "record_hearing": [
        Field("held_on", _("听证日期"), "date"),
        Field("place", _("听证地点")),
        Field("summary", _("听证情况"), "textarea"),
    ],
    "record_mediation": [
        Field(
            "outcome",
            _("结果"),
            "select",
            (
                ("agreement", _("达成调解协议")),
                ("settlement", _("达成和解")),
                ("failed", _("未达成")),
            ),
        ),
        Field("summary", _("调解情况"), "textarea"),
    ],
    "pause": [
        Field(
            "reason_kind",
            _("暂停原因"),
            "select",
            (("material", _("等待信访人补充材料")), ("hearing", _("听证"))),
        )
    ],
    "request_extension": [Field("days", _("延长天数（1–30）"), "number")],
    "approve_extension": [Field("days", _("批准天数（不填则按申请）"), "number", required=False)],
    "submit_opinion": [
        Field("decision", _("处理意见"), "select", tuple((d.value, d.label) for d in Decision)),
        Field("request", _("信访请求"), "textarea"),
        Field("facts", _("查明的事实"), "textarea"),
        Field("reasons", _("理由"), "textarea"),
        Field("basis", _("法律政策依据"), "textarea"),
    ],
    "approve_opinion": [Field("served_on", _("送达日期（不填为今天）"), "date", required=False)],
    "record_service": [
        Field("served_on", _("送达日期"), "date"),
        Field("method", _("送达方式"), "select", _c(SERVICE_METHODS), required=False),
        Field("note", _("送达情况"), required=False),
    ],
    "choose_organ": [Field("organ", _("复查（复核）机关"), "units")],
    "record_accused": [
        Field("unit", _("被检举控告单位"), "units", required=False),
        Field(
            "none",
            _("或者"),
            "select",
            (("", "—"), ("1", _("不涉及本系统中的单位"))),
            required=False,
        ),
    ],
    "record_execution": [Field("summary", _("落实情况"), "textarea")],
    "report_completion": [Field("summary", _("办结报告"), "textarea")],
    "request_review": [
        Field("received_on", _("收到申请日期（不填为今天）"), "date", required=False)
    ],
    "request_reexam": [
        Field("received_on", _("收到申请日期（不填为今天）"), "date", required=False)
    ],
    "rate": [
        Field("rating", _("评价"), "select", tuple((r.value, r.label) for r in Rating)),
        Field("comment", _("理由"), "textarea", required=False),
    ],
    "add_material": [Field("note", _("补充说明"), "textarea")],
    "supervise": [
        Field("demand", _("督办要求"), "textarea"),
        Field("reply_due", _("书面回复期限"), "date"),
    ],
    "answer_supervision": [Field("reply", _("书面回复"), "textarea")],
    "link_repeat": [Field("existing", _("原信访事项受理编号"), "receipt")],
    "merge": [Field("main", _("主办事项受理编号"), "receipt")],
    "correct_registration": [
        Field("category", _("性质"), "select", tuple(Category.choices), required=False),
        Field("topic", _("问题类别"), "topics", required=False),
        Field("area", _("问题属地"), "units", required=False),
        Field("title", _("摘要"), required=False),
        Field("petitioner_name", _("信访人姓名（不改请留空）"), required=False),
        Field("petitioner_phone", _("联系电话（不改请留空）"), required=False),
        Field("petitioner_address", _("地址（不改请留空）"), required=False),
    ],
    "escalate_supervision": [
        Field("days", _("新的回复期限（天，不填为5天）"), "number", required=False)
    ],
}

# Actions whose reason box is shown (the table says which require one).
REASON_LABEL = {
    "add_note": _("备注内容"),
    "answer_on_spot": _("答复内容"),
    "emergency_transfer": _("情况说明"),
    "object": _("异议理由"),
    "reject_objection": _("不同意的理由"),
    "redirect": _("说明"),
    "not_accept": _("说明"),
    "pause": _("暂停理由"),
    "request_extension": _("延期理由（将告知信访人）"),
    "reject_extension": _("不同意的理由"),
    "return_opinion": _("退回理由"),
    "supervise": _("督办事由"),
    "merge": _("并单理由（为何属于同一事项）"),
    "split": _("解除并案的理由"),
}


def parse_action(action: str, post: QueryDict) -> dict[str, Any]:
    """The ``data`` of ``transition(matter, action, ...)`` from the action's form."""
    data: dict[str, Any] = {}
    for f in ACTION_FIELDS.get(action, []):
        if f.kind == "multiunits":
            data[f.name] = [v for v in post.getlist(f.name) if v]
        else:
            v = post.get(f.name, "").strip()
            if v:
                data[f.name] = v
    return data


# The order of the groups in unit pickers: the organs a matter is most often sent to first.
KIND_ORDER = (
    UnitKind.DEPARTMENT,
    UnitKind.GOVERNMENT,
    UnitKind.XINFANG_OFFICE,
    UnitKind.HOTLINE,
    UnitKind.POLITICAL_LEGAL,
    UnitKind.DISCIPLINE,
    UnitKind.COMMITTEE,
    UnitKind.MEDIATION,
)


def unit_choices() -> list[Unit]:
    """Units offered in unit pickers, grouped by kind (departments, governments, offices,
    …; ``web/_action.html`` shows each group under its name) and in tree order within."""
    units = Unit.objects.filter(is_active=True).only("id", "name", "path", "level", "kind")
    rank: dict[str, int] = {str(k): i for i, k in enumerate(KIND_ORDER)}
    return sorted(units, key=lambda u: (rank.get(u.kind, len(rank)), u.path))


def leader_choices() -> list[User]:
    """Users who lead some unit: candidates for 包案领导."""
    return list(
        User.objects.filter(is_active=True, memberships__role=Role.LEADER).distinct().order_by("id")
    )


# --- registration ---------------------------------------------------------------------

PETITIONER_ROWS = 6  # rows shown at least; XFGZ Art. 20 allows at most 5 representatives
MAX_ROWS = 100  # rows added in the browser ("添加一行") are read up to this many


def petitioner_rows(post: QueryDict | dict[str, Any]) -> list[dict[str, Any]]:
    """The petitioner table of the registration form, refilled from ``post``."""
    used = [i for i in range(MAX_ROWS) if f"p{i}_name" in post]
    count = max(PETITIONER_ROWS, max(used, default=-1) + 1)
    return [
        {
            "i": i,
            "n": i + 1,
            "name": post.get(f"p{i}_name", ""),
            "phone": post.get(f"p{i}_phone", ""),
            "address": post.get(f"p{i}_address", ""),
            "id": post.get(f"p{i}_id", ""),
            "rep": bool(post.get(f"p{i}_rep")),
        }
        for i in range(count)
    ]


def registration_kwargs(
    post: QueryDict | dict[str, Any], files: Any, units: list[Unit]
) -> dict[str, Any]:
    """Keyword arguments of ``register_matter`` from the registration form: the form's
    values read as every face reads them (``cases.inputs.RegistrationIn.parse``), and the
    files. Raises ``UserError`` for input that cannot even be read."""
    raw: dict[str, Any] = {k: post.get(k, "") for k in REGISTRATION_FIELDS}
    raw["unit"] = post.get("unit", str(units[0].pk) if units else "")
    raw["petitioners"] = [
        {
            "name": r["name"],
            "phone": r["phone"],
            "address": r["address"],
            "id_number": r["id"],
            "is_representative": r["rep"],
        }
        for r in petitioner_rows(post)
    ]
    reg = RegistrationIn.parse(raw, organs=units)
    return {**reg.kwargs(), "attachments": files.getlist("attachments") if files else []}


# The form's fields read as they are (the unit and the petitioners are read apart).
REGISTRATION_FIELDS = (
    "channel",
    "category",
    "hotline_type",
    "title",
    "content",
    "facts",
    "received_at",
    "backdate_reason",
    "topic",
    "area",
    "accused_unit",
    "is_collective",
    "headcount",
    "anonymous",
    "confidential",
)


def petitioner_keys(post: QueryDict | dict[str, Any]) -> list[dict[str, str]]:
    """Name, phone and ID number of each petitioner row filled in: what the lookup of the
    petitioner's earlier matters goes by (``finality.final_matters``)."""
    out = []
    for r in petitioner_rows(post):
        key = {"name": r["name"].strip(), "phone": r["phone"].strip(), "id_number": r["id"].strip()}
        if any(key.values()):
            out.append(key)
    return out


def area_key(post: QueryDict | dict[str, Any]) -> int | None:
    """The key of the area (问题属地) chosen in the registration form, if any."""
    return _int(post.get("area")) or None


def _int(v: Any) -> int:
    return int(v) if str(v or "").isdigit() else 0
