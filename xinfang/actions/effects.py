"""What each action does to a matter besides its status (named on its rule in ``RULES``).

Each effect validates and normalises ``data`` in place (so the event records exactly what
was decided) and raises ``UserError`` before anything is written when input is bad.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q

from xinfang.cases import access
from xinfang.cases.clock import clock_for, policy
from xinfang.cases.inputs import PETITIONER_FIELDS
from xinfang.cases.models import (
    TERMINAL,
    Attachment,
    Category,
    Decision,
    Event,
    Kind,
    Matter,
    Petitioner,
    Rating,
    Status,
    Topic,
)
from xinfang.core.errors import UserError, check_text
from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.clock import local_date
from xinfang.notices.models import Notice
from xinfang.notices.render import forget_rendered
from xinfang.org.models import Role, Unit, User
from xinfang.reports.counters import add_rating
from xinfang.routing.services import count, record_choice
from xinfang.search.services import index_matters

from .context import MAIN_SOURCES, RELAYED, Ctx, Outcome, Then
from .records import set_units
from .reviews import open_followup

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
    # XFGZ Art. 30: a report or accusation is never sent to the unit it accuses, nor to a
    # unit under it (which answers to it) — nor is a matter that reports merged into it
    # are handled with (并案).
    accused = {m.accused_unit_id} - {None} | set(
        Matter.objects.merged_into_main(m)
        .filter(accused_unit__isnull=False)
        .values_list("accused_unit_id", flat=True)
    )
    if not accused:
        return
    paths = Unit.objects.filter(pk__in=accused).values_list("path", flat=True)
    if unit.pk in accused or any(unit.path.startswith(p) for p in paths):
        raise UserError(
            "accused_unit",
            "检举控告事项不得转送、交办给被检举控告的单位或其下属单位（信访工作条例第三十条）",
            "A report may not be sent to the unit it accuses or a unit under it (Art. 30)",
            field=field,
        )


def _accused_known(m: Matter, field: str) -> None:
    """XFGZ Art. 30: before a 检举控告 goes anywhere, staff record whom it accuses (or that
    it accuses no unit of this deployment), so routing can keep it from the accused."""
    if m.category != Category.REPORT or m.accused_unit_id is not None:
        return
    if not Event.objects.filter(matter=m, action="record_accused").exists():
        raise UserError(
            "accused_required",
            "检举控告事项在转送、交办前须先登记被检举控告单位（信访工作条例第三十条）",
            "Record the accused unit of a report before routing it (Art. 30)",
            field=field,
        )


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


def _latest_assign_due(m: Matter, today: date) -> date:
    """The last day an assignment made ``today`` may fix: the category's handling period
    counted from the assignment, by the clock's own counting rules."""
    p = policy()
    days = {"suggestion": p.suggestion_days, "report": p.report_days}.get(m.category, p.claim_days)
    return load_calendar().add_calendar_days(today, days, roll_forward=p.roll_forward)


def _dispatch(m: Matter, d: dict[str, Any], c: Ctx, *, assign: bool) -> None:
    lead = _unit(d.get("unit"), "unit")
    _accused_known(m, "unit")
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
        # XFGZ Arts. 22, 34: an assignment may shorten the handling period, never lengthen
        # it; only the one extension of Art. 34 goes beyond it, approved on its own.
        latest = _latest_assign_due(m, c.today)
        if due > latest:
            raise UserError(
                "due_too_late",
                f"交办期限不得超过法定办理期限（最迟{latest:%Y年%m月%d日}，信访工作条例第三十四条）",
                f"An assignment's due date may not exceed the statutory handling period "
                f"(at the latest {latest.isoformat()}, Art. 34)",
                field="due_on",
            )
    assisting = _assisting_for(m, d)
    # BJ Art. 11, PIPL Art. 24: the registrar decides; the event records the catalogue's
    # suggestion, whether it was followed and why not, and the history counts the choice.
    record_choice(m, lead, d, at=c.at)
    # XFGZ Art. 23 para 3 lets the receiving organ object; a unit designated after a dispute
    # may not return it again (WF Art. 22). Whether a dispatch after the office agreed to an
    # objection designates is a setting (docs/adr/0005: by default it does not).
    m.designated = (
        settings.XINFANG["DESIGNATE_AFTER_AGREED_OBJECTION"]
        and Event.objects.filter(matter=m, action="agree_objection").exists()
    )
    d["designated"] = m.designated
    d["unit_name"] = lead.name
    d["unit"] = lead.pk
    m.dispatched_by = m.registered_unit
    set_units(m, lead, assisting)


def forward(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _dispatch(m, d, c, assign=False)


def assign(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _dispatch(m, d, c, assign=True)


def redirect(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    ch = _choice(d, "channel", REDIRECT_CHANNELS, "法定途径")
    d["channel_name"] = REDIRECT_CHANNELS[ch]
    _text(d, "organ", "受理机关", limit=200)


def not_accept(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    ground = _choice(d, "ground", ("art19", "art36"), "不予受理依据")
    existing = _visible_matter(d, "existing", "原信访事项受理编号", m, c)
    if ground == "art36" and not _chain_final(existing):
        raise UserError(
            "not_final",
            "原事项尚未作出复核意见，不适用第三十六条第三款",
            "The existing matter has no re-examination decision (Art. 36 para 3)",
            field="ground",
        )
    if ground == "art19":
        _art19_applies(existing, c)
    m.repeat_of = existing
    d["existing_status"] = existing.get_status_display()
    d["existing_unit"] = existing.lead_unit.name if existing.lead_unit else ""


def _art19_applies(existing: Matter, c: Ctx) -> None:
    """XFGZ Art. 19 para 3: a matter raised again while the organ handling it is still within
    its period is not accepted again. Past that period the new matter must be accepted (or
    the existing one supervised); after a written reply the remedy is 复查 (Art. 35)."""
    if existing.status in (Status.ANSWERED, Status.CONCLUDED):
        raise UserError(
            "existing_answered",
            f"原事项{existing.receipt_no}已作出书面答复意见，不适用第十九条第三款；信访人不服的，"
            "可以自收到书面答复意见之日起30日内请求复查（信访工作条例第三十五条）",
            f"{existing.receipt_no} has been answered, so Art. 19 para 3 does not apply; "
            "the petitioner may request a review within 30 days of the reply (Art. 35)",
            field="existing",
        )
    if existing.status in TERMINAL:
        raise UserError(
            "existing_closed",
            f"原事项{existing.receipt_no}已{existing.get_status_display()}，不在办理期限内，"
            "不适用第十九条第三款，请依法受理",
            f"{existing.receipt_no} is not being handled, so Art. 19 para 3 does not apply",
            field="existing",
        )
    _refuse_if_overdue(existing, c)


def _refuse_if_overdue(existing: Matter, c: Ctx) -> None:
    clk = clock_for(existing, on=c.today)
    for dl in (clk.get("handling"), clk.current()):
        if dl is not None and dl.state == "overdue":
            raise UserError(
                "existing_overdue",
                f"原事项已超过{dl.label}（{dl.article}），不属于第十九条第三款规定的办理期限内"
                "重复提出，请依法受理或督办原事项",
                "The existing matter is past its deadline, so Art. 19 para 3 does not apply: "
                "accept this matter or supervise the existing one",
                field="existing",
            )


def _chain_final(m: Matter) -> bool:
    """Whether the chain original → 复查 → 复核 that ``m`` belongs to has a final decision."""
    root = m
    while root.parent_id is not None:
        root = root.parent  # type: ignore[assignment]
    return Matter.objects.filter(
        Q(pk=root.pk) | Q(parent=root) | Q(parent__parent=root), final=True
    ).exists()


def emergency_transfer(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    line = _choice(d, "line", EMERGENCY_LINES, "移交渠道")
    d["line_name"] = EMERGENCY_LINES[line]


def accept_direct(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    set_units(m, m.registered_unit, [])


def raise_objection(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    count(m, m.lead_unit, objected=1)  # the learned ranking counts objected dispatches


def agree_objection(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    set_units(m, None, [])
    m.dispatched_by = None


def reject_objection(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    m.designated = True
    d["designated"] = True


def choose_units(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    lead = _unit(d["lead"], "lead") if d.get("lead") else m.lead_unit
    if lead is None:
        raise UserError("bad_unit", "请选择主办单位", "Choose a lead unit", field="lead")
    _accused_known(m, "lead")
    _not_accused(m, lead, "lead")
    assisting = _assisting_for(m, d)
    d["lead"] = lead.pk
    d["lead_name"] = lead.name
    set_units(m, lead, assisting)


def record_accused(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
    """Whom a 检举控告 accuses (XFGZ Art. 30): a unit, which then never sees the report or
    who made it, or ``none`` — it accuses no unit of this deployment (a company, a person)."""
    if d.get("none") in (True, "1", "true", "on"):
        d.clear()
        d["none"] = True
        m.accused_unit = None
    else:
        unit = _unit(d.get("unit"), "unit")
        if unit.pk == m.registered_unit_id:
            # The organ would lose sight of its own register (and the reporter's receipt):
            # a report about the organ itself goes to its superior.
            raise UserError(
                "accuses_registering_organ",
                "被检举控告单位是本机关的，请报送上一级机关处理（信访工作条例第三十条）",
                "A report about this organ goes to the organ above (Art. 30)",
                field="unit",
            )
        d.clear()
        d.update({"unit": unit.pk, "unit_name": unit.name})
        m.accused_unit = unit
    m.confidential = True

    def after(m: Matter, ev: Event) -> None:
        index_matters([m.pk])  # the accused unit's name is searchable with the matter

    return Outcome(after=after)


def appoint_leader(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    try:
        leader = User.objects.get(pk=int(d.get("leader") or 0), is_active=True)
    except (ValueError, User.DoesNotExist):
        raise UserError("bad_leader", "请选择包案领导", "Choose a leader", field="leader") from None
    if not leader.memberships.filter(role=Role.LEADER).exists():
        raise UserError(
            "not_leader", "所选人员不是单位负责人", "That user is not a unit leader", field="leader"
        )
    if not access.can_see(leader, m):
        # the leader who takes charge of a matter must be one who may see it (need-to-know)
        raise UserError(
            "leader_cannot_see",
            "所选领导无权查看本事项，请选择承办单位或其上级的负责人",
            "That leader may not see this matter: choose a leader of the unit or above it",
            field="leader",
        )
    _text(d, "plan", "化解方案")
    _text(d, "team", "工作专班", required=False, limit=500)
    _date(d, "due_on", "化解期限")
    d["leader"] = leader.pk
    d["leader_name"] = str(leader)
    m.lead_leader = leader


def report_progress(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    """包案: the leader in charge (or the handler) records what was done toward resolving it."""
    _text(d, "progress", "化解进展")


def sign_off(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    """包案销号: the leader in charge closes their charge once the matter is resolved (once:
    the rule's guard)."""
    _text(d, "outcome", "化解结果")


def contact(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    method = _choice(d, "method", CONTACT_METHODS, "联系方式")
    d["method_name"] = CONTACT_METHODS[method]
    _text(d, "summary", "联系情况")


def record_hearing(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _date(d, "held_on", "听证日期")
    _text(d, "place", "听证地点", limit=200)
    _text(d, "summary", "听证情况")


def record_mediation(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _choice(d, "outcome", ("agreement", "settlement", "failed"), "调解结果")
    _text(d, "summary", "调解情况")


def pause(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    kind = _choice(d, "reason_kind", ("hearing", "material"), "暂停原因")
    if kind == "hearing" and m.kind != Kind.REEXAM:
        # XFGZ Art. 36 excludes hearing time only from the re-examination period; elsewhere
        # the pause is recorded but the clock keeps running (deadlines.clock).
        d["counts"] = True
    m.is_paused = True


def resume(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    m.is_paused = False


def request_extension(m: Matter, d: dict[str, Any], c: Ctx) -> None:
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


def approve_extension(m: Matter, d: dict[str, Any], c: Ctx) -> None:
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


def reject_extension(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    m.extension_state = ""


OPINION_FIELDS = (
    ("request", "信访请求"),
    ("facts", "事实"),
    ("reasons", "理由"),
    ("basis", "法律政策依据"),
)


def submit_opinion(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _choice(d, "decision", Decision.values, "处理意见")
    for key, zh in OPINION_FIELDS:
        _text(d, key, zh, limit=20000)


def approve_opinion(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome | None:
    draft = Event.objects.filter(matter=m, action="submit_opinion").order_by("-seq").first()
    assert draft is not None
    for key in ("decision", *(k for k, _ in OPINION_FIELDS)):
        d[key] = draft.data.get(key, "")
    served = _date(d, "served_on", "送达日期", required=False)
    if served is not None:
        _check_service(served, c.today, c)
    m.decision = d["decision"]
    m.answered_at = c.at
    if m.kind == Kind.REEXAM:
        # XFGZ Art. 36 para 3: the re-examination decision ends the procedure.
        m.final = True
        return Outcome(status=Status.CONCLUDED)
    return None


SERVICE_METHODS = {
    "direct": "直接送达",
    "post": "邮寄送达",
    "electronic": "电子送达",
    "counter": "窗口领取",
    "other": "其他方式",
}


def _check_service(served: date, replied: date, c: Ctx) -> None:
    """A reply is served on or after the day it was issued, and not after today."""
    if served < replied:
        raise UserError(
            "served_before_reply",
            f"送达日期不能早于书面答复意见出具日期（{replied:%Y年%m月%d日}）",
            f"The reply cannot be served before it was issued ({replied.isoformat()})",
            field="served_on",
        )
    if served > c.today:
        raise UserError(
            "served_in_future",
            "送达日期不能晚于今天",
            "The service date cannot be after today",
            field="served_on",
        )


def record_service(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    """送达: the day the petitioner received the written reply, from which the 30 days to
    request 复查 (XFGZ Art. 35) or 复核 (Art. 36) run."""
    served = _date(d, "served_on", "送达日期")
    assert served is not None
    reply = (
        Event.objects.filter(matter=m)
        .filter(
            Q(action="approve_opinion") | Q(action="relay", data__main_action="approve_opinion")
        )
        .order_by("-seq")
        .values_list("at", flat=True)
        .first()
    )
    if reply is None:
        raise UserError("no_reply", "尚未出具书面答复意见", "No written reply has been issued")
    if m.followups.exists():
        raise UserError(
            "already_requested",
            "信访人已请求复查（复核），不能再变更送达日期",
            "A review was already requested; the service date can no longer change",
        )
    _check_service(served, local_date(reply), c)
    if d.get("method"):
        d["method_name"] = SERVICE_METHODS[_choice(d, "method", SERVICE_METHODS, "送达方式")]
    _text(d, "note", "送达情况", required=False, limit=500)


def choose_organ(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    """The organ that decides a 复查/复核 request received where no organ one level up is
    known (XFGZ Arts. 35, 36): staff of the receiving organ name it."""
    organ = _unit(d.get("organ"), "organ")
    d["organ"] = organ.pk
    d["organ_name"] = organ.name
    m.dispatched_by = m.registered_unit
    set_units(m, organ, [])


def record_execution(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "summary", "落实情况")


def report_completion(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "summary", "办结报告")


def _followup(kind: str) -> Any:
    def fx(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
        pending = False
        if d.get("organ") and not c.by_citizen:
            organ = _unit(d["organ"], "organ")
        else:
            base = m.lead_unit or m.registered_unit
            found = base.organ_one_level_up()
            if found is None:
                # Never refused at the citizen: the request is registered where the reply
                # came from, and its staff name the organ that decides it (choose_organ).
                found, pending = base, True
                d["organ_pending"] = True
            organ = found
        d["organ"] = organ.pk
        d["organ_name"] = organ.name
        if c.by_citizen:
            d.pop("received_on", None)
        _date(d, "received_on", "收到申请日期", required=False)
        # what the petitioner disputes in the reply and why (XFGZ Arts. 35–36): the new
        # matter's request; a citizen states it, staff may record a request made orally
        label = "复查请求和理由" if kind == Kind.REVIEW else "复核请求和理由"
        grounds = _text(d, "grounds", label, required=c.by_citizen, limit=20000)

        def after(m: Matter, ev: Event) -> None:
            open_followup(
                parent=m,
                kind=kind,
                organ=organ,
                at=c.at,
                received_on=d.get("received_on"),
                pending=pending,
                grounds=grounds,
            )

        return Outcome(after=after)

    return fx


request_review = _followup(Kind.REVIEW)
request_reexam = _followup(Kind.REEXAM)


# XFGZ Art. 40: who must answer at each level of an unanswered supervision notice.
SUPERVISION_LEVELS = {1: "承办人", 2: "承办单位负责人", 3: "督办机关负责人", 4: "上一级机关负责人"}


def supervise(m: Matter, d: dict[str, Any], c: Ctx) -> None:
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


def answer_supervision(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "reply", "书面回复")
    d["level"] = m.supervision_level
    m.supervision_due = None


def escalate_supervision(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    m.supervision_level += 1
    m.supervision_due = c.today + timedelta(days=int(d.get("days") or 5))
    d["level"] = m.supervision_level
    d["level_name"] = SUPERVISION_LEVELS[m.supervision_level]
    d["reply_due"] = m.supervision_due.isoformat()


def rate(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    rating = _choice(d, "rating", Rating.values, "评价")
    _text(d, "comment", "评价理由", required=False, limit=1000)
    m.rating = rating
    add_rating(m.lead_unit_id, rating, c.at)  # the three rates' daily counter, same transaction


def add_material(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "note", "补充说明", required=False)


# --- link as repeat, merge (并单), split ---------------------------------------------


def _visible_matter(d: dict[str, Any], key: str, zh: str, m: Matter, c: Ctx) -> Matter:
    """The matter named by receipt number in ``d[key]``, if the actor may see it."""
    no = _text(d, key, zh, limit=40)
    found = (
        access.visible(c.actor)
        .select_related("registered_unit", "lead_unit")
        .filter(receipt_no=no)
        .exclude(pk=m.pk)
        .first()
    )
    if found is None:
        raise UserError(
            "no_existing",
            f"找不到受理编号为{no}的事项，或您无权查看",
            f"No matter {no} that you may see",
            field=key,
        )
    return found


def _art30(report: Matter, target: Matter, field: str) -> None:
    """XFGZ Art. 30: a report is never joined to a matter its accused unit can see."""
    if report.accused_unit_id is None:
        return
    accused = report.accused_unit
    assert accused is not None
    if access.seen_by_unit(target, accused) or target.lead_unit_id == accused.pk:
        raise UserError(
            "accused_sees",
            "检举控告事项不得与被检举控告单位可以查看的事项合并或关联（信访工作条例第三十条）",
            "A report may not be joined to a matter its accused unit can see (Art. 30)",
            field=field,
        )


def _same_person(a: Matter, b: Matter) -> bool:
    """Whether the two matters share a petitioner (same ID number, phone or name)."""
    pa = list(a.petitioners.values_list("name", "phone_index", "id_index"))
    pb = list(b.petitioners.values_list("name", "phone_index", "id_index"))
    if a.anonymous or b.anonymous or not pa or not pb:
        return True  # nothing to compare; the registrar decides
    phones = {ph for _, ph, _ in pa if ph}
    names = {n for n, _, _ in pa if n}
    ids = {i for _, _, i in pa if i}
    return any((ph and ph in phones) or (n and n in names) or (i and i in ids) for n, ph, i in pb)


def _repeat_ground(m: Matter, existing: Matter, c: Ctx) -> tuple[str, str]:
    """Which rule governs a repeat (XFGZ Arts. 19 para 3, 35, 36 para 3) and the status
    the new registration takes: it is always closed with a notice, never dropped."""
    if _chain_final(existing):
        return "art36", Status.NOT_ACCEPTED
    if existing.status in TERMINAL or existing.status in (Status.ANSWERED,):
        return "done", Status.LINKED
    organs = {existing.registered_unit_id, existing.lead_unit_id} - {None}
    if m.registered_unit_id in organs:
        return "same", Status.LINKED
    _refuse_if_overdue(existing, c)
    return "art19", Status.NOT_ACCEPTED


def link_repeat(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
    existing = _visible_matter(d, "existing", "原信访事项受理编号", m, c)
    if existing.status in (Status.LINKED, Status.NOT_ACCEPTED) and existing.repeat_of_id:
        first = existing.repeat_of
        assert first is not None
        raise UserError(
            "existing_is_repeat",
            f"{existing.receipt_no}本身是重复件，请关联原事项{first.receipt_no}",
            f"{existing.receipt_no} is itself a repeat of {first.receipt_no}",
            field="existing",
        )
    if existing.kind != Kind.ORIGINAL:
        raise UserError(
            "existing_kind",
            "只能关联原信访事项，复查、复核事项请关联其原事项",
            "Link to the original matter, not to a review",
            field="existing",
        )
    if not _same_person(m, existing):
        raise UserError(
            "not_same_person",
            "两件事项的信访人不同：不同信访人反映同一事项的，请使用“并单”",
            "The petitioners differ: use merge (并单) for other people's matters",
            field="existing",
        )
    _art30(m, existing, "existing")
    _art30(existing, m, "existing")
    ground, status = _repeat_ground(m, existing, c)
    clk = clock_for(existing, on=c.today)
    dl = clk.get("handling") or clk.current()
    organ = existing.lead_unit or existing.registered_unit
    m.repeat_of = existing
    d["ground"] = ground
    d["existing_status"] = existing.get_status_display()
    d["existing_unit"] = organ.name
    d["existing_due"] = dl.due.isoformat() if dl is not None and dl.due else ""
    # Both ways on the timelines; the repeat's request reaches the existing matter's
    # handlers in full, so nothing said the second time is lost.
    note = {"repeat": m.receipt_no, "repeat_id": m.pk, "note": m.content}
    note["files"] = m.attachments.count()
    return Outcome(status=status, then=[Then(existing.pk, "note_repeat", note)])


def note_repeat(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "repeat", "重复件受理编号", limit=40)
    _text(d, "note", "重复件内容", required=False, limit=20000)


def _check_main(m: Matter, main: Matter) -> None:
    if main.kind != Kind.ORIGINAL:
        raise UserError(
            "main_kind", "只能并入原信访事项", "Merge into an original matter", field="main"
        )
    if main.merged_into_id is not None:
        top = main.merged_into
        assert top is not None
        raise UserError(
            "main_is_merged",
            f"{main.receipt_no}已并入{top.receipt_no}，请并入主办事项{top.receipt_no}",
            f"{main.receipt_no} is merged into {top.receipt_no}; merge into that one",
            field="main",
        )
    if main.status not in MAIN_SOURCES:
        raise UserError(
            "main_state",
            f"主办事项当前状态为“{main.get_status_display()}”，只能并入待办理或正在办理的事项",
            "The main matter must be awaiting handling or being handled",
            field="main",
        )
    if Matter.objects.merged_into_main(m).exclude(status=Status.LINKED).exists():
        raise UserError(
            "has_merged",
            "已有其他事项并入本事项，本事项不能再并入其他事项",
            "Other matters are merged into this one; it cannot itself be merged",
            field="main",
        )


def merge(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
    main = _visible_matter(d, "main", "主办事项受理编号", m, c)
    _check_main(m, main)
    _art30(m, main, "main")
    _art30(main, m, "main")
    for other in Matter.objects.merged_into_main(main).select_related("registered_unit"):
        _art30(other, m, "main")
    m.merged_into = main
    m.lead_unit = main.lead_unit
    m.dispatched_by = main.dispatched_by
    d["main"] = main.receipt_no
    d["main_id"] = main.pk
    d["unit_name"] = (main.lead_unit or main.registered_unit).name
    # The main matter's event; the engine then gives every matter merged into it its units.
    return Outcome(then=[Then(main.pk, "absorb", {"merged": m.receipt_no, "merged_id": m.pk})])


def absorb(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "merged", "并入事项受理编号", limit=40)


def split(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
    main = m.merged_into
    assert main is not None
    m.merged_into = None
    set_units(m, None, [])
    m.dispatched_by = None
    d["main"] = main.receipt_no
    d["main_id"] = main.pk
    data = {"merged": m.receipt_no, "merged_id": m.pk}
    return Outcome(then=[Then(main.pk, "release", data, reason=c.reason)])


def release(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _text(d, "merged", "移出事项受理编号", limit=40)


# What a relayed event carries from the main matter's event: what the notices and the
# clock need, never the main petitioner's own data.
RELAY_KEYS = (
    "unit",
    "unit_name",
    "lead_name",
    "due_on",
    "channel",
    "channel_name",
    "organ",
    "line_name",
    "days",
    "reason_text",
    "decision",
    "request",
    "facts",
    "reasons",
    "basis",
    "served_on",
    "held_on",
    "place",
    "reason_kind",
    "counts",
)


def relay(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
    try:
        seq = int(d.get("main_seq") or 0)
    except (TypeError, ValueError):
        seq = 0
    assert m.merged_into_id is not None  # the rule's guard
    main_ev = (
        Event.objects.filter(matter_id=m.merged_into_id, seq=seq).select_related("matter").first()
    )
    if main_ev is None or main_ev.action not in RELAYED:
        raise UserError(
            "bad_relay", "没有可转达的主办事项进展", "Nothing to relay", field="main_seq"
        )
    d.clear()
    d.update({k: main_ev.data[k] for k in RELAY_KEYS if k in main_ev.data})
    d["main_action"] = main_ev.action
    d["main_seq"] = seq
    d["main"] = main_ev.matter.receipt_no
    out = Outcome()
    to = main_ev.to_status
    if main_ev.action == "approve_opinion" and m.status == Status.MERGED:
        m.decision = main_ev.matter.decision
        out.status = Status.ANSWERED
    elif to == Status.CONCLUDED and m.status in (Status.MERGED, Status.ANSWERED):
        out.status = Status.CONCLUDED
    elif to in (Status.REDIRECTED, Status.TRANSFERRED) and m.status == Status.MERGED:
        out.status = to
    if main_ev.action in ("pause", "resume"):
        m.is_paused = main_ev.action == "pause"
    return out


REDACTED = "［已按保存期限删除］"


def anonymise(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
    """Retention (PIPL Arts. 19, 47): the petitioners' personal data, the request's text, the
    attachments and the notices' personal lines go; counts, dates, topics, units and the
    event log stay. The event records how much was removed, never what. Files are deleted
    once the transaction commits, so a rollback loses nothing."""
    people = Petitioner.objects.filter(matter=m)
    d["petitioners"] = people.update(
        name="（已删除）", phone="", phone_index="", id_number="", id_index="", address=""
    )
    files = list(Attachment.objects.filter(matter=m))
    Attachment.objects.filter(matter=m).delete()
    notices = list(Notice.objects.filter(matter=m))
    for n in notices:
        ctx = dict(n.context)
        ctx["petitioner"], ctx["address"], ctx["names"] = "（已删除）", "", []
        ctx["paragraphs"] = [REDACTED]
        Notice.objects.filter(pk=n.pk).update(context=ctx)
    d["files"], d["notices"] = len(files), len(notices)
    m.content, m.facts, m.anonymised_at = REDACTED, "", c.at

    def after(m: Matter, ev: Event) -> None:
        index_matters([m.pk])  # the index must not keep what was deleted
        for f in files:
            transaction.on_commit(partial(f.file.delete, save=False))
        for n in notices:  # the rendered files hold the old text
            transaction.on_commit(partial(forget_rendered, n.pk))

    return Outcome(after=after)


# What a correction may change (XFGZ Art. 22: the office registers what it received): the
# matter's classification and summary, and the first petitioner's name and contact.
CORRECTABLE = ("category", "topic", "area", "title")
PETITIONER_CORRECTABLE = ("name", "phone", "address")


def correct_registration(m: Matter, d: dict[str, Any], c: Ctx) -> Outcome:
    """The registering organ corrects what it registered, until the matter is accepted.
    The event keeps each changed classification before and after; for the petitioner it
    names the fields that changed, never their values (those stay encrypted in their row)."""
    before = {
        "category": (m.category, m.get_category_display()),
        "topic": (m.topic_id, m.topic.name if m.topic else ""),
        "area": (m.area_id, m.area.name if m.area else ""),
        "title": (m.title, m.title),
    }
    changes: dict[str, dict[str, str]] = {}
    if d.get("category") not in (None, "") and d["category"] != m.category:
        if d["category"] not in Category.values:
            raise UserError(
                "bad_category", "请选择信访事项性质", "Choose a category", field="category"
            )
        m.category = d["category"]
        m.confidential = m.confidential or m.category == Category.REPORT  # XFGZ Art. 30
    if d.get("topic") not in (None, "") and str(d["topic"]) != str(m.topic_id):
        topic = Topic.active(str(d["topic"]))
        if topic is None:
            raise UserError("bad_topic", "问题类别不存在", "No such topic", field="topic")
        m.topic = topic
    if d.get("area") not in (None, "") and str(d["area"]) != str(m.area_id):
        m.area = _unit(d["area"], "area")
    if d.get("title") not in (None, "") and str(d["title"]).strip() != m.title:
        m.title = check_text(
            str(d["title"]).strip(),
            field="title",
            zh="摘要",
            en="Summary",
            max_length=120,
            multiline=False,
        )
    now = {
        "category": (m.category, m.get_category_display()),
        "topic": (m.topic_id, m.topic.name if m.topic else ""),
        "area": (m.area_id, m.area.name if m.area else ""),
        "title": (m.title, m.title),
    }
    for k in CORRECTABLE:
        if before[k][0] != now[k][0]:
            changes[k] = {"from": str(before[k][1]), "to": str(now[k][1])}
    person = Petitioner.objects.filter(matter=m).order_by("order").first()
    fixed = []
    if person is not None:
        limits = {f: (zh, en, n) for f, zh, en, n in PETITIONER_FIELDS}
        for f in PETITIONER_CORRECTABLE:
            v = d.get(f"petitioner_{f}")
            if v in (None, "") or str(v).strip() == (getattr(person, f) or ""):
                continue
            zh, en, n = limits[f]
            setattr(
                person,
                f,
                check_text(str(v).strip(), field=f"petitioner_{f}", zh=zh, en=en, max_length=n),
            )
            fixed.append(f)
    if not changes and not fixed:
        raise UserError("nothing_changed", "没有需要更正的内容", "Nothing to correct")
    if person is not None and fixed:
        person.save()
    d.clear()
    d["changes"] = changes
    if fixed:
        d["petitioner_fields"] = fixed

    def after(m: Matter, ev: Event) -> None:
        index_matters([m.pk])  # the title, topic, area and name are searchable

    return Outcome(after=after)
