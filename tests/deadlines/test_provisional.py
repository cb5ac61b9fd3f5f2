"""A deadline in a year whose holiday arrangement is not loaded is provisional everywhere.

Written from the finding (issue 23, 7) and procedure.md §5: a matter accepted on
20 December 2026 has 60 days to 18 February 2027 (XFGZ Art. 34); 2027's arrangement is not
loaded, so the date is counted on the statutory days of the 办法 alone and the staff page,
the API, the portal and the written notice all say that it is provisional. Once an
arrangement for 2027 is loaded (here a fictional one, in the shipped format) the mark
goes and every date follows the loaded arrangement.
"""

from __future__ import annotations

import io
import json
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.test import Client
from docx import Document

from xinfang.actions.workflow import transition
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Matter
from xinfang.deadlines import calendar, provisional
from xinfang.deadlines.models import CalendarDay, PublishedYear
from xinfang.notices.models import NoticeTemplate
from xinfang.notices.render import render_docx
from xinfang.portal import access

from ..api.test_api import Api
from ..factories import World, login, register

TZ = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat
NOTE_ZH = "（暂定：2027年节假日安排"
NOTE_EN = "(provisional: the 2027 public holiday arrangement"

# Fictional: no such notice exists. Plausible under the 2024 rules (春节 eight days from
# 除夕, 国庆 seven), it lists every statutory day, and its 春节 block is longer than the
# four statutory days, so a date counted on the derived days moves when it is loaded.
FICTIONAL_2027 = {
    "year": 2027,
    "source": "测试用2027年节假日安排（虚构，非国务院办公厅通知）",
    "days": [
        *({"date": f"2027-01-0{d}", "kind": "holiday", "name": "元旦"} for d in (1, 2, 3)),
        *({"date": f"2027-02-{d:02}", "kind": "holiday", "name": "春节"} for d in range(5, 13)),
        {"date": "2027-02-20", "kind": "workday", "name": "春节调休上班"},
        *({"date": f"2027-04-0{d}", "kind": "holiday", "name": "清明节"} for d in (3, 4, 5)),
        *({"date": f"2027-05-0{d}", "kind": "holiday", "name": "劳动节"} for d in range(1, 6)),
        {"date": "2027-05-08", "kind": "workday", "name": "劳动节调休上班"},
        {"date": "2027-06-09", "kind": "holiday", "name": "端午节"},
        {"date": "2027-09-15", "kind": "holiday", "name": "中秋节"},
        {"date": "2027-09-26", "kind": "workday", "name": "国庆节调休上班"},
        *({"date": f"2027-10-0{d}", "kind": "holiday", "name": "国庆节"} for d in range(1, 8)),
        {"date": "2027-10-09", "kind": "workday", "name": "国庆节调休上班"},
    ],
}


@pytest.fixture(autouse=True)
def _no_2027(db: Any) -> None:
    """2027 unloaded, whatever a later release ships."""
    PublishedYear.objects.filter(year__gte=2027).delete()
    CalendarDay.objects.filter(date__year__gte=2027).delete()
    calendar.invalidate()


def load_2027(tmp_path: Path) -> str:
    f = tmp_path / "holidays-2027.json"
    f.write_text(json.dumps(FICTIONAL_2027, ensure_ascii=False), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    call_command("loadholidays", "2027", "--file", str(f), stdout=out, stderr=err)
    assert err.getvalue() == ""  # every statutory day is listed
    return out.getvalue()


def accepted(w: World, day: str) -> Matter:
    """Registered by the township and accepted there on ``day`` (a 受理告知书 is issued)."""
    at = datetime.fromisoformat(day).replace(hour=10, tzinfo=TZ)
    m = register(w, at=at, unit=w.town, by=w.registrar_town)
    return transition(m, "accept_direct", actor=w.registrar_town, at=at)


def handling(m: Matter) -> Any:
    d = clock_for(m).get("handling")
    assert d is not None
    return d


def portal_client(m: Matter) -> Client:
    c = Client()

    class Req:
        session = c.session

    access.grant(Req, m)
    Req.session.save()
    return c


def staff_page(w: World, m: Matter, lang: str = "zh-hans") -> str:
    c = login(w.registrar_town)
    c.post("/i18n/setlang/", {"language": lang, "next": "/"})
    return c.get(f"/matters/{m.pk}/").content.decode()


def portal_page(m: Matter, lang: str = "zh-hans") -> str:
    c = portal_client(m)
    c.post("/portal/language/", {"language": lang, "next": "/portal/"})
    return c.get(f"/portal/m/{m.receipt_no}/").content.decode()


def api_deadline(w: World, m: Matter) -> dict[str, Any]:
    r = Api(w.registrar_town).get(f"/matters/{m.pk}")
    assert r.status_code == 200
    return next(d for d in r.json()["deadlines"] if d["kind"] == "handling")


def api_row(w: World, m: Matter) -> dict[str, Any]:
    items = Api(w.registrar_town).get("/matters", limit=100).json()["items"]
    return next(x for x in items if x["id"] == m.pk)


def notice_text(m: Matter) -> str:
    n = m.notices.get(kind="receipt")
    return "".join(n.context["paragraphs"])


def docx_text(m: Matter) -> str:
    data = render_docx(m.notices.get(kind="receipt"))
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def test_provisional_on_every_surface_until_the_arrangement_is_loaded(
    world: World, tmp_path: Path, settings: Any
) -> None:
    settings.DATA_DIR = tmp_path  # rendered notices are cached there
    w = world
    m = accepted(w, "2026-12-20")
    d = handling(m)
    assert (d.due, d.provisional) == (D("2027-02-18"), True)

    # The staff page, in each language.
    html = staff_page(w, m)
    assert "2027年2月18日" in html and NOTE_ZH in html and NOTE_EN not in html
    html = staff_page(w, m, "en")
    assert "18 Feb 2027" in html and NOTE_EN in html and NOTE_ZH not in html
    # The staff queue marks the date too.
    queue = login(w.registrar_town).get("/?view=open").content.decode()
    assert 'class="tag warn provisional"' in queue

    # The API: a boolean on the deadline, and on the list's nearest deadline.
    dj = api_deadline(w, m)
    assert dj["due"] == "2027-02-18" and dj["provisional"] is True
    assert api_row(w, m)["current_due_provisional"] is True

    # The portal, in each language.
    html = portal_page(m)
    assert "2027年2月18日" in html and NOTE_ZH in html
    assert NOTE_EN in portal_page(m, "en")

    # The acceptance notice states the handling deadline with the mark (it was issued in
    # 2026, before 2027's notice was due: 尚未公布), in the snapshot and in the file.
    stated = "办理期限至2027年2月18日（暂定：2027年节假日安排尚未公布）"
    assert stated in notice_text(m)
    assert stated in docx_text(m)

    # 2027's arrangement is loaded.
    load_2027(tmp_path)
    d = handling(m)
    assert (d.due, d.provisional) == (D("2027-02-18"), False)
    assert "（暂定：" not in staff_page(w, m)
    assert NOTE_EN not in staff_page(w, m, "en")
    assert (
        'class="tag warn provisional"'
        not in login(w.registrar_town).get("/?view=open").content.decode()
    )
    assert api_deadline(w, m)["provisional"] is False
    assert api_row(w, m)["current_due_provisional"] is False
    html = portal_page(m)
    assert "2027年2月18日" in html and "（暂定：" not in html
    # An issued notice keeps the words it was issued with; a new one has no mark.
    assert stated in notice_text(m)
    later = accepted(w, "2026-12-20")
    assert "办理期限至2027年2月18日。" in notice_text(later)


def test_the_due_date_follows_the_loaded_arrangement(world: World, tmp_path: Path) -> None:
    # The finding's matter: accepted on 7 December 2026, 60 days end on 除夕 (Friday
    # 5 February 2027). On the derived days (5–8 February) it ends on Tuesday the 9th; the
    # fictional arrangement rests until Friday the 12th, so it ends on Monday the 15th.
    m = accepted(world, "2026-12-07")
    d = handling(m)
    assert (d.due, d.provisional) == (D("2027-02-09"), True)
    m.refresh_from_db()
    assert m.current_due == D("2027-02-09")  # what the queue and the sweep read
    out = load_2027(tmp_path)
    d = handling(m)
    assert (d.due, d.provisional) == (D("2027-02-15"), False)
    m.refresh_from_db()
    assert m.current_due == D("2027-02-15")  # the stored date follows the load
    assert "重算期限：" in out
    assert api_deadline(world, m)["due"] == "2027-02-15"
    assert "2027年2月15日" in portal_page(m)


def test_an_administrators_wording_without_the_mark_gets_a_closing_note(world: World) -> None:
    NoticeTemplate.objects.create(
        kind="receipt",
        title="受理告知书",
        body="{{ petitioner }}：\n\n办理期限至{{ handling_due }}。",
    )
    m = accepted(world, "2026-12-20")
    paragraphs = m.notices.get(kind="receipt").context["paragraphs"]
    assert paragraphs[1] == "办理期限至2027年2月18日。"
    assert (
        paragraphs[-1] == "注：本文书所载期限为暂定：2027年节假日安排尚未公布，公布后期限可能调整。"
    )
    # The default wording carries the mark in its sentence and needs no closing note.
    NoticeTemplate.objects.all().delete()
    assert not notice_text(accepted(world, "2026-12-20")).endswith("公布后期限可能调整。")


# --- the words ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("years", "english", "today", "expected"),
    [
        ((2027,), False, "2026-12-20", "（暂定：2027年节假日安排尚未公布）"),
        ((2027, 2028), False, "2026-12-20", "（暂定：2027、2028年节假日安排尚未公布）"),
        ((2027,), False, "2027-01-10", "（暂定：2027年节假日安排尚未载入）"),
        ((2023,), False, "2026-12-20", "（暂定：2023年节假日安排尚未载入）"),
        ((), False, "2026-12-20", "（暂定：节假日安排尚未公布）"),
        (
            (2027,),
            True,
            "2026-12-20",
            "(provisional: the 2027 public holiday arrangement has not been published yet)",
        ),
        (
            (2027, 2028),
            True,
            "2026-12-20",
            "(provisional: the 2027 and 2028 public holiday arrangements have not been "
            "published yet)",
        ),
        (
            (2023,),
            True,
            "2026-12-20",
            "(provisional: the 2023 public holiday arrangement has not been loaded)",
        ),
    ],
)
def test_note(years: tuple[int, ...], english: bool, today: str, expected: str) -> None:
    assert provisional.note(years, english=english, today=D(today)) == expected
