"""What each action does to a matter besides its status (registered into ``EFFECTS``).

Each effect validates and normalises ``data`` in place (so the event records exactly what
was decided) and raises ``UserError`` before anything is written when input is bad.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q

from xinfang.core.errors import UserError
from xinfang.org.models import Role, Unit, User

from .models import Decision, Event, Kind, Matter, MatterUnit, Rating, Status
from .workflow import Ctx, effect

REDIRECT_CHANNELS = {
    # XFGZ Art. 31 (1)–(5)
    "litigation": "诉讼",
    "arbitration": "仲裁",
    "reconsideration": "行政复议",
    "licensing": "行政许可、行政处罚等行政程序",
    "party": "党员申诉等党内程序",
    "discipline": "纪检监察机关",
    "other": "其他法定途径",
}
EMERGENCY_LINES = {"110": "110 报警", "119": "119 火警", "120": "120 急救", "122": "122 交通事故"}
CONTACT_METHODS = {
    "phone": "电话",
    "visit": "走访",
    "meeting": "约谈",
    "sms": "短信",
    "letter": "信函",
    "online": "网上",
}


def _unit(value: Any, field: str) -> Unit:
    try:
        unit = Unit.objects.get(pk=int(value), is_active=True)
    except (TypeError, ValueError, Unit.DoesNotExist):
        raise UserError(
            "bad_unit", "请选择有效的单位", "Choose a valid unit", field=field
        ) from None
    return unit


def _text(d: dict[str, Any], key: str, zh: str, *, required: bool = True, limit: int = 5000) -> str:
    v = str(d.get(key) or "").strip()
    if required and not v:
        raise UserError("required", f"请填写{zh}", f"'{key}' is required", field=key)
    if len(v) > limit:
        raise UserError("too_long", f"{zh}过长（最多{limit}字）", f"'{key}' is too long", field=key)
    d[key] = v
    return v


def _date(d: dict[str, Any], key: str, zh: str, *, required: bool = True) -> date | None:
    v = d.get(key)
    if v in (None, ""):
        if required:
            raise UserError("required", f"请填写{zh}", f"'{key}' is required", field=key)
        d.pop(key, None)
        return None
    try:
        out = v if isinstance(v, date) else date.fromisoformat(str(v))
    except ValueError:
        raise UserError(
            "bad_date", f"{zh}不是有效日期", f"'{key}' is not a date", field=key
        ) from None
    d[key] = out.isoformat()
    return out


def _choice(d: dict[str, Any], key: str, choices: Any, zh: str) -> str:
    v = str(d.get(key) or "")
    if v not in choices:
        raise UserError("bad_choice", f"请选择{zh}", f"Choose a valid '{key}'", field=key)
    d[key] = v
    return v


def _not_accused(m: Matter, unit: Unit, field: str) -> None:
    # XFGZ Art. 30: a report or accusation is never sent to the unit it accuses.
    if m.accused_unit_id is not None and unit.pk == m.accused_unit_id:
        raise UserError(
            "accused_unit",
            "检举控告事项不得转送、交办给被检举控告的单位（信访工作条例第三十条）",
            "A report may not be sent to the unit it accuses (Art. 30)",
            field=field,
        )


def _set_units(m: Matter, lead: Unit | None, assisting: list[Unit]) -> None:
    MatterUnit.objects.filter(matter=m, active=True).update(active=False)
    rows = []
    if lead is not None:
        rows.append(MatterUnit(matter=m, unit=lead, role=MatterUnit.LEAD))
    rows += [
        MatterUnit(matter=m, unit=u, role=MatterUnit.ASSIST)
        for u in assisting
        if lead is None or u.pk != lead.pk
    ]
    MatterUnit.objects.bulk_create(rows)
    m.lead_unit = lead


def _assisting(d: dict[str, Any]) -> list[Unit]:
    ids = d.get("assisting") or []
    if isinstance(ids, str):
        ids = [x for x in ids.split(",") if x.strip()]
    units = [_unit(i, "assisting") for i in ids]
    return units


def _assisting_for(m: Matter, d: dict[str, Any]) -> list[Unit]:
    units = _assisting(d)
    for u in units:
        _not_accused(m, u, "assisting")
    d["assisting"] = [u.pk for u in units]
    return units


def _dispatch(m: Matter, d: dict[str, Any], c: Ctx, *, assign: bool) -> None:
    lead = _unit(d.get("unit"), "unit")
    _not_accused(m, lead, "unit")
    if lead.pk == m.registered_unit_id:
        raise UserError(
            "self_dispatch",
            "不能转送给本机关，本机关办理请直接受理",
            "Cannot forward to the registering organ itself; accept it instead",
            field="unit",
        )
    if assign:
        due = _date(d, "due_on", "交办办理期限")
        assert due is not None
        if due <= c.today:
            raise UserError(
                "bad_due",
                "交办期限须晚于今天",
                "The due date must be in the future",
                field="due_on",
            )
    assisting = _assisting_for(m, d)
    # A dispatch after the organ agreed to an objection designates the unit (WF Art. 22).
    m.designated = Event.objects.filter(matter=m, action="agree_objection").exists()
    d["designated"] = m.designated
    d["unit_name"] = lead.name
    d["unit"] = lead.pk
    m.dispatched_by = m.registered_unit
    _set_units(m, lead, assisting)


@effect("forward")
def _forward(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _dispatch(m, d, c, assign=False)


@effect("assign")
def _assign(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _dispatch(m, d, c, assign=True)


@effect("redirect")
def _redirect(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    ch = _choice(d, "channel", REDIRECT_CHANNELS, "法定途径")
    d["channel_name"] = REDIRECT_CHANNELS[ch]
    _text(d, "organ", "受理机关", limit=200)


@effect("not_accept")
def _not_accept(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    ground = _choice(d, "ground", ("art19", "art36"), "不予受理依据")
    no = _text(d, "existing", "原信访事项受理编号", limit=40)
    existing = Matter.objects.filter(receipt_no=no).exclude(pk=m.pk).first()
    if existing is None:
        raise UserError(
            "no_existing", f"找不到受理编号为{no}的事项", f"No matter {no}", field="existing"
        )
    if ground == "art36" and not _chain_final(existing):
        raise UserError(
            "not_final",
            "原事项尚未作出复核意见，不适用第三十六条第三款",
            "The existing matter has no re-examination decision (Art. 36 para 3)",
            field="ground",
        )
    m.repeat_of = existing
    d["existing_status"] = existing.get_status_display()
    d["existing_unit"] = existing.lead_unit.name if existing.lead_unit else ""


def _chain_final(m: Matter) -> bool:
    """Whether the chain original → 复查 → 复核 that ``m`` belongs to has a final decision."""
    root = m
    while root.parent_id is not None:
        root = root.parent  # type: ignore[assignment]
    return Matter.objects.filter(
        Q(pk=root.pk) | Q(parent=root) | Q(parent__parent=root), final=True
    ).exists()


@effect("emergency_transfer")
def _emergency(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    line = _choice(d, "line", EMERGENCY_LINES, "移交渠道")
    d["line_name"] = EMERGENCY_LINES[line]


@effect("accept_direct")
def _accept_direct(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _set_units(m, m.registered_unit, [])


@effect("agree_objection")
def _agree_objection(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _set_units(m, None, [])
    m.dispatched_by = None


@effect("reject_objection")
def _reject_objection(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    m.designated = True
    d["designated"] = True


@effect("set_units")
def _set_units_fx(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    lead = _unit(d["lead"], "lead") if d.get("lead") else m.lead_unit
    if lead is None:
        raise UserError("bad_unit", "请选择主办单位", "Choose a lead unit", field="lead")
    _not_accused(m, lead, "lead")
    assisting = _assisting_for(m, d)
    d["lead"] = lead.pk
    d["lead_name"] = lead.name
    _set_units(m, lead, assisting)


@effect("appoint_leader")
def _appoint_leader(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    try:
        leader = User.objects.get(pk=int(d.get("leader") or 0), is_active=True)
    except (ValueError, User.DoesNotExist):
        raise UserError("bad_leader", "请选择包案领导", "Choose a leader", field="leader") from None
    if not leader.memberships.filter(role=Role.LEADER).exists():
        raise UserError(
            "not_leader", "所选人员不是单位负责人", "That user is not a unit leader", field="leader"
        )
    _text(d, "plan", "化解方案")
    _text(d, "team", "工作专班", required=False, limit=500)
    _date(d, "due_on", "化解期限")
    d["leader"] = leader.pk
    d["leader_name"] = str(leader)
    m.lead_leader = leader


@effect("contact")
def _contact(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    method = _choice(d, "method", CONTACT_METHODS, "联系方式")
    d["method_name"] = CONTACT_METHODS[method]
    _text(d, "summary", "联系情况")


@effect("record_hearing")
def _hearing(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _date(d, "held_on", "听证日期")
    _text(d, "place", "听证地点", limit=200)
    _text(d, "summary", "听证情况")


@effect("record_mediation")
def _mediation(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _choice(d, "outcome", ("agreement", "settlement", "failed"), "调解结果")
    _text(d, "summary", "调解情况")


@effect("pause")
def _pause(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    kind = _choice(d, "reason_kind", ("hearing", "material"), "暂停原因")
    if kind == "hearing" and m.kind != Kind.REEXAM:
        # XFGZ Art. 36 excludes hearing time only from the re-examination period; elsewhere
        # the pause is recorded but the clock keeps running (deadlines.clock).
        d["counts"] = True
    m.is_paused = True


@effect("resume")
def _resume(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    m.is_paused = False


@effect("request_extension")
def _request_extension(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    days = _days(d)
    d["days"] = days
    m.extension_state = "requested"


def _days(d: dict[str, Any]) -> int:
    try:
        days = int(d.get("days") or 0)
    except (TypeError, ValueError):
        days = 0
    if not 1 <= days <= 30:
        raise UserError(
            "bad_days",
            "延长期限为1至30日（信访工作条例第三十四条）",
            "An extension is 1 to 30 days (Art. 34)",
            field="days",
        )
    return days


@effect("approve_extension")
def _approve_extension(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    req = Event.objects.filter(matter=m, action="request_extension").order_by("-seq").first()
    assert req is not None
    requested = int(req.data.get("days", 0))
    d.setdefault("days", requested)
    days = _days(d)
    if days > requested:
        raise UserError(
            "too_many_days", "批准天数不能超过申请天数", "More days than requested", field="days"
        )
    d["days"] = days
    d["reason_text"] = req.reason  # told to the petitioner (Art. 34)
    m.extension_state = "approved"


@effect("reject_extension")
def _reject_extension(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    m.extension_state = ""


OPINION_FIELDS = (
    ("request", "信访请求"),
    ("facts", "事实"),
    ("reasons", "理由"),
    ("basis", "法律政策依据"),
)


@effect("submit_opinion")
def _submit_opinion(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _choice(d, "decision", Decision.values, "处理意见")
    for key, zh in OPINION_FIELDS:
        _text(d, key, zh, limit=20000)


@effect("approve_opinion")
def _approve_opinion(m: Matter, d: dict[str, Any], c: Ctx) -> dict[str, Any]:
    draft = Event.objects.filter(matter=m, action="submit_opinion").order_by("-seq").first()
    assert draft is not None
    for key in ("decision", *(k for k, _ in OPINION_FIELDS)):
        d[key] = draft.data.get(key, "")
    _date(d, "served_on", "送达日期", required=False)
    m.decision = d["decision"]
    if m.kind == Kind.REEXAM:
        # XFGZ Art. 36 para 3: the re-examination decision ends the procedure.
        m.final = True
        return {"status": Status.CONCLUDED}
    return {}


@effect("record_execution")
def _execution(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "summary", "落实情况")


@effect("report_completion")
def _completion(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "summary", "办结报告")


def _followup(kind: str) -> Any:
    def fx(m: Matter, d: dict[str, Any], c: Ctx) -> dict[str, Any]:
        from .services import open_followup

        if d.get("organ"):
            organ = _unit(d["organ"], "organ")
        else:
            base = m.lead_unit or m.registered_unit
            found = base.organ_one_level_up()
            if found is None:
                raise UserError(
                    "no_organ",
                    "没有上一级机关，请指定复查（复核）机关",
                    "No organ one level up; choose one",
                    field="organ",
                )
            organ = found
        d["organ"] = organ.pk
        d["organ_name"] = organ.name
        _date(d, "received_on", "收到申请日期", required=False)

        def after(m: Matter, ev: Event) -> None:
            open_followup(
                parent=m, kind=kind, organ=organ, at=c.at, received_on=d.get("received_on")
            )

        return {"after": after}

    return fx


effect("request_review")(_followup(Kind.REVIEW))
effect("request_reexam")(_followup(Kind.REEXAM))


# XFGZ Art. 40: who must answer at each level of an unanswered supervision notice.
SUPERVISION_LEVELS = {1: "承办人", 2: "承办单位负责人", 3: "督办机关负责人", 4: "上一级机关负责人"}


@effect("supervise")
def _supervise(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "demand", "督办要求")
    due = _date(d, "reply_due", "回复期限")
    assert due is not None
    if due <= c.today:
        raise UserError(
            "bad_due",
            "回复期限须晚于今天",
            "The reply date must be in the future",
            field="reply_due",
        )
    m.supervision_level = 1
    m.supervision_due = due
    d["level"] = 1
    d["level_name"] = SUPERVISION_LEVELS[1]


@effect("answer_supervision")
def _answer_supervision(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "reply", "书面回复")
    d["level"] = m.supervision_level
    m.supervision_due = None


@effect("escalate_supervision")
def _escalate(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    from datetime import timedelta

    m.supervision_level += 1
    m.supervision_due = c.today + timedelta(days=int(d.get("days") or 5))
    d["level"] = m.supervision_level
    d["level_name"] = SUPERVISION_LEVELS[m.supervision_level]
    d["reply_due"] = m.supervision_due.isoformat()


@effect("rate")
def _rate(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    rating = _choice(d, "rating", Rating.values, "评价")
    _text(d, "comment", "评价理由", required=False, limit=1000)
    m.rating = rating


@effect("add_material")
def _material(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "note", "补充说明", required=False)
