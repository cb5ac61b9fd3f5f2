"""How dates, deadlines, citations and events read on staff pages (Chinese first).

Pure functions of their arguments and the active language, so the views stay thin and
the same wording appears on the queue, the matter page and in tests.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from xinfang.actions.workflow import LABELS
from xinfang.cases.models import Category, Decision, Event, Kind, Matter, Rating, Status
from xinfang.core import law
from xinfang.core.errors import UserError
from xinfang.deadlines import provisional
from xinfang.deadlines.calendar import load_calendar
from xinfang.deadlines.clock import LABELS as DEADLINE_LABELS

MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def is_english() -> bool:
    return (get_language() or "zh-hans").startswith("en")


def ymd(d: date | datetime | None) -> str:
    """2026年3月5日 (English: 5 Mar 2026)."""
    if d is None:
        return "—"
    if isinstance(d, datetime):
        d = timezone.localtime(d).date() if timezone.is_aware(d) else d.date()
    if is_english():
        return f"{d.day} {MONTHS[d.month - 1]} {d.year}"
    return f"{d.year}年{d.month}月{d.day}日"


def ymd_hm(t: datetime | None) -> str:
    """2026年3月5日 09:30 in local time."""
    if t is None:
        return "—"
    local = timezone.localtime(t) if timezone.is_aware(t) else t
    return f"{ymd(local.date())} {local:%H:%M}"


def user_message(e: UserError) -> str:
    """The refusal in the reader's language, and only in it."""
    return e.said()


# --- citations ------------------------------------------------------------------------

LAWS = {
    "信访工作条例": "XFGZ",
    "北京市接诉即办工作条例": "BJ",
    "潍坊市12345条例": "WF",
    "潍坊市12345政务服务便民热线条例": "WF",
    "人民调解法": "RMTJ",
}
DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}


def cn_number(s: str) -> int:
    """三十六 → 36, 十九 → 19, 一百零二 → 102."""
    total, cur = 0, 0
    for ch in s:
        if ch in DIGITS:
            cur = DIGITS[ch]
        elif ch == "十":
            total += (cur or 1) * 10
            cur = 0
        elif ch == "百":
            total += (cur or 1) * 100
            cur = 0
    return total + cur


def cite(article: str) -> str:
    """The article as cited in the active language (信访工作条例第三十二条 → XFGZ Art. 32)."""
    if not article or not is_english():
        return article
    out = article
    local = {law.name(): law.short()} if law.name() and law.short() else {}
    for zh, en in {**local, **LAWS}.items():
        out = out.replace(zh, f"{en} ")
    out = re.sub(r"第([零一二三四五六七八九十百]+)条", lambda m: f"Art. {cn_number(m[1])}", out)
    out = re.sub(r"第([零一二三四五六七八九十百]+)款", lambda m: f" para {cn_number(m[1])}", out)
    return out.replace("、", ", ").replace("  ", " ").strip()


# --- deadlines ------------------------------------------------------------------------


@dataclass(frozen=True)
class Badge:
    """A deadline as a coloured pill: ``cls`` is ok | soon | overdue | paused | done | none."""

    cls: str
    text: str


def days_badge(days_left: int) -> Badge:
    if days_left < 0:
        n = -days_left
        return Badge("overdue", ngettext("超期 %(n)d 天", "超期 %(n)d 天", n) % {"n": n})
    if days_left == 0:
        return Badge("soon", _("今日到期"))
    cls = "soon" if days_left <= 3 else "ok"
    return Badge(cls, ngettext("剩余 %(n)d 天", "剩余 %(n)d 天", days_left) % {"n": days_left})


def queue_badge(due: date | None, today: date, paused: bool) -> Badge:
    """The queue's view of a matter's nearest obligation (``Matter.current_due``)."""
    if paused:
        return Badge("paused", _("计时暂停"))
    if due is None:
        return Badge("none", _("未起算"))
    return days_badge((due - today).days)


def deadline_badge(d: Any) -> Badge:
    """One ``Deadline`` from ``clock_for`` as a badge."""
    if d.state == "paused":
        return Badge("paused", _("计时暂停"))
    if d.state in ("running", "overdue") and d.days_left is not None:
        return days_badge(d.days_left)
    if d.state == "met":
        return Badge("done", _("按期完成 %(on)s") % {"on": ymd(d.met_on)})
    if d.state == "late":
        return Badge("overdue", _("逾期完成 %(on)s") % {"on": ymd(d.met_on)})
    if d.state == "used" and d.closed_by == "accept":
        return Badge("done", _("已受理，未提出异议"))
    if d.state == "used":
        return Badge("done", _("已行使"))
    return Badge("none", _("已届满"))


def provisional_tag(years: tuple[int, ...], today: date) -> str:
    """The short mark of a provisional date in a list, the full note as its title."""
    full = esc(provisional.note(years, today=today))
    word = "provisional" if is_english() else "暂定"
    return f' <span class="tag warn provisional" title="{full}">{word}</span>'


def deadline_label(kind: str) -> str:
    """The label of a deadline kind (``Matter.current_due_kind``), translated."""
    label = DEADLINE_LABELS.get(kind, ("", ""))[0]
    return _(label) if label else ""


# --- events ---------------------------------------------------------------------------


def event_label(e: Event) -> str:
    """The timeline label: a relayed event also says what the main matter did."""

    label = LABELS.get(e.action, e.action)
    if e.action == "relay":
        main = (e.data or {}).get("main_action", "")
        sep = ": " if is_english() else "："
        return f"{_(label)}{sep}{_(LABELS.get(main, main))}"
    return label


def describe_event(e: Event, unit_names: dict[int, str] | None = None) -> list[str]:
    """The key data of an event as short readable lines (ids are left out).

    ``unit_names`` resolves the ids of assisting units (the event stores ids only).
    """
    d: dict[str, Any] = e.data or {}
    lines: list[str] = []

    def add(label: str, value: Any) -> None:
        if value not in (None, "", []):
            lines.append(f"{label}：{value}" if not is_english() else f"{label}: {value}")

    if d.get("unit_name"):
        add(_("承办单位"), d["unit_name"])
    if d.get("lead_name"):
        add(_("主办单位"), d["lead_name"])
    if d.get("assisting") and unit_names is not None:
        add(_("协办单位"), "、".join(unit_names.get(int(i), str(i)) for i in d["assisting"]))
    if d.get("due_on"):
        add(_("期限"), ymd(date.fromisoformat(str(d["due_on"])[:10])))
    if d.get("channel_name"):
        add(_("法定途径"), _(d["channel_name"]))
    if d.get("organ") and not isinstance(d["organ"], int):
        add(_("应向其提出的机关"), d["organ"])
    if d.get("organ_name"):
        add(_("受理机关"), d["organ_name"])
    if d.get("line_name"):
        add(_("移交渠道"), d["line_name"])
    if d.get("existing"):
        add(_("原事项"), f"{d['existing']}（{d.get('existing_status', '')}）")
    if d.get("existing_unit"):
        add(_("原事项办理机关"), d["existing_unit"])
    if d.get("existing_due"):
        add(_("原事项办理期限"), ymd(date.fromisoformat(str(d["existing_due"])[:10])))
    if d.get("repeat"):
        add(_("重复件"), d["repeat"])
    if e.action in ("merge", "split") and d.get("main"):
        add(_("主办事项"), d["main"])
    if d.get("merged"):
        add(_("并案事项"), d["merged"])
    if d.get("method_name"):
        add(_("联系方式"), _(d["method_name"]))
    if d.get("leader_name"):
        add(_("包案领导"), d["leader_name"])
    if d.get("plan"):
        add(_("化解方案"), d["plan"])
    if d.get("progress"):
        add(_("化解进展"), d["progress"])
    if d.get("outcome"):
        add(_("化解结果"), d["outcome"])
    if d.get("held_on"):
        add(_("听证日期"), ymd(date.fromisoformat(str(d["held_on"])[:10])))
    if d.get("place"):
        add(_("听证地点"), d["place"])
    if d.get("days"):
        add(_("天数"), d["days"])
    if d.get("decision"):
        add(_("处理意见"), _choice_label(Decision, d["decision"]))
    if d.get("demand"):
        add(_("督办要求"), d["demand"])
    if d.get("level_name"):
        add(_("督办级别"), _(d["level_name"]))
    if d.get("reply_due"):
        add(_("书面回复期限"), ymd(date.fromisoformat(str(d["reply_due"])[:10])))
    if d.get("reply"):
        add(_("书面回复"), d["reply"])
    if d.get("summary"):
        add(_("情况"), d["summary"])
    if d.get("note"):
        add(_("说明"), d["note"])
    if d.get("rating"):
        add(_("评价"), _choice_label(Rating, d["rating"]))
    if d.get("comment"):
        add(_("理由"), d["comment"])
    corrected = {
        "category": _("性质"),
        "topic": _("问题类别"),
        "area": _("问题属地"),
        "title": _("摘要"),
    }
    for key, label in corrected.items():
        change = (d.get("changes") or {}).get(key)
        if change:
            add(label, f"{change.get('from') or '—'} → {change.get('to') or '—'}")
    if d.get("petitioner_fields"):
        names = {"name": _("信访人姓名"), "phone": _("联系电话"), "address": _("地址")}
        add(_("已更正"), "、".join(str(names.get(f, f)) for f in d["petitioner_fields"]))
    return lines


@cache
def _choice_labels(enum: Any, language: str) -> dict[str, str]:
    return {str(v): str(label) for v, label in enum.choices}


def choice_label(enum: Any, value: str) -> str:
    """The label of a choice in the active language, as ``get_FOO_display`` gives it but
    from a table built once per language (``get_FOO_display`` rebuilds and translates
    every choice on each call, a large share of the queue page's rendering)."""
    return _choice_labels(enum, get_language() or "").get(value, value)


def _choice_label(enum: Any, value: str) -> str:
    try:
        return str(enum(value).label)
    except ValueError:
        return value


# --- the queue's rows ---------------------------------------------------------------


QUEUE_FIELDS = (
    "receipt_no",
    "title",
    "category",
    "kind",
    "is_collective",
    "status",
    "is_paused",
    "current_due",
    "current_due_kind",
    "topic__name",
    "lead_unit__name",
    "registered_unit__name",
)  # what ``queue_rows`` reads: the queue loads only these (``Matter.objects.only``)


def queue_rows(matters: list[Matter], today: date) -> SafeString:
    """The queue's table rows (``web/queue.html``), every value escaped (``html.escape``,
    as Django's ``escape``): the queue's fifty rows are its hot path, built here rather than
    through the template engine or ``format_html`` per field (docs/benchmarks-log.md has
    the measurements). A date in a year whose holiday arrangement is not loaded is marked
    暂定 (``provisional_tag``)."""
    collective = esc(_("集体访"))
    paused = f' <span class="tag">{esc(_("暂停"))}</span>'
    cal = load_calendar()
    out = []
    for m in matters:
        badge = queue_badge(m.current_due, today, m.is_paused)
        label = deadline_label(m.current_due_kind)
        due = ""
        if label:
            when = f" · {esc(ymd(m.current_due))}" if m.current_due else ""
            if m.current_due and (years := provisional.years_until(m.current_due, today, cal)):
                when += provisional_tag(years, today)
            due = f'<div class="muted">{esc(label)}{when}</div>'
        notes = esc(choice_label(Category, m.category))
        if m.topic is not None:
            notes += f" · {esc(m.topic.name)}"
        if m.kind != Kind.ORIGINAL:
            notes += f" · <strong>{esc(choice_label(Kind, m.kind))}</strong>"
        if m.is_collective:
            notes += f" · {collective}"
        unit = (m.lead_unit or m.registered_unit).name
        cls = esc(badge.cls)
        out.append(
            f'<tr class="due-{cls}">\n'
            f'  <td class="due"><span class="badge {cls}">{esc(badge.text)}</span>{due}</td>\n'
            f'  <td class="no"><a href="{matter_url(m.pk)}">{esc(m.receipt_no)}</a></td>\n'
            f'  <td>{esc(m.title)}<div class="muted">{notes}</div></td>\n'
            f'  <td><span class="status s-{esc(m.status)}">{esc(choice_label(Status, m.status))}'
            f"</span>{paused if m.is_paused else ''}</td>\n"
            f"  <td>{esc(unit)}</td>\n</tr>\n"
        )
    return mark_safe("".join(out))


def esc(value: Any) -> str:
    return html.escape(str(value))


@cache
def _matter_prefix() -> str:
    return reverse("web:matter", args=[0])[:-2]  # "/matters/0/" less the "0/"


def matter_url(pk: int) -> str:
    """The staff page of matter ``pk``, without a ``reverse`` per row."""
    return f"{_matter_prefix()}{pk}/"
