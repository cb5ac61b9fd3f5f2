"""What a report says in words: the names of periods, the comparison with the period
before (环比) and the same period a year earlier (同比), the table of main figures and the
paragraph at the top of a report. Every number in the paragraph is taken from the rows of
that table (``rows``), which are made from one ``queries.Report``: the page, the workbook
and the PDF say the same thing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import queries as q

QUARTERS = {
    1: gettext_lazy("第一季度"),
    2: gettext_lazy("第二季度"),
    3: gettext_lazy("第三季度"),
    4: gettext_lazy("第四季度"),
}

SUMMARY_LABELS = {
    "received": gettext_lazy("收到信访事项"),
    "collective": gettext_lazy("其中集体访"),
    "open": gettext_lazy("未办结"),
    "overdue": gettext_lazy("超期"),
    "forwarded": gettext_lazy("转送"),
    "assigned": gettext_lazy("交办"),
    "supervised": gettext_lazy("督办"),
    "answered": gettext_lazy("出具处理意见"),
    "reviews": gettext_lazy("申请复查"),
    "reexams": gettext_lazy("申请复核"),
    "on_time": gettext_lazy("按期办结率"),
    "response": gettext_lazy("响应率"),
    "resolution": gettext_lazy("解决率"),
    "satisfaction": gettext_lazy("满意率"),
}

# Figures of the present moment, not of the period: they are not compared.
CURRENT = ("open", "overdue")


# --- periods ----------------------------------------------------------------------------


def ymd(d: date) -> str:
    return _("%(y)s年%(m)s月%(d)s日") % {"y": d.year, "m": d.month, "d": d.day}


def md(d: date) -> str:
    return _("%(m)s月%(d)s日") % {"m": d.month, "d": d.day}


def _whole(p: q.Period) -> str | None:
    """The name of ``p`` when it is exactly one day, month, quarter or year."""
    s = p.start
    if p.days == 1:
        return ymd(s)
    if s.day == 1 and p.end == q.Period.month(s.year, s.month).end:
        return _("%(y)s年%(m)s月") % {"y": s.year, "m": s.month}
    if s.month % 3 == 1 and s.day == 1 and p.end == q.Period.quarter(s.year, p.quarter_no).end:
        return _("%(y)s年%(q)s") % {"y": s.year, "q": QUARTERS[p.quarter_no]}
    if (s.month, s.day) == (1, 1) and p.end == date(s.year + 1, 1, 1):
        return _("%(y)s年") % {"y": s.year}
    return None


def period_label(p: q.Period, through: date | None = None) -> str:
    """``2026年11月``, ``2026年第四季度``, ``2026年``, ``2026年3月5日`` or a run of days
    (``2026年3月1日至5月31日``); a period still running (``through``) is named whole,
    with the day it is counted up to: ``2026年11月（截至11月20日）``."""
    if through is not None:
        whole = _whole(q.Period(p.start, _end_of_kind(p), p.kind))
        if whole is not None:
            return _("%(period)s（截至%(day)s）") % {"period": whole, "day": md(through)}
    name = _whole(p)
    if name is not None:
        return name
    last = p.last_day
    if last.year == p.start.year:
        return _("%(start)s至%(end)s") % {"start": ymd(p.start), "end": md(last)}
    return _("%(start)s至%(end)s") % {"start": ymd(p.start), "end": ymd(last)}


def _end_of_kind(p: q.Period) -> date:
    s = p.start
    if p.kind == "month":
        return q.Period.month(s.year, s.month).end
    if p.kind == "quarter":
        return q.Period.quarter(s.year, p.quarter_no).end
    if p.kind == "year":
        return q.Period.year(s.year).end
    return p.end


def title(p: q.Period) -> str:
    """The title of a report on ``p`` (the period as chosen, not cut at today)."""
    s = p.start
    if p.kind == "day":
        return _("%(day)s信访工作日报") % {"day": ymd(s)}
    if p.kind == "month":
        return _("%(y)s年%(m)s月信访工作统计月报") % {"y": s.year, "m": s.month}
    if p.kind == "quarter":
        return _("%(y)s年%(q)s信访工作统计季报") % {"y": s.year, "q": QUARTERS[p.quarter_no]}
    if p.kind == "year":
        return _("%(y)s年度信访工作报告") % {"y": s.year}
    return _("%(period)s信访工作统计报告") % {"period": period_label(p)}


def before_name(p: q.Period) -> str:
    """What the period before ``p`` is called in a comparison (环比)."""
    return {
        "day": _("前一日"),
        "month": _("上月"),
        "quarter": _("上季度"),
    }.get(p.kind) or _("上一时段")


# --- comparisons ------------------------------------------------------------------------

ONE_PLACE = Decimal("0.1")


def _round(x: Decimal) -> Decimal:
    return x.quantize(ONE_PLACE, rounding=ROUND_HALF_UP)


def percent(rate: float | None) -> Decimal | None:
    """A rate as the percentage shown, to one place (half up)."""
    return None if rate is None else _round(Decimal(str(rate)) * 100)


@dataclass(frozen=True)
class Change:
    """One figure against a comparison period. ``state``: ``up``, ``down``, ``flat``;
    ``no_data`` (nothing at all was recorded in the comparison period), ``zero`` (the
    comparison count is 0, so there is no rate of change), ``no_base`` (the comparison
    period has no such rate), ``short`` (a rate whose sample is short in either period),
    ``none`` (no figure this period). ``amount``: percent for counts, percentage points
    for rates, unsigned."""

    state: str
    amount: Decimal | None = None
    points: bool = False

    def text(self, word: str, other: str) -> str:
        """``环比增长8.3%``, ``同比下降1.2个百分点``, ``上月无数据，不作环比`` …: ``word`` is
        环比 or 同比, ``other`` the comparison period's name (上月, 上年同期)."""
        a = {"w": word, "o": other, "n": self.amount}
        if self.state == "up":
            return (_("%(w)s提高%(n)s个百分点") if self.points else _("%(w)s增长%(n)s%%")) % a
        if self.state == "down":
            return (_("%(w)s下降%(n)s个百分点") if self.points else _("%(w)s下降%(n)s%%")) % a
        if self.state == "flat":
            return _("%(w)s持平") % a
        if self.state == "no_data":
            return _("%(o)s无数据，不作%(w)s") % a
        if self.state == "zero":
            return _("%(o)s为0件，不计算%(w)s增幅") % a
        if self.state == "no_base":
            return _("%(o)s无此项数据，不作%(w)s") % a
        if self.state == "short":
            return _("样本不足，不作%(w)s") % a
        return "—"

    @property
    def short_text(self) -> str:
        """The change as a table cell: ``+8.3%``, ``−1.2个百分点``, ``持平``, ``无数据`` …"""
        n = self.amount
        if self.state in ("up", "down"):
            sign = "+" if self.state == "up" else "−"
            return f"{sign}{n}" + (_("个百分点") if self.points else "%")
        return {
            "flat": _("持平"),
            "no_data": _("无数据"),
            "zero": _("基数为0"),
            "no_base": _("无此项数据"),
            "short": _("样本不足"),
        }.get(self.state, "—")


def _direction(diff: Decimal, points: bool) -> Change:
    amount = _round(abs(diff))
    if amount == 0:
        return Change("flat", amount, points)
    return Change("up" if diff > 0 else "down", amount, points)


def count_change(now: int, base: int, base_empty: bool) -> Change:
    if base_empty:
        return Change("no_data")
    if base == 0:
        return Change("zero")
    return _direction(Decimal(now - base) * 100 / Decimal(base), False)


def rate_change(
    now: Decimal | None,
    base: Decimal | None,
    base_empty: bool,
    short: bool = False,
    short_base: bool = False,
) -> Change:
    """In percentage points, from the percentages as shown (so the table adds up); none
    when either rate rests on a sample below the minimum (``short``, ``short_base``)."""
    if now is None:
        return Change("none", points=True)
    if base_empty:
        return Change("no_data", points=True)
    if short:
        return Change("short", points=True)
    if base is None:
        return Change("no_base", points=True)
    if short_base:
        return Change("short", points=True)
    return _direction(now - base, True)


# --- the table of main figures ----------------------------------------------------------


@dataclass(frozen=True)
class Side:
    """A comparison period's figure and the change to it."""

    value: str
    change: Change


@dataclass(frozen=True)
class Row:
    """One main figure: ``value`` as shown (``312``, ``96.2``, ``—``), ``unit`` (件 or %),
    against the period before and the same period a year earlier (``None``: not compared:
    figures of the present moment, or a year's 环比); ``note``: what the reader must know
    to read it (a short sample, a figure of today)."""

    key: str
    label: str
    value: str
    unit: str
    number: int | Decimal | None
    previous: Side | None
    last_year: Side | None
    note: str = ""

    @property
    def shown(self) -> str:
        """The value with its unit, as the paragraph says it: ``312件``, ``96.2%``."""
        return "—" if self.number is None else f"{self.value}{self.unit}"

    def _with_unit(self, side: Side | None) -> str:
        if side is None or side.value == "—":
            return "—"
        return f"{side.value}{self.unit}"

    @property
    def previous_shown(self) -> str:
        return self._with_unit(self.previous)

    @property
    def last_year_shown(self) -> str:
        return self._with_unit(self.last_year)


def _counts(f: q.Figures) -> dict[str, int]:
    return {"received": f.received, "collective": f.collective, **f.events}


def _rate_values(f: q.Figures) -> dict[str, tuple[Decimal | None, bool]]:
    """The compared rates as shown, each with whether its sample is short."""
    ot = f.on_time
    out: dict[str, tuple[Decimal | None, bool]] = {"on_time": (percent(ot["rate"]), False)}
    r = f.rates
    if r is not None:
        out["response"] = (percent(r.response), r.short_visits)
        out["resolution"] = (percent(r.resolution), r.short_visits)
        out["satisfaction"] = (percent(r.satisfaction), r.short_ratings)
    return out


def _side(key: str, base: q.Figures | None, now_value: Any, short_now: bool = False) -> Side | None:
    if base is None:
        return None
    if key in _counts(base):
        n = _counts(base)[key]
        return Side(str(n), count_change(now_value, n, base.empty))
    value, short = _rate_values(base)[key]
    change = rate_change(now_value, value, base.empty, short_now, short)
    return Side("—" if value is None else str(value), change)


def rows(report: q.Report) -> list[Row]:
    """The main figures in the order a report lists them."""
    now = report.now
    counts = _counts(now)
    out: list[Row] = []
    for key in ("received", "collective"):
        out.append(_count_row(key, counts[key], report))
    for key in CURRENT:
        n = report.summary[key]
        out.append(Row(key, str(SUMMARY_LABELS[key]), str(n), _("件"), n, None, None, _("当前数")))
    for key in ("forwarded", "assigned", "supervised", "answered", "reviews", "reexams"):
        out.append(_count_row(key, counts[key], report))
    ot = report.on_time
    answered = ot["met"] + ot["late"]
    for key, (value, short) in _rate_values(now).items():
        note = ""
        if key == "on_time":
            note = _("按期 %(met)s 件 / 出具意见 %(n)s 件") % {"met": ot["met"], "n": answered}
        elif now.rates is not None:
            r = now.rates
            sample, label = (
                (r.ratings, _("评价")) if key == "satisfaction" else (r.visits, _("有效回访"))
            )
            note = _("%(label)s %(n)s 件") % {"label": label, "n": sample}
            if not sample:
                note = _("本期无%(label)s") % {"label": label}
            elif short:
                note += _("，样本不足（需 ≥ %(min)s），仅供参考") % {"min": r.minimum}
        out.append(
            Row(
                key,
                str(SUMMARY_LABELS[key]),
                "—" if value is None else str(value),
                "%",
                value,
                _side(key, report.previous, value, short),
                _side(key, report.last_year, value, short),
                note,
            )
        )
    return out


def _count_row(key: str, n: int, report: q.Report) -> Row:
    return Row(
        key,
        str(SUMMARY_LABELS[key]),
        str(n),
        _("件"),
        n,
        _side(key, report.previous, n),
        _side(key, report.last_year, n),
    )


# --- the paragraph ----------------------------------------------------------------------


def place_word(name: str) -> str | None:
    """``全县`` for ``青山县人民政府``, ``全市``, ``全区``, ``全镇`` …: how an office names
    the area of the government it serves; ``None`` for any other unit."""
    suffix = "人民政府"
    if name.endswith(suffix) and len(name) > len(suffix):
        word = WHOLE.get(name[-len(suffix) - 1])
        if word is not None:
            return str(word)
    return None


# The area a government serves, as its office names it in a report.
WHOLE = {
    "省": gettext_lazy("全省"),
    "市": gettext_lazy("全市"),
    "县": gettext_lazy("全县"),
    "区": gettext_lazy("全区"),
    "旗": gettext_lazy("全旗"),
    "镇": gettext_lazy("全镇"),
    "乡": gettext_lazy("全乡"),
}


def _sep(kind: str) -> str:
    """The punctuation joining the paragraph's parts, in the reader's language: ``comma``
    (，), ``semi`` (；), ``list`` (、) or ``stop`` (。)."""
    en = (translation.get_language() or "").startswith("en")
    return {
        "comma": ", " if en else "，",
        "semi": "; " if en else "；",
        "list": ", " if en else "、",
        "stop": "." if en else "。",
    }[kind]


def _compare(row: Row, report: q.Report) -> str:
    parts = []
    if row.previous is not None:
        parts.append(row.previous.change.text(_("环比"), before_name(report.period)))
    if row.last_year is not None:
        parts.append(row.last_year.change.text(_("同比"), _("上年同期")))
    return _sep("comma").join(p for p in parts if p != "—")


def paragraph(report: q.Report, place: str, *, whole_scope: bool, today: date) -> str:
    """The report's opening paragraph, in the office's words, from ``rows(report)``:

    2026年11月，全县共登记信访事项312件，环比增长8.3%，同比下降4.1%；……

    ``place``: the reader's area (``place_word``) or the unit reported on; ``whole_scope``:
    the report covers everything the reader sees (``全县共登记…``) rather than one unit
    (``涉及…的信访事项…``). A comparison period with nothing recorded is said to have no
    data; a rate on a short sample is said to be one."""
    by = {r.key: r for r in rows(report)}
    period = period_label(report.period, report.span.through)
    received = by["received"]
    if whole_scope:
        head = _("%(period)s，%(place)s共登记信访事项%(n)s") % {
            "period": period,
            "place": place,
            "n": received.shown,
        }
    else:
        head = _("%(period)s，涉及%(place)s的信访事项共%(n)s") % {
            "period": period,
            "place": place,
            "n": received.shown,
        }
    if report.now.collective:
        head += _("（其中集体访%(n)s）") % {"n": by["collective"].shown}
    compared = _compare(received, report)
    sentences = [head + (f"{_sep('comma')}{compared}" if compared else "")]

    acts = [by[k] for k in ("forwarded", "assigned", "supervised") if by[k].number]
    if acts:
        sentences.append(
            _("转送、交办、督办情况：%(list)s")
            % {"list": _sep("list").join(f"{r.label}{r.shown}" for r in acts)}
        )

    on_time = by["on_time"]
    if on_time.number is None:
        sentences.append(_("本期无出具处理意见的事项，不计算按期办结率"))
    else:
        s = _("出具处理意见%(n)s，按期办结率%(rate)s") % {
            "n": by["answered"].shown,
            "rate": on_time.shown,
        }
        compared = _compare(on_time, report)
        sentences.append(s + (f"{_sep('comma')}{compared}" if compared else ""))

    if report.rates is not None:
        sentences.append(_rates_sentence(by, report))

    topics = [(t, n) for t, n in report.tables["topic_counts"] if t][:3]
    if topics and report.now.received:
        total = report.now.received
        listed = _sep("list").join(
            _("%(topic)s（%(n)s件，占%(share)s%%）")
            % {"topic": t, "n": n, "share": _round(Decimal(n) * 100 / total)}
            for t, n in topics
        )
        sentences.append(_("从问题类别看，主要集中在%(list)s") % {"list": listed})

    sentences.append(
        _("截至%(day)s，尚未办结%(open)s，其中超期%(late)s")
        % {"day": ymd(today), "open": by["open"].shown, "late": by["overdue"].shown}
    )
    return _sep("semi").join(sentences) + _sep("stop")


def _rates_sentence(by: dict[str, Row], report: q.Report) -> str:
    r = report.rates
    assert r is not None
    parts = []
    if r.visits:
        s = _("有效回访%(n)s件，响应率%(a)s、解决率%(b)s") % {
            "n": r.visits,
            "a": by["response"].shown,
            "b": by["resolution"].shown,
        }
        if r.short_visits:
            s += _("（回访样本不足%(min)s件，仅供参考）") % {"min": r.minimum}
        parts.append(s)
    else:
        parts.append(_("本期无有效回访，不计算响应率、解决率"))
    if r.ratings:
        s = _("收到评价%(n)s件，满意率%(a)s") % {"n": r.ratings, "a": by["satisfaction"].shown}
        if r.short_ratings:
            s += _("（评价样本不足%(min)s件，仅供参考）") % {"min": r.minimum}
        else:
            compared = _compare(by["satisfaction"], report)
            s += f"{_sep('comma')}{compared}" if compared else ""
        parts.append(s)
    else:
        parts.append(_("本期无评价，不计算满意率"))
    return _sep("comma").join(parts)
