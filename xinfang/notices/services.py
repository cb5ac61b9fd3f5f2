"""Issuing notices. Called by ``actions.workflow.transition`` inside its transaction.

Issuing is cheap: the text is rendered from the template into a snapshot stored on the
``Notice`` row; DOCX and PDF files are produced from that snapshot on download.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.template import Context, Template
from django.utils import timezone

from xinfang.cases.clock import clock_for
from xinfang.cases.models import Decision, Event, Kind, Matter
from xinfang.core import serials
from xinfang.deadlines import provisional
from xinfang.deadlines.clock import ClockEvent, Deadline
from xinfang.org.models import Unit

from .defaults import DEFAULTS
from .models import Notice, NoticeKind, NoticeSerial, NoticeTemplate
from .notify import after_commit

K = NoticeKind
OPINION_KIND = {
    Kind.ORIGINAL: K.OPINION,
    Kind.REVIEW: K.REVIEW_OPINION,
    Kind.REEXAM: K.REEXAM_OPINION,
}
ACTION_KIND = {
    # the office that forwards or assigns tells the petitioner where the matter went
    # (XFGZ Art. 22); the receiving organ decides on acceptance and issues its own receipt
    "forward": K.FORWARDED,
    "assign": K.FORWARDED,
    # the receiving organ's own written acceptance (XFGZ Arts. 22, 23)
    "accept": K.RECEIPT,
    "send_receipt": K.RECEIPT,
    "accept_direct": K.RECEIPT,
    "redirect": K.REDIRECT,
    "not_accept": K.NOT_ACCEPTED,
    "approve_extension": K.EXTENSION,
    "merge": K.MERGED,
    "split": K.SPLIT,
}
# A merged matter's petitioner gets their own copy of these notices of the main matter.
RELAY_KIND = {
    "forward": K.FORWARDED,
    "assign": K.FORWARDED,
    "redirect": K.REDIRECT,
    "approve_extension": K.EXTENSION,
}
ABBREV: dict[str, str] = {
    K.FORWARDED: "转",
    K.REPEAT: "重",
    K.MERGED: "并",
    K.SPLIT: "解并",
    K.RECEIPT: "受告",
    K.REDIRECT: "告",
    K.NOT_ACCEPTED: "不受",
    K.EXTENSION: "延",
    K.OPINION: "处",
    K.REVIEW_OPINION: "复查",
    K.REEXAM_OPINION: "复核",
}
GROUND_ARTICLE = {
    "art19": "《信访工作条例》第十九条第三款",
    "art36": "《信访工作条例》第三十六条第三款",
}


def cn_date(d: date | None) -> str:
    """2026年3月5日 — how dates are written in official documents."""
    return f"{d.year}年{d.month}月{d.day}日" if d else ""


def due_text(deadline: Deadline | None, issued: date) -> str:
    """A deadline of the clock as a sentence of a notice states it: its date, followed by
    "（暂定：2027年节假日安排尚未公布）" when it depends on a year whose holiday arrangement
    is not loaded."""
    if deadline is None or deadline.due is None:
        return ""
    return cn_date(deadline.due) + provisional.note_for(deadline, english=False, today=issued)


def _iso(value: Any) -> date | None:
    return date.fromisoformat(str(value)[:10]) if value else None


def _put_deadline(ctx: dict[str, Any], key: str, d: Deadline | None, issued: date) -> None:
    """``ctx[key]``: the deadline's date; ``ctx[key + "_note"]``: its provisional mark."""
    due = d.due if d is not None else None
    ctx[key] = cn_date(due)
    ctx[f"{key}_note"] = provisional.note_for(d, english=False, today=issued) if due else ""


def _put_date(ctx: dict[str, Any], key: str, due: date | None, issued: date) -> None:
    """The same for a due date stored without its period (an event's data): marked when a
    year from the issue to it has no loaded arrangement (``provisional.note_until``)."""
    ctx[key] = cn_date(due)
    ctx[f"{key}_note"] = provisional.note_until(due, issued, english=False) if due else ""


def provisional_paragraph(ctx: dict[str, Any], text: str) -> str:
    """A closing paragraph for a notice whose wording (an administrator's own template)
    leaves out the provisional mark of a deadline it may state; "" when none is needed."""
    notes = sorted({v for k, v in ctx.items() if k.endswith("_note") and v})
    missing = [n for n in notes if n not in text]
    if not missing:
        return ""
    inner = "；".join(n.strip("（）") for n in missing)
    return f"注：本文书所载期限为{inner}，公布后期限可能调整。"


def action_of(event: Event) -> str:
    """The action a notice answers: for a relayed event, the main matter's action."""
    if event.action == "relay":
        return str(event.data.get("main_action", ""))
    return event.action


def _kind_for(matter: Matter, event: Event) -> str | None:
    if event.action == "relay":
        main_action = action_of(event)
        if main_action == "approve_opinion":
            return OPINION_KIND[matter.kind]  # type: ignore[index]
        return RELAY_KIND.get(main_action)
    if event.action == "link_repeat":
        return K.NOT_ACCEPTED if event.data.get("ground") in GROUND_ARTICLE else K.REPEAT
    if event.action == "approve_opinion":
        return OPINION_KIND[matter.kind]  # type: ignore[index]
    if event.action == "register":
        # a report registered by the organ above the accused one (XFGZ Art. 30)
        return K.RECEIPT if event.data.get("referred_from") else None
    return ACTION_KIND.get(event.action)


def _addressable(matter: Matter) -> list[Any]:
    """XFGZ Art. 23: no notice is owed when the petitioner's name or address is unclear."""
    if matter.anonymous:
        return []
    people = [p for p in matter.petitioners.all() if p.name and (p.address or p.phone)]
    return people


def _next_right(
    matter: Matter,
    organ: Unit,
    issued: date | None = None,
    events: Iterable[ClockEvent] | None = None,
) -> str:

    if matter.kind == Kind.REEXAM:
        return (
            "本复核意见为终结意见。信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，"
            "各级机关不再受理（《信访工作条例》第三十六条第三款）。"
        )
    up = organ.organ_one_level_up()
    up_name = up.name if up else "上一级行政机关"
    window = clock_for(matter, events=events).get(
        "review_window" if matter.kind == Kind.ORIGINAL else "reexam_window"
    )
    due = due_text(window, issued or timezone.localdate())
    if matter.kind == Kind.ORIGINAL:
        return (
            f"如对本处理意见不服，可以自收到本意见书之日起30日内请求{up_name}复查"
            f"（《信访工作条例》第三十五条）。自本意见书送达之日起算，请求复查的期限至{due}。"
        )
    return (
        f"如对本复查意见不服，可以自收到本意见书之日起30日内向{up_name}请求复核"
        f"（《信访工作条例》第三十六条）。自本意见书送达之日起算，请求复核的期限至{due}。"
    )


def _template(kind: str) -> tuple[str, str, int]:
    row = NoticeTemplate.objects.filter(kind=kind).first()
    if row is not None:
        return row.title, row.body, row.version
    title, body = DEFAULTS[kind]
    return title, body, 0


def build_context(
    matter: Matter,
    event: Event,
    kind: str,
    organ: Unit,
    *,
    events: Iterable[ClockEvent] | None = None,
) -> dict[str, Any]:

    evs = list(events) if events is not None else None
    people = _addressable(matter)
    names = "、".join(p.name for p in people[:3])
    if matter.is_collective or len(people) > 3:
        names += f"等{max(matter.headcount, len(people))}人"
    d = event.data
    received = timezone.localdate(matter.received_at)
    issued = timezone.localdate(event.at)
    ctx: dict[str, Any] = {
        "petitioner": names,
        # who the notice names, so a masked copy can hide exactly them (XFGZ Art. 30)
        "names": [p.name for p in people],
        "address": people[0].address if people else "",
        "organ": organ.name,
        "receipt_no": matter.receipt_no,
        "parent_no": matter.parent.receipt_no if matter.parent else "",
        "received": cn_date(received),
        "issued": cn_date(issued),
        "title": matter.title,
        "reason": event.reason,
    }
    if kind == K.FORWARDED:
        ctx["unit"] = d.get("unit_name", "")
        ctx["dispatch_verb"] = "交办" if action_of(event) == "assign" else "转送"
        _put_date(ctx, "due", _iso(d.get("due_on")), issued)
    elif kind == K.RECEIPT:
        ctx["unit"] = d.get("unit_name", "")
        ctx["dispatch_verb"] = "交办" if action_of(event) == "assign" else "转送"
        # a receipt given before the organ decided (XFGZ Art. 23): received, not accepted
        ctx["registered_only"] = action_of(event) == "send_receipt"
        _put_date(ctx, "due", _iso(d.get("due_on")), issued)
        # Once accepted, the handling deadline (XFGZ Art. 34) the acceptance notice states.
        handling = clock_for(matter, events=evs).get("handling")
        if handling is not None and handling.follows:
            handling = None  # a merged matter's notice of the merge states the main's
        _put_deadline(ctx, "handling_due", handling, issued)
    elif kind == K.REDIRECT:
        ctx["channel"] = d.get("channel_name", "")
        ctx["target_organ"] = d.get("organ", "")
    elif kind in (K.NOT_ACCEPTED, K.REPEAT):
        ctx["ground"] = d.get("ground", "")
        ctx["ground_article"] = GROUND_ARTICLE.get(d.get("ground", ""), "")
        ctx["existing"] = d.get("existing", "")
        ctx["existing_status"] = d.get("existing_status", "")
        ctx["existing_unit"] = d.get("existing_unit", "")
        _put_date(ctx, "existing_due", _iso(d.get("existing_due")), issued)
    elif kind == K.MERGED:
        # The handling unit and the deadline the merged matter follows (the main's).
        ctx["unit"] = d.get("unit_name", "")
        _put_deadline(ctx, "due", clock_for(matter, events=evs).get("handling"), issued)
    elif kind == K.SPLIT:
        pass
    elif kind == K.EXTENSION:
        ctx["days"] = d.get("days", "")
        ctx["reason"] = d.get("reason_text", "")
        _put_deadline(ctx, "new_due", clock_for(matter, events=evs).get("handling"), issued)
    else:
        ctx["decision"] = str(Decision(d["decision"]).label) if d.get("decision") else ""
        for key in ("request", "facts", "reasons", "basis"):
            ctx[key] = d.get(key, "")
        ctx["next_right"] = _next_right(matter, organ, issued, evs)
    return ctx


def notice_number(organ: Unit, kind: str, year: int) -> str:
    """The next number of ``organ``'s notices of ``kind`` in ``year``, as a document number
    is written (GB/T 9704-2012 §7.2.4): the organ's code, the year in 〔〕, the serial — for
    example 青山县信转〔2026〕15号."""
    prefix = organ.short_name or organ.name[:6]
    serial = serials.bump(NoticeSerial, organ_id=organ.pk, year=year, kind=kind)
    return f"{prefix}信{ABBREV[kind]}〔{year}〕{serial}号"


@dataclass(frozen=True)
class Composed:
    """A notice's words before it is numbered and saved: which kind, which organ issues it,
    its title, and its context with the rendered ``paragraphs``."""

    kind: str
    organ: Unit
    title: str
    context: dict[str, Any]
    template_version: int


def _issuing_organ(matter: Matter, event: Event) -> Unit:
    action = action_of(event)
    if event.action == "register":
        return Unit.objects.get(pk=event.data["referred_from"])
    if action in ("approve_opinion", "approve_extension", "accept") or (
        action == "redirect" and (event.action == "relay" or event.from_status != "registered")
    ):
        return matter.lead_unit or matter.registered_unit
    return matter.registered_unit


def compose(
    matter: Matter, event: Event, *, events: Iterable[ClockEvent] | None = None
) -> Composed | None:
    """The notice ``event`` requires, composed but not issued; None when none is owed.

    ``events``: the matter's log to date the notice's deadlines from, when ``event`` is not
    in the database yet (a preview of an approval); default the stored log."""
    kind = _kind_for(matter, event)
    if kind is None or not _addressable(matter):
        return None
    organ = _issuing_organ(matter, event)
    ctx = build_context(matter, event, kind, organ, events=events)
    title, body, version = _template(kind)
    # A wording saved from the admin's text box has the browser's CRLF line ends: paragraphs
    # are told apart by blank lines whatever the line ends.
    body = body.replace("\r\n", "\n")
    text = Template(body).render(Context(ctx, autoescape=False))
    ctx["paragraphs"] = [p.strip() for p in text.split("\n\n") if p.strip()]
    if note := provisional_paragraph(ctx, text):
        ctx["paragraphs"].append(note)
    ctx["title"] = matter.title
    if kind == K.FORWARDED and ctx["dispatch_verb"] == "交办":
        title = title.replace("转送", "交办")
    return Composed(kind, organ, title, ctx, version)


def issue_for_event(matter: Matter, event: Event) -> Notice | None:
    """Create the notice ``event`` requires, if any (runs inside the caller's transaction)."""
    composed = compose(matter, event)
    if composed is None:
        return None
    issued = timezone.localdate(event.at)
    notice = Notice.objects.create(
        matter=matter,
        event=event,
        kind=composed.kind,
        title=composed.title,
        number=notice_number(composed.organ, composed.kind, issued.year),
        organ=composed.organ,
        issued_at=event.at,
        context=composed.context,
        template_version=composed.template_version,
    )
    for p in _addressable(matter)[:1]:  # the first petitioner or representative
        after_commit(
            p.phone,
            f"您的信访事项{matter.receipt_no}有新的{composed.title}，请凭受理编号和查询码在网上信访查看。",
        )
    return notice
