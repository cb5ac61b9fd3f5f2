"""案卷: the whole file of one matter, printable for the archive (信访档案).

The file holds, in this order, the registration form (信访事项登记表); the petition's
request, facts and reasons and its materials list; every event of the handling, in the
order of the log, with who and when; every notice issued, with its number and text; the
approved handling opinion (XFGZ Art. 32); the 复查/复核 linked to it (Arts. 35, 36); the
return visits, ratings and 回头看 checks (Art. 21; BJ Art. 23); a 卷内目录 in front and a
卷内备考表 at the end. It is one ``Dossier``, which ``dossier.html`` prints from the browser
and ``dossier_pdf.render`` sets as the PDF; the table of contents gives the PDF's pages.

It is the file of one matter's handling, as the archive keeps it, and never a file on a
person: it holds none of the petitioner's other matters (scope.md, permanent exclusions).

Access: the matter is looked up through ``access.visible`` (anyone else gets a 404); the
petitioners, and their names, addresses and numbers wherever the text repeats them, are
masked for a reader who may not see who wrote (``access.can_see_identity``, XFGZ Art. 30);
phone and ID numbers are masked for everyone, as on the matter page. Every export asks
what it is for and is logged with it (PIPL Arts. 6, 51).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import quote

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from xinfang.actions.effects import OPINION_FIELDS
from xinfang.audit.services import log_access
from xinfang.cases import access
from xinfang.cases.models import Decision, Event, Matter, MatterUnit, Rating
from xinfang.core.errors import UserError
from xinfang.core.masks import HIDDEN, mask_id, mask_phone
from xinfang.notices.render import masked_words
from xinfang.org.models import Unit, User
from xinfang.supervision.models import VisitMethod

from . import dossier_pdf, present

# Why a file is exported, asked before every export and kept in the access log.
PURPOSES = {
    "archive": gettext_lazy("立卷归档"),
    "review": gettext_lazy("复查、复核调卷"),
    "supervise": gettext_lazy("督查督办"),
    "audit": gettext_lazy("审计检查"),
}


@dataclass
class Letter:
    """A notice as issued: title, number, text, organ and date."""

    title: str
    number: str
    paragraphs: list[str]
    organ: str
    issued: str


@dataclass
class Row:
    cells: list[str]
    key: str = ""  # the row's anchor (an event: ``event-<seq>``)
    internal: bool = False  # an event the petitioner does not see


@dataclass
class Block:
    """One part of a document: ``kv`` (label and value pairs), ``text`` (a titled text),
    ``table`` (head and rows; ``widths`` the columns' shares of the line), ``letter`` (a
    notice) or ``note`` (a remark)."""

    kind: str
    title: str = ""
    pairs: list[tuple[str, str]] = field(default_factory=list)
    text: str = ""
    head: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)
    widths: tuple[int, ...] = ()
    letter: Letter | None = None

    @property
    def percents(self) -> list[str]:
        """The columns' widths as shares of the line, for a page's ``<col>``."""
        total = sum(self.widths)
        return [f"{100 * w / total:.1f}%" for w in self.widths] if total else []


@dataclass
class Section:
    """A document of the file: one row of the 卷内目录 (number, author, title, date,
    ``page`` once the PDF is laid out) and what it holds."""

    key: str
    title: str
    number: str
    author: str
    date: str
    blocks: list[Block]
    page: int | None = None

    @property
    def is_letter(self) -> bool:
        """A notice: it carries its own title and number, the section adds no heading."""
        return any(b.kind == "letter" for b in self.blocks)


@dataclass
class Dossier:
    matter: Matter
    show_id: bool
    cover: list[tuple[str, str]]
    sections: list[Section]
    remarks: list[tuple[str, str]]
    pages: int | None = None  # the PDF's page count, once laid out


class _Mask:
    """Hides the petitioners' names, addresses and numbers wherever a text repeats them,
    for a reader who may not see who wrote; leaves the text alone for anyone else."""

    def __init__(self, m: Matter, show_id: bool) -> None:
        words: set[str] = set()
        if not show_id:
            for p in m.petitioners.all():
                # a one-character name would hide that character everywhere
                words |= {w for w in (p.name, p.address, p.phone, p.id_number) if len(w) >= 2}
        self.words = sorted(words, key=len, reverse=True)  # 张三丰 before 张三
        self.hidden = _(HIDDEN)

    def __call__(self, text: Any) -> str:
        out = "" if text is None else str(text)
        for w in self.words:
            out = out.replace(w, self.hidden)
        return out


def _yes_no(value: bool | None) -> str:
    return "—" if value is None else _("是") if value else _("否")


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _who(e: Event) -> str:
    if e.by_citizen:
        return _("信访人")
    if e.actor is None:
        return _("系统")
    return f"{e.actor}（{e.actor_unit.name}）" if e.actor_unit else str(e.actor)


def build(m: Matter, user: User) -> Dossier:
    """The file of ``m`` as ``user`` may read it (``m`` from ``access.visible(user)``)."""
    show_id = access.can_see_identity(user, m)
    mask = _Mask(m, show_id)
    events = list(
        Event.objects.filter(matter=m).select_related("actor", "actor_unit").order_by("seq")
    )
    notices = list(m.notices.select_related("organ").order_by("issued_at", "id"))
    sections = [
        _registration(m, show_id),
        _petition(m, show_id, mask),
        _process(m, events, mask),
        *[_notice(n, show_id, mask) for n in notices],
        *_opinions(m, events, mask),
    ]
    sections += [s for s in (_reviews(m, user), _visits(m, events, mask)) if s is not None]
    last = events[-1].at if events else m.registered_at
    cover = [
        (_("案卷题名"), mask(m.title)),
        (_("受理编号"), m.receipt_no),
        (_("登记机关"), m.registered_unit.name),
        (_("承办单位"), m.lead_unit.name if m.lead_unit else "—"),
        (_("起止日期"), f"{present.ymd(m.received_at)} — {present.ymd(last)}"),
        (_("卷内文件"), _("%(n)d 件") % {"n": len(sections)}),
    ]
    remarks = [
        (_("立卷人"), str(user)),
        (_("立卷时间"), present.ymd_hm(timezone.now())),
        (_("检查人"), ""),
        (
            _("办理记录"),
            _("共 %(n)d 条，末条校验值 %(hash)s")
            % {"n": len(events), "hash": (m.last_hash or "—")[:16]},
        ),
        (
            _("信访人身份"),
            _("含信访人身份信息，电话和证件号码已部分遮蔽")
            if show_id
            else _("信访人身份已遮蔽（信访工作条例第三十条）"),
        ),
        (
            _("说明"),
            _(
                "本卷由信访事项办理系统按办理记录生成。办理记录只增不改，"
                "每条记录带有链式校验值，可由审计人员核验。"
            ),
        ),
    ]
    return Dossier(m, show_id, cover, sections, remarks)


def _registration(m: Matter, show_id: bool) -> Section:
    assisting = MatterUnit.objects.filter(matter=m, active=True, role=MatterUnit.ASSIST)
    category = m.get_category_display()
    if m.hotline_type:
        category += f"（{m.get_hotline_type_display()}）"
    pairs = [
        (_("受理编号"), m.receipt_no),
        (_("类型"), m.get_kind_display()),
        (_("性质"), category),
        (_("问题类别"), m.topic.name if m.topic else "—"),
        (_("问题属地"), m.area.name if m.area else "—"),
        (_("渠道"), m.get_channel_display()),
        (_("收到时间"), present.ymd_hm(m.received_at)),
        (_("登记时间"), present.ymd_hm(m.registered_at)),
        (_("登记机关"), m.registered_unit.name),
        (_("登记人"), str(m.registered_by) if m.registered_by else "—"),
        (_("承办单位"), m.lead_unit.name if m.lead_unit else "—"),
        (_("协办单位"), "、".join(a.unit.name for a in assisting.select_related("unit")) or "—"),
        (_("包案领导"), str(m.lead_leader) if m.lead_leader else "—"),
        (_("当前状态"), m.get_status_display()),
    ]
    if m.decision:
        pairs.append((_("处理意见"), m.get_decision_display()))
    if m.rating:
        pairs.append((_("评价"), m.get_rating_display()))
    if m.final:
        pairs.append((_("复核终结"), _("是")))
    people = []
    for p in m.petitioners.all():
        if show_id:
            cells = [
                p.name,
                mask_phone(p.phone) if p.phone else "—",
                p.address or "—",
                mask_id(p.id_number) if p.id_number else "—",
            ]
        else:
            cells = [_(HIDDEN)] * 4
        people.append(Row([*cells, _("代表") if p.is_representative and show_id else ""]))
    who = _("信访人")
    if m.is_collective:
        who += "（" + _("集体访") + " · " + _("%(n)d 人") % {"n": m.headcount} + "）"
    blocks = [Block("kv", pairs=pairs)]
    if m.anonymous and not people:
        blocks.append(Block("note", title=who, text=_("匿名")))
    else:
        blocks.append(
            Block(
                "table",
                title=who,
                head=[_("姓名或名称"), _("联系电话"), _("通讯地址"), _("证件号码"), _("代表")],
                rows=people,
                widths=(3, 3, 5, 4, 2),
            )
        )
    if not show_id:
        blocks.append(
            Block(
                "note",
                text=_(
                    "本事项对信访人身份保密，仅登记机关和主办单位的经办人员可以查看"
                    "（信访工作条例第三十条）。"
                ),
            )
        )
    return Section(
        "registration",
        _("信访事项登记表"),
        "",
        m.registered_unit.name,
        present.ymd(m.registered_at),
        blocks,
    )


def _petition(m: Matter, show_id: bool, mask: _Mask) -> Section:
    blocks = [Block("text", title=_("信访请求"), text=mask(m.content))]
    if m.facts:
        blocks.append(Block("text", title=_("事实和理由"), text=mask(m.facts)))
    files = list(m.attachments.order_by("uploaded_at", "id"))
    if show_id and files:
        blocks.append(
            Block(
                "table",
                title=_("材料清单"),
                head=[_("序号"), _("名称"), _("大小"), _("收到时间"), _("校验值（SHA-256）")],
                rows=[
                    Row(
                        [
                            str(i),
                            a.name,
                            _size(a.size),
                            present.ymd_hm(a.uploaded_at),
                            a.sha256[:16],
                        ]
                    )
                    for i, a in enumerate(files, start=1)
                ],
                widths=(1, 6, 2, 4, 4),
            )
        )
    elif show_id:
        blocks.append(Block("note", title=_("材料清单"), text=_("无附件材料")))
    elif files:
        blocks.append(
            Block(
                "note",
                title=_("材料清单"),
                text=_(
                    "共 %(n)d 件；本事项对信访人身份保密，材料不予列出（信访工作条例第三十条）。"
                )
                % {"n": len(files)},
            )
        )
    if m.anonymous:
        author = _("匿名")
    elif show_id:
        names = [p.name for p in m.petitioners.all()]
        author = "、".join(names[:3]) + (
            _("等%(n)d人") % {"n": len(names)} if len(names) > 3 else ""
        )
    else:
        author = _("信访人")
    return Section(
        "petition",
        _("信访请求、事实和理由及材料清单"),
        "",
        author or _("信访人"),
        present.ymd(m.received_at),
        blocks,
    )


def _size(n: int) -> str:
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB"
    return f"{max(n, 1) / 1024:.0f} KB" if n >= 1024 else f"{n} B"


def _process(m: Matter, events: list[Event], mask: _Mask) -> Section:
    ids = {int(i) for e in events for i in (e.data or {}).get("assisting") or []}
    units = dict(Unit.objects.filter(pk__in=ids).values_list("pk", "name"))
    rows = []
    for e in events:
        label = _(present.event_label(e))
        if not e.public:
            label += "（" + _("内部") + "）"
        lines = ([e.reason] if e.reason else []) + present.describe_event(e, units)
        rows.append(
            Row(
                [str(e.seq), present.ymd_hm(e.at), label, _who(e), mask("\n".join(lines))],
                key=f"event-{e.seq}",
                internal=not e.public,
            )
        )
    first = present.ymd(events[0].at) if events else "—"
    last = present.ymd(events[-1].at) if events else "—"
    units_seen = [m.registered_unit.name] + (
        [m.lead_unit.name] if m.lead_unit and m.lead_unit != m.registered_unit else []
    )
    return Section(
        "process",
        _("办理过程记录"),
        "",
        "、".join(units_seen),
        first if first == last else f"{first} — {last}",
        [
            Block(
                "table",
                head=[_("序号"), _("时间"), _("办理环节"), _("办理人"), _("内容")],
                rows=rows,
                widths=(1, 3, 3, 4, 8),
            )
        ],
    )


def _notice(n: Any, show_id: bool, mask: _Mask) -> Section:
    ctx = n.context or {}
    paragraphs = [str(p) for p in ctx.get("paragraphs", [])]
    if not show_id:
        # exactly what the notice's masked copy hides, then anything else the mask knows
        for word in masked_words(n):
            paragraphs = [p.replace(word, HIDDEN) for p in paragraphs]
        paragraphs = [mask(p) for p in paragraphs]
    issued = str(ctx.get("issued") or present.ymd(n.issued_at))
    organ = str(ctx.get("organ") or n.organ.name)
    return Section(
        f"notice-{n.pk}",
        n.title,
        n.number,
        organ,
        present.ymd(n.issued_at),
        [Block("letter", letter=Letter(n.title, n.number, paragraphs, organ, issued))],
    )


def _opinions(m: Matter, events: list[Event], mask: _Mask) -> list[Section]:
    """Each approved opinion as signed (签发稿): the decision and its texts, who drafted
    and who approved it, when it was served."""
    out = []
    approvals = [e for e in events if e.action == "approve_opinion"]
    for i, e in enumerate(approvals):
        d = e.data or {}
        draft = next(
            (x for x in reversed(events) if x.action == "submit_opinion" and x.seq < e.seq), None
        )
        served = [
            x
            for x in events
            if x.action in ("approve_opinion", "record_service")
            and x.seq >= e.seq
            and (x.data or {}).get("served_on")
        ]
        pairs = [
            (_("处理意见"), present.choice_label(Decision, str(d.get("decision", ""))) or "—"),
            *[(_(zh), mask(d.get(key, "")) or "—") for key, zh in OPINION_FIELDS],
            (
                _("拟稿"),
                f"{_who(draft)} · {present.ymd_hm(draft.at)}" if draft is not None else "—",
            ),
            (_("签发"), f"{_who(e)} · {present.ymd_hm(e.at)}"),
        ]
        if served:
            s = served[-1].data
            when = present.ymd(_day(s.get("served_on")))
            pairs.append(
                (_("送达"), f"{when} {_(s['method_name'])}" if s.get("method_name") else when)
            )
        unit = e.actor_unit or m.lead_unit or m.registered_unit
        out.append(
            Section(
                "opinion" if i == 0 else f"opinion-{i + 1}",
                _("信访事项处理意见（签发稿）"),
                "",
                unit.name,
                present.ymd(e.at),
                [Block("kv", pairs=pairs)],
            )
        )
    return out


def _reviews(m: Matter, user: User) -> Section | None:
    """The chain of 复查 and 复核 the matter belongs to: for matters the reader may see,
    the organ, decision and date; for the others what the matter page shows (number and
    status)."""
    chain: list[Matter] = []
    up = m.parent
    while up is not None and len(chain) < 10:
        chain.insert(0, up)
        up = up.parent
    down = list(m.followups.order_by("id"))
    while down and len(chain) < 20:
        x = down.pop(0)
        chain.append(x)
        down += list(x.followups.order_by("id"))
    if not chain:
        return None
    ids = [x.pk for x in chain]
    seen = set(access.visible(user).filter(pk__in=ids).values_list("pk", flat=True))
    rows = []
    for x in chain:
        if x.pk in seen:
            organ = (x.lead_unit or x.registered_unit).name
            decision = present.choice_label(Decision, x.decision) if x.decision else "—"
            answered = present.ymd(x.answered_at) if x.answered_at else "—"
        else:
            organ = decision = answered = "—"
        rows.append(
            Row(
                [
                    x.get_kind_display(),
                    x.receipt_no,
                    organ,
                    x.get_status_display(),
                    decision,
                    answered,
                ]
            )
        )
    return Section(
        "reviews",
        _("复查、复核情况"),
        "",
        "—",
        present.ymd(chain[-1].registered_at),
        [
            Block(
                "table",
                head=[
                    _("类型"),
                    _("受理编号"),
                    _("办理机关"),
                    _("状态"),
                    _("处理意见"),
                    _("答复日期"),
                ],
                rows=rows,
                widths=(2, 4, 5, 3, 3, 3),
            )
        ],
    )


def _visits(m: Matter, events: list[Event], mask: _Mask) -> Section | None:
    blocks = []
    visits = list(
        m.visits.filter(done_at__isnull=False).select_related("done_by").order_by("done_at")
    )
    if visits:
        rows = []
        for v in visits:
            if not v.reached:
                result = _("未联系上信访人")
            else:
                result = _("承办单位联系信访人：%(c)s；问题解决：%(s)s") % {
                    "c": _yes_no(v.contacted),
                    "s": _yes_no(v.solved),
                }
            rows.append(
                Row(
                    [
                        present.ymd_hm(v.done_at),
                        present.choice_label(VisitMethod, v.method) if v.method else "—",
                        str(v.done_by) if v.done_by else "—",
                        result,
                        present.choice_label(Rating, v.rating) if v.rating else "—",
                        mask(v.note) or "—",
                    ]
                )
            )
        blocks.append(
            Block(
                "table",
                title=_("回访记录"),
                head=[_("回访时间"), _("方式"), _("回访人"), _("结果"), _("评价"), _("情况")],
                rows=rows,
                widths=(3, 1, 2, 4, 2, 5),
            )
        )
    ratings = [e for e in events if e.action == "rate"]
    if ratings:
        blocks.append(
            Block(
                "table",
                title=_("满意度评价"),
                head=[_("时间"), _("评价"), _("评价途径"), _("理由")],
                rows=[
                    Row(
                        [
                            present.ymd_hm(e.at),
                            present.choice_label(Rating, str(e.data.get("rating", ""))),
                            _("信访人") if e.by_citizen else _who(e),
                            mask(e.data.get("comment", "")) or "—",
                        ]
                    )
                    for e in ratings
                ],
                widths=(3, 2, 3, 7),
            )
        )
    checks = list(m.followup_checks.filter(done_at__isnull=False).order_by("due_on"))
    if checks:
        blocks.append(
            Block(
                "table",
                title=_("回头看"),
                head=[_("计划日期"), _("完成时间"), _("化解成果是否巩固"), _("情况")],
                rows=[
                    Row(
                        [
                            present.ymd(c.due_on),
                            present.ymd_hm(c.done_at),
                            _yes_no(c.held),
                            mask(c.note) or "—",
                        ]
                    )
                    for c in checks
                ],
                widths=(3, 3, 3, 6),
            )
        )
    if not blocks:
        return None
    done = [v.done_at for v in visits] + [e.at for e in ratings] + [c.done_at for c in checks]
    dates = [t for t in done if t is not None]
    return Section(
        "visits",
        _("回访、评价和回头看"),
        "",
        "—",
        present.ymd(min(dates)) if dates else "—",
        blocks,
    )


# --- pages ------------------------------------------------------------------------------


def _matter(request: HttpRequest, pk: int) -> Matter:
    return get_object_or_404(
        access.visible(request.user).select_related(
            "registered_unit", "lead_unit", "topic", "area", "lead_leader", "registered_by"
        ),
        pk=pk,
    )


def _purpose_or_ask(request: HttpRequest, m: Matter) -> str | HttpResponse:
    """The purpose chosen for this export, or the page that asks for it (nothing of the
    file is shown before a purpose is given: PIPL Art. 6)."""
    key = request.GET.get("purpose", "")
    if key in PURPOSES:
        return str(PURPOSES[key])
    return render(
        request,
        "web/dossier_purpose.html",
        {"m": m, "purposes": PURPOSES.items(), "error": bool(key), "action": request.path},
        status=400 if key else 200,
    )


def _log(request: HttpRequest, m: Matter, d: Dossier, fmt: str, purpose: str) -> None:
    log_access(
        user=request.user,
        what="dossier",
        matter=m,
        request=request,
        detail=f"案卷 {fmt} " + ("含身份信息" if d.show_id else "身份已遮蔽"),
        purpose=purpose,
    )


def _user(request: HttpRequest) -> User:
    user = request.user
    assert isinstance(user, User)  # login_required ran first
    return user


@require_GET
@login_required
def page(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as a print-styled page (A4); its 卷内目录 gives the pages of the PDF."""
    m = _matter(request, pk)
    purpose = _purpose_or_ask(request, m)
    if isinstance(purpose, HttpResponse):
        return purpose
    d = build(m, _user(request))
    try:
        dossier_pdf.render(d)  # lays the file out: the pages its contents list
    except UserError as e:
        font_missing = e.said()
    else:
        font_missing = ""
    _log(request, m, d, "HTML", purpose)
    before, _sep, after = _("第 %(n)s 页").partition("%(n)s")
    return render(
        request,
        "web/dossier.html",
        {
            "m": m,
            "d": d,
            "purpose": request.GET["purpose"],
            "font_missing": font_missing,
            "page_before": before,
            "page_after": after,
        },
    )


@require_GET
@login_required
def pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """The file as a PDF, as the archive keeps it."""
    m = _matter(request, pk)
    purpose = _purpose_or_ask(request, m)
    if isinstance(purpose, HttpResponse):
        return purpose
    d = build(m, _user(request))
    try:
        data = dossier_pdf.render(d)
    except UserError as e:
        return HttpResponse(e.said(), status=503, content_type="text/plain; charset=utf-8")
    _log(request, m, d, "PDF", purpose)
    resp = HttpResponse(data, content_type="application/pdf")
    name = f"{_('案卷')}-{m.receipt_no}.pdf"
    resp["Content-Disposition"] = (
        f"attachment; filename=\"dossier-{m.pk}.pdf\"; filename*=UTF-8''{quote(name)}"
    )
    resp["Cache-Control"] = "no-store"
    resp["X-Content-Type-Options"] = "nosniff"
    return resp
