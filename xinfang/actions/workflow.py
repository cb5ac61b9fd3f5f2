"""The one transition table and the one transition function (engineering guide §3).

Every change of a matter after registration goes through ``transition()``: it locks the
row, checks the table (from-status, who may, reason, guard), applies the action's effect,
appends exactly one hash-chained event, refreshes the denormalised deadline fields and
bumps ``version`` — all in one transaction. Anything not in the table is refused and
changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from xinfang.cases import access
from xinfang.cases.clock import clock_for
from xinfang.cases.models import (
    TERMINAL,
    Category,
    Decision,
    Event,
    HotlineType,
    Kind,
    Matter,
    Status,
)
from xinfang.core import law
from xinfang.core.errors import Conflict, Forbidden, UserError
from xinfang.deadlines.clock import Clock
from xinfang.notices import staff
from xinfang.notices.services import issue_for_event
from xinfang.org.models import User

from . import effects as fx
from .context import MAIN_SOURCES, RELAYED, Ctx, Effect, Then
from .records import append_event, refresh_deadlines, sync_merged_units

S = Status
ACTIVE = (S.HANDLING, S.OPINION_PENDING, S.ANSWERED)

Guard = Callable[[Matter, dict[str, Any], Ctx], None]


@dataclass(frozen=True)
class Rule:
    """One row of the transition table."""

    action: str
    label: str
    sources: tuple[str, ...]
    target: str | None  # None: the status does not change
    who: tuple[str, ...]  # "role@scope"; scope ∈ registering, lead, handling, supervising
    article: str = ""
    reason_required: bool = False
    public: bool = True  # the petitioner sees the event (label and date) on the portal
    guards: tuple[Guard, ...] = field(default_factory=tuple)
    kinds: tuple[str, ...] = (Kind.ORIGINAL, Kind.REVIEW, Kind.REEXAM)
    # What the action does besides the status: validates and normalises the data, changes
    # fields, asks for follow-up transitions (``actions.effects``).
    effect: Effect | None = None


# --- guards ---------------------------------------------------------------------------


def _clock(m: Matter, c: Ctx) -> Clock:
    """The matter's clock as of the call's day, read once for all the guards of a call
    (``allowed_actions`` asks every rule)."""
    if "clock" not in c.memo:
        c.memo["clock"] = clock_for(m, on=c.today)
    clock: Clock = c.memo["clock"]
    return clock


def _g_not_paused(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.is_paused:
        raise UserError(
            "paused", "计时已暂停，请先恢复计时", "The clock is paused; resume it first"
        )


def _g_paused(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if not m.is_paused:
        raise UserError("not_paused", "计时未暂停", "The clock is not paused")


def _g_objection_window(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    # WF Art. 22: a unit designated after a dispute may not return the matter again.
    if m.designated:
        raise UserError(
            "designated",
            "本单位系争议后指定的承办单位，不得再次退回（潍坊市12345条例第二十二条）",
            "A unit designated after a dispute may not return the matter again",
        )
    dl = _clock(m, c).get("objection")
    if dl is None or dl.due is None or c.today > dl.due:
        due = dl.due.isoformat() if dl and dl.due else "—"
        raise UserError(
            "objection_late",
            f"异议期限（5个工作日，截至{due}）已过，不能再提出异议（信访工作条例第二十三条第三款）",
            f"The 5-working-day objection period (until {due}) has passed",
        )


def _g_has_charge(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    # XFGZ Art. 18: progress is reported on a charge (包案), which needs its leader.
    if m.lead_leader_id is None:
        raise UserError(
            "no_charge", "本事项未确定包案领导", "No leader is in charge of this matter"
        )


def _g_not_signed_off(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if Event.objects.filter(matter=m, action="sign_off").exists():
        raise UserError("signed_off", "本事项已销号", "Already signed off")


def _g_no_extension_yet(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.extension_state:
        raise UserError(
            "extension_used",
            "办理期限只能延长一次（信访工作条例第三十四条）",
            "The handling period may be extended only once (Art. 34)",
        )


def _g_extension_requested(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.extension_state != "requested":
        raise UserError("no_request", "没有待审批的延期申请", "No extension request is pending")


def _g_period_running(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    # XFGZ Art. 34 extends a running period; an expired one is already missed.
    if settings.XINFANG["EXTEND_AFTER_EXPIRY"]:
        return
    dl = _clock(m, c).get("handling")
    if dl is not None and dl.state == "overdue":
        assert dl.due is not None
        raise UserError(
            "period_expired",
            f"办理期限已于{dl.due:%Y年%m月%d日}届满，不能再延长（信访工作条例第三十四条）",
            f"The handling period ended on {dl.due.isoformat()} and can no longer be extended",
        )


def _g_redirect_category(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    # XFGZ Art. 31 directs appeals and claims to their statutory channels; a suggestion is
    # studied and answered (Art. 29), a report handled under discipline rules or forwarded
    # to the discipline and supervision organs (Arts. 22 para 2, 30).
    if m.category == Category.SUGGESTION:
        raise UserError(
            "redirect_category",
            "建议意见类事项应当研究论证后答复（信访工作条例第二十九条），不适用第三十一条告知其他途径",
            "A suggestion is studied and answered (Art. 29); Art. 31 redirects do not apply",
        )
    if m.category == Category.REPORT:
        raise UserError(
            "redirect_category",
            "检举控告类事项应当依规依纪依法处理或转送纪检监察机关（信访工作条例第二十二条第二款、"
            "第三十条），不适用第三十一条告知其他途径",
            "A report is handled under discipline rules or forwarded (Arts. 22, 30); "
            "Art. 31 redirects do not apply",
        )


def _g_consultation(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    # BJ Art. 2: a consultation answerable on the spot is closed at intake with the answer;
    # every other matter is owed a written decision.
    if m.hotline_type != HotlineType.CONSULT:
        raise UserError(
            "not_consultation",
            "只有当场可以答复的咨询类工单可以当场答复办结"
            + (f"（{law.cite('on_the_spot')}）" if law.cite("on_the_spot") else ""),
            "Only a consultation can be answered on the spot and closed",
        )


def _g_report(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.category != Category.REPORT:
        raise UserError("not_report", "本事项不是检举控告类事项", "This matter is not a report")


def _g_supported(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.decision != Decision.SUPPORT:
        raise UserError(
            "not_supported",
            "只有予以支持的处理意见需要督促落实（信访工作条例第三十二条）",
            "Only a supported request needs its execution supervised",
        )


def _g_assigned(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if not Event.objects.filter(matter=m, action="assign").exists():
        raise UserError("not_assigned", "本事项不是交办事项", "This matter was not assigned (交办)")


def _received_on(d: dict[str, Any], c: Ctx) -> date:
    """The day the organ received a request (staff registering a letter late), else today."""
    raw = d.get("received_on")
    if c.by_citizen or raw in (None, ""):
        return c.today
    try:
        day = raw if isinstance(raw, date) else date.fromisoformat(str(raw))
    except ValueError:
        raise UserError(
            "bad_date",
            "收到申请日期不是有效日期",
            "'received_on' is not a date",
            field="received_on",
        ) from None
    if day > c.today:
        raise UserError(
            "received_in_future",
            "收到申请日期不能晚于今天",
            "The request cannot be received after today",
            field="received_on",
        )
    return day


def _window_guard(kind: str, followup: str) -> Guard:
    def guard(m: Matter, d: dict[str, Any], c: Ctx) -> None:
        if m.followups.filter(kind=followup).exists():
            raise UserError("already_requested", "已经提出过申请", "Already requested")
        dl = _clock(m, c).get(kind)
        if dl is None or dl.due is None:
            raise UserError("no_reply", "尚未收到书面答复意见", "No written reply has been issued")
        # XFGZ Arts. 35, 36: the request is in time if the organ received it in time.
        received = _received_on(d, c)
        if received < dl.start:
            raise UserError(
                "received_before_reply",
                "收到申请日期早于书面答复意见送达日期",
                "The request cannot be received before the reply was served",
                field="received_on",
            )
        if received > dl.due:
            raise UserError(
                "window_closed",
                f"{dl.label}已于{dl.due:%Y年%m月%d日}届满（{dl.article}）",
                f"The period to request ended on {dl.due.isoformat()}",
            )

    return guard


def _g_not_rated(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.rating:
        raise UserError("already_rated", "已经评价过", "Already rated")


def _g_supervision_open(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.supervision_due is None:
        raise UserError("no_supervision", "没有待回复的督办", "No supervision notice is open")


def _g_supervision_overdue(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    _g_supervision_open(m, d, c)
    assert m.supervision_due is not None
    if c.today <= m.supervision_due:
        raise UserError("not_overdue", "督办回复期限未到", "The reply is not yet overdue")
    if m.supervision_level >= 4:
        raise UserError("top_level", "已升级至最高层级", "Already escalated to the top level")


def _g_direct(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.status == S.REGISTERED and m.lead_unit_id not in (None, m.registered_unit_id):
        raise UserError("not_direct", "本事项不由本机关直接办理", "Not handled by this organ")


# --- the table ------------------------------------------------------------------------


def _g_merged(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    if m.merged_into_id is None:
        raise UserError("not_merged", "本事项未并案办理", "This matter is not merged into another")


def _g_no_merged(m: Matter, d: dict[str, Any], c: Ctx) -> None:
    # Matters merged into this one would be left without handling: split them first.
    if "has_merged" not in c.memo:
        c.memo["has_merged"] = Matter.objects.merged_into_main(m).filter(status=S.MERGED).exists()
    if c.memo["has_merged"]:
        raise UserError(
            "has_merged",
            "已有其他事项并入本事项办理，请先解除并案",
            "Other matters are merged into this one: split them first",
        )


REG = ("registrar@registering", "supervisor@supervising")
SYSTEM = ("system",)
# A main matter can take in other matters while it is being handled or about to be.
LEAD = ("handler@lead", "leader@lead")
HANDLING = ("handler@handling", "leader@handling")
STAFF_ALL = (*REG, *HANDLING, "leader@supervising", "registrar@lead")

RULES: dict[str, Rule] = {
    r.action: r
    for r in [
        Rule(
            "send_receipt",
            "出具受理告知书",
            (S.REGISTERED,),
            None,
            ("registrar@registering",),
            "信访工作条例第二十三条",
        ),
        Rule(
            "forward",
            "转送",
            (S.REGISTERED,),
            S.DISPATCHED,
            REG,
            "信访工作条例第二十二条",
            kinds=(Kind.ORIGINAL,),
            effect=fx.forward,
        ),
        Rule(
            "assign",
            "交办",
            (S.REGISTERED,),
            S.DISPATCHED,
            REG,
            "信访工作条例第二十二条",
            kinds=(Kind.ORIGINAL,),
            effect=fx.assign,
        ),
        Rule(
            "redirect",
            "告知向有关机关提出",
            (S.REGISTERED, S.HANDLING),
            S.REDIRECTED,
            ("registrar@registering", *LEAD),
            "信访工作条例第三十一条",
            reason_required=True,
            guards=(_g_redirect_category,),
            kinds=(Kind.ORIGINAL,),
            effect=fx.redirect,
        ),
        Rule(
            "not_accept",
            "不再受理",
            (S.REGISTERED,),
            S.NOT_ACCEPTED,
            ("registrar@registering", "supervisor@registering", "leader@registering"),
            "信访工作条例第十九条第三款、第三十六条第三款",
            reason_required=True,
            guards=(_g_no_merged,),
            kinds=(Kind.ORIGINAL,),
            effect=fx.not_accept,
        ),
        Rule(
            "emergency_transfer",
            "紧急移交",
            (S.REGISTERED,),
            S.TRANSFERRED,
            ("registrar@registering",),
            law.cite("emergency"),
            reason_required=True,
            kinds=(Kind.ORIGINAL,),
            effect=fx.emergency_transfer,
        ),
        Rule(
            "answer_on_spot",
            "当场答复",
            (S.REGISTERED,),
            S.CLOSED_ON_SPOT,
            ("registrar@registering",),
            law.cite("on_the_spot"),
            reason_required=True,
            guards=(_g_no_merged, _g_consultation),
            kinds=(Kind.ORIGINAL,),
        ),
        Rule("accept", "受理", (S.DISPATCHED,), S.HANDLING, LEAD, "信访工作条例第二十三条"),
        Rule(
            "accept_direct",
            "受理（本机关办理）",
            (S.REGISTERED,),
            S.HANDLING,
            ("handler@registering", "leader@registering", "registrar@registering"),
            "信访工作条例第二十三条",
            guards=(_g_direct,),
            kinds=(Kind.ORIGINAL,),
            effect=fx.accept_direct,
        ),
        Rule(
            "object",
            "提出异议",
            (S.DISPATCHED,),
            S.OBJECTED,
            LEAD,
            "信访工作条例第二十三条第三款",
            reason_required=True,
            public=False,
            guards=(_g_objection_window,),
            effect=fx.raise_objection,
        ),
        Rule(
            "agree_objection",
            "同意异议并收回",
            (S.OBJECTED,),
            S.REGISTERED,
            REG,
            "信访工作条例第二十三条第三款",
            public=False,
            effect=fx.agree_objection,
        ),
        Rule(
            "reject_objection",
            "不同意异议，指定承办",
            (S.OBJECTED,),
            S.DISPATCHED,
            REG,
            "潍坊市12345条例第二十二条",
            reason_required=True,
            public=False,
            effect=fx.reject_objection,
        ),
        Rule(
            "record_accused",
            "登记被检举控告单位",
            (S.REGISTERED,),
            None,
            ("registrar@registering", "supervisor@registering", "supervisor@supervising"),
            "信访工作条例第三十条",
            public=False,
            kinds=(Kind.ORIGINAL,),
            guards=(_g_report,),
            effect=fx.record_accused,
        ),
        Rule(
            "set_units",
            "确定主办协办单位",
            (S.DISPATCHED, S.HANDLING),
            None,
            ("supervisor@supervising", "registrar@registering"),
            "信访工作条例第二十四条",
            effect=fx.choose_units,
        ),
        Rule(
            "appoint_leader",
            "确定包案领导",
            ACTIVE,
            None,
            ("leader@lead", "leader@supervising", "supervisor@supervising"),
            "信访工作条例第十八条",
            effect=fx.appoint_leader,
        ),
        Rule(
            "report_progress",
            "记录包案进展",
            ACTIVE,
            None,
            ("leader@appointed", "handler@lead"),
            "信访工作条例第十八条",
            public=False,
            guards=(_g_has_charge,),
            effect=fx.report_progress,
        ),
        Rule(
            "sign_off",
            "包案销号",
            (S.ANSWERED, S.CONCLUDED),
            None,
            ("leader@appointed",),
            "信访工作条例第十八条",
            public=False,
            guards=(_g_not_signed_off,),
            effect=fx.sign_off,
        ),
        Rule(
            "contact",
            "联系信访人",
            ACTIVE,
            None,
            HANDLING,
            "信访工作条例第三十二条",
            effect=fx.contact,
        ),
        Rule(
            "record_hearing",
            "听证",
            (S.HANDLING,),
            None,
            LEAD,
            "信访工作条例第三十二条",
            effect=fx.record_hearing,
        ),
        Rule(
            "record_mediation",
            "调解、和解",
            (S.HANDLING,),
            None,
            LEAD,
            "信访工作条例第三十三条",
            effect=fx.record_mediation,
        ),
        Rule(
            "pause",
            "暂停计时",
            (S.HANDLING,),
            None,
            LEAD,
            "信访工作条例第三十六条",
            reason_required=True,
            guards=(_g_not_paused,),
            effect=fx.pause,
        ),
        Rule(
            "resume", "恢复计时", (S.HANDLING,), None, LEAD, guards=(_g_paused,), effect=fx.resume
        ),
        Rule(
            "request_extension",
            "申请延期",
            (S.HANDLING,),
            None,
            LEAD,
            "信访工作条例第三十四条",
            reason_required=True,
            public=False,
            guards=(_g_no_extension_yet, _g_period_running),
            kinds=(Kind.ORIGINAL,),
            effect=fx.request_extension,
        ),
        Rule(
            "approve_extension",
            "延长办理期限",
            (S.HANDLING,),
            None,
            ("leader@lead",),
            "信访工作条例第三十四条",
            guards=(_g_extension_requested, _g_period_running),
            kinds=(Kind.ORIGINAL,),
            effect=fx.approve_extension,
        ),
        Rule(
            "reject_extension",
            "不同意延期",
            (S.HANDLING,),
            None,
            ("leader@lead",),
            "信访工作条例第三十四条",
            reason_required=True,
            public=False,
            guards=(_g_extension_requested,),
            kinds=(Kind.ORIGINAL,),
            effect=fx.reject_extension,
        ),
        Rule(
            "submit_opinion",
            "提交处理意见",
            (S.HANDLING,),
            S.OPINION_PENDING,
            LEAD,
            "信访工作条例第三十二条",
            public=False,
            effect=fx.submit_opinion,
        ),
        Rule(
            "return_opinion",
            "退回处理意见",
            (S.OPINION_PENDING,),
            S.HANDLING,
            ("leader@lead",),
            reason_required=True,
            public=False,
        ),
        Rule(
            "approve_opinion",
            "出具书面答复意见",
            (S.OPINION_PENDING,),
            S.ANSWERED,
            ("leader@lead",),
            "信访工作条例第三十二条、第三十五条、第三十六条",
            effect=fx.approve_opinion,
        ),
        Rule(
            "record_service",
            "登记送达",
            (S.ANSWERED, S.CONCLUDED),
            None,
            (*LEAD, "registrar@registering", "registrar@lead"),
            "信访工作条例第三十五条、第三十六条",
            effect=fx.record_service,
        ),
        Rule(
            "choose_organ",
            "确定复查（复核）机关",
            (S.REGISTERED,),
            S.HANDLING,
            ("registrar@registering", "leader@registering", "supervisor@supervising"),
            "信访工作条例第三十五条、第三十六条",
            kinds=(Kind.REVIEW, Kind.REEXAM),
            effect=fx.choose_organ,
        ),
        Rule(
            "record_execution",
            "督促落实",
            (S.ANSWERED, S.CONCLUDED),
            None,
            (*LEAD, "supervisor@supervising"),
            "信访工作条例第三十二条",
            guards=(_g_supported,),
            effect=fx.record_execution,
        ),
        Rule(
            "report_completion",
            "报送办结报告",
            (S.ANSWERED, S.CONCLUDED),
            None,
            LEAD,
            "信访工作条例第二十二条",
            public=False,
            guards=(_g_assigned,),
            effect=fx.report_completion,
        ),
        Rule("conclude", "办结", (S.ANSWERED,), S.CONCLUDED, (*LEAD, "registrar@registering")),
        Rule(
            "request_review",
            "申请复查",
            (S.ANSWERED, S.CONCLUDED),
            S.CONCLUDED,
            ("registrar@registering", "registrar@lead", "citizen"),
            "信访工作条例第三十五条",
            guards=(_window_guard("review_window", Kind.REVIEW),),
            kinds=(Kind.ORIGINAL,),
            effect=fx.request_review,
        ),
        Rule(
            "request_reexam",
            "申请复核",
            (S.ANSWERED, S.CONCLUDED),
            S.CONCLUDED,
            ("registrar@registering", "registrar@lead", "citizen"),
            "信访工作条例第三十六条",
            guards=(_window_guard("reexam_window", Kind.REEXAM),),
            kinds=(Kind.REVIEW,),
            effect=fx.request_reexam,
        ),
        Rule(
            "rate",
            "评价办理结果",
            (S.ANSWERED, S.CONCLUDED),
            None,
            ("citizen", "registrar@registering", "supervisor@supervising"),
            "信访工作条例第二十一条",
            guards=(_g_not_rated,),
            effect=fx.rate,
        ),
        Rule(
            "add_material",
            "补充材料",
            # A merged matter's petitioner may add material to their own matter (并案).
            (S.REGISTERED, S.DISPATCHED, S.HANDLING, S.OPINION_PENDING, S.MERGED),
            None,
            (*HANDLING, "registrar@registering", "citizen"),
            effect=fx.add_material,
        ),
        Rule(
            "supervise",
            "督办",
            (S.DISPATCHED, S.HANDLING, S.OPINION_PENDING, S.ANSWERED),
            None,
            ("supervisor@supervising", "leader@supervising"),
            "信访工作条例第四十条",
            reason_required=True,
            public=False,
            effect=fx.supervise,
        ),
        Rule(
            "answer_supervision",
            "书面回复督办",
            (S.DISPATCHED, S.HANDLING, S.OPINION_PENDING, S.ANSWERED, S.CONCLUDED),
            None,
            LEAD,
            "信访工作条例第四十条",
            public=False,
            guards=(_g_supervision_open,),
            effect=fx.answer_supervision,
        ),
        Rule(
            "escalate_supervision",
            "督办升级",
            (S.DISPATCHED, S.HANDLING, S.OPINION_PENDING, S.ANSWERED, S.CONCLUDED),
            None,
            ("system", "supervisor@supervising"),
            "信访工作条例第四十条",
            public=False,
            guards=(_g_supervision_overdue,),
            effect=fx.escalate_supervision,
        ),
        Rule(
            "link_repeat",
            "关联为重复件",
            (S.REGISTERED,),
            S.LINKED,  # or 不予受理 under Art. 19 para 3 / Art. 36 para 3 (effects)
            (*REG, "supervisor@registering"),
            "信访工作条例第十九条第三款、第二十三条",
            guards=(_g_no_merged,),
            kinds=(Kind.ORIGINAL,),
            effect=fx.link_repeat,
        ),
        Rule(
            "note_repeat",
            "收到同一事项的重复信访",
            tuple(Status.values),
            None,
            SYSTEM,
            "信访工作条例第十九条",
            effect=fx.note_repeat,
        ),
        Rule(
            "merge",
            "并单",
            (S.REGISTERED,),
            S.MERGED,
            REG,
            "信访工作条例第二十二条、第二十四条",
            reason_required=True,
            kinds=(Kind.ORIGINAL,),
            effect=fx.merge,
        ),
        Rule(
            "absorb",
            "并入其他信访人的同一事项",
            MAIN_SOURCES,
            None,
            SYSTEM,
            "信访工作条例第二十二条",
            public=False,
            kinds=(Kind.ORIGINAL,),
            effect=fx.absorb,
        ),
        Rule(
            "split",
            "解除并案",
            (S.MERGED,),
            S.REGISTERED,
            ("supervisor@supervising", "supervisor@registering"),
            "信访工作条例第二十二条",
            reason_required=True,
            guards=(_g_merged,),
            kinds=(Kind.ORIGINAL,),
            effect=fx.split,
        ),
        Rule(
            "release",
            "移出并案事项",
            tuple(Status.values),
            None,
            SYSTEM,
            public=False,
            kinds=(Kind.ORIGINAL,),
            effect=fx.release,
        ),
        Rule(
            "relay",
            "并案办理进展",
            (S.MERGED, S.ANSWERED, S.CONCLUDED),
            None,  # follows the main matter (effects)
            SYSTEM,
            "信访工作条例第二十二条",
            guards=(_g_merged,),
            kinds=(Kind.ORIGINAL,),
            effect=fx.relay,
        ),
        Rule(
            "correct_registration",
            "更正登记信息",
            (S.REGISTERED, S.DISPATCHED, S.OBJECTED),
            None,
            ("registrar@registering",),
            "信访工作条例第二十二条",
            reason_required=True,
            public=False,
            effect=fx.correct_registration,
        ),
        Rule(
            "anonymise",
            "按保存期限删除个人信息",
            tuple(sorted(TERMINAL)),
            None,
            SYSTEM,
            "个人信息保护法第十九条、第四十七条",
            public=False,
            effect=fx.anonymise,
        ),
        Rule(
            "add_note",
            "内部备注",
            tuple(Status.values),
            None,
            STAFF_ALL,
            public=False,
            reason_required=True,
        ),
    ]
}

# Actions that are not transitions of an existing matter but still write an event.
LABELS = {"register": "登记", **{a: r.label for a, r in RULES.items()}}

# Public actions on a main matter that reach every matter merged into it (each gets its
# own event and its own copy of any notice). Actions personal to the main petitioner
# (rating, review request, material, contact) are never relayed: one petitioner's
# dealings are not shown to another.
# Actions that may change the handling units, which merged matters share with their main.
# After these the matters merged into this one take its units (``absorb``: a new one joined).
UNIT_ACTIONS = frozenset(
    {"forward", "assign", "accept_direct", "agree_objection", "set_units", "absorb"}
)


# --- authorisation --------------------------------------------------------------------


def allowed_actions(
    matter: Matter,
    user: User | None,
    *,
    by_citizen: bool = False,
    fresh: bool = False,
) -> list[str]:
    """Actions this caller may try now (guards that need data are checked on submit).
    ``fresh``: registered in this request, so it has no handling units and nothing is
    merged into it (neither is queried)."""
    scopes = {"citizen"} if by_citizen else access.scopes_of(user, matter, set() if fresh else None)
    out = []
    ctx = Ctx(actor=user, at=timezone.now(), by_citizen=by_citizen, today=_today())
    if fresh:
        ctx.memo["has_merged"] = False
    for rule in RULES.values():
        if matter.status not in rule.sources or matter.kind not in rule.kinds:
            continue
        if not scopes.intersection(rule.who):
            continue
        try:
            for g in rule.guards:
                g(matter, {}, ctx)
        except UserError:
            continue
        out.append(rule.action)
    return out


def _today() -> date:
    return timezone.localdate()


# --- the transition function ----------------------------------------------------------


def transition(
    matter: Matter | int,
    action: str,
    *,
    actor: User | None,
    reason: str = "",
    data: Mapping[str, Any] | None = None,
    at: datetime | None = None,
    by_citizen: bool = False,
    system: bool = False,
    expected_version: int | None = None,
) -> Matter:
    """Perform ``action`` on ``matter`` or raise ``UserError`` having changed nothing.

    ``at`` backdates the action (demo data, imports, tests with a frozen clock); it
    defaults to now. ``expected_version`` makes the call fail with ``Conflict`` if the
    matter changed since the caller looked at it (a form shown before another user acted).
    """
    rule = RULES.get(action)
    if rule is None:
        raise UserError("unknown_action", f"未知操作：{action}", f"Unknown action: {action}")
    at = at or timezone.now()
    reason = (reason or "").strip()
    ctx = Ctx(
        actor=actor, at=at, by_citizen=by_citizen, today=timezone.localdate(at), reason=reason
    )
    payload = dict(data or {})
    pk = matter if isinstance(matter, int) else matter.pk
    with transaction.atomic():
        m = (
            Matter.objects.select_for_update(of=("self",))
            .select_related("registered_unit", "lead_unit")
            .get(pk=pk)
        )
        if expected_version is not None and m.version != expected_version:
            raise Conflict(
                "stale",
                "该事项已被他人更新，请刷新后重试",
                "The matter was changed by someone else; reload and try again",
            )
        if m.status not in rule.sources or m.kind not in rule.kinds:
            raise Conflict(
                "bad_state",
                f"当前状态“{m.get_status_display()}”下不能执行“{rule.label}”",
                f"'{action}' is not allowed in status '{m.status}'",
            )
        scopes = {"citizen"} if by_citizen else {"system"} if system else access.scopes_of(actor, m)
        if not scopes.intersection(rule.who):
            raise Forbidden("forbidden", "您无权执行此操作", "You may not perform this action")
        if rule.reason_required and not reason:
            raise UserError("reason_required", "请填写理由", "A reason is required", field="reason")
        for g in rule.guards:
            g(m, payload, ctx)
        before = m.status
        lead_before = m.lead_unit_id
        out = rule.effect(m, payload, ctx) if rule.effect else None
        m.status = (out and out.status) or rule.target or m.status
        ev = append_event(
            m,
            action=action,
            from_status=before,
            actor=actor,
            at=at,
            reason=reason,
            data=payload,
            public=rule.public,
            by_citizen=by_citizen,
        )
        refresh_deadlines(m)
        m.version += 1
        m.save()
        if out and out.after:
            out.after(m, ev)
        issue_for_event(m, ev)
        staff.for_event(m, ev)
        if action in UNIT_ACTIONS or m.lead_unit_id != lead_before:
            sync_merged_units(m)
        then = list(out.then) if out else []
        if action in RELAYED:
            children = (
                Matter.objects.merged_into_main(m)
                .filter(status__in=RULES["relay"].sources)
                .values_list("pk", flat=True)
                .order_by("pk")
            )
            then += [Then(c, "relay", {"main_seq": ev.seq}, reason) for c in children]
        for t in then:
            transition(
                t.matter_id, t.action, actor=actor, reason=t.reason, data=t.data, at=at, system=True
            )
    return m
