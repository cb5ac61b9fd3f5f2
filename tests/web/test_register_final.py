"""Registration after a final 复核 (procedure.md §1, XFGZ Art. 36 para 3).

The same matter with the same facts and reasons is not accepted again after a
re-examination decision; it is still registered and the petitioner gets a written notice
telling them where the existing matter stands. The registration form warns when an earlier
matter of the same petitioner (same ID number or phone, or the same name in the same area)
belongs to a chain original → 复查 → 复核 with a final decision, and offers registering and
issuing the not-accepted notice in one step. It never blocks registration, and it names
only matters the registrar may see.
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.cases import access
from xinfang.cases.models import Event, Matter, Status
from xinfang.notices.models import Notice, NoticeKind

from ..factories import World, answered, opinion, register
from .helpers import login, text

PHONE = "13800001234"  # the factories' petitioner 张三
ID_NUMBER = "11010519491231002X"
REASON = "信访人就同一事实和理由再次提出，原事项已复核终结，依据第三十六条第三款不再受理。"


def final_chain(w: World, **kw: Any) -> tuple[Matter, Matter, Matter]:
    """An original answered by the town, its 复查 decided by the county government and
    its 复核 decided by the city government: (original, review, reexam)."""
    m = answered(w, decision="reject", **kw)
    transition(m, "request_review", actor=w.registrar)
    review = m.followups.get()
    transition(review, "submit_opinion", actor=w.county_handler, data=opinion("reject"))
    review = transition(review, "approve_opinion", actor=w.county_leader)
    transition(review, "request_reexam", actor=w.county_registrar)
    reexam = review.followups.get()
    transition(reexam, "submit_opinion", actor=w.city_handler, data=opinion("reject"))
    reexam = transition(reexam, "approve_opinion", actor=w.city_leader)
    assert reexam.final and reexam.registered_unit == w.city
    return m, review, reexam


def form(**kw: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "channel": "visit",
        "category": "claim",
        "title": "楼顶漏水仍未解决",
        "content": "请求维修楼顶防水层。",
        "facts": "复核后仍未维修。",
        "received_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "p0_name": "张三",
        "p0_phone": PHONE,
        "area": "",
    }
    data.update(kw)
    return data


def panel(c: Client, **kw: Any) -> str:
    r = c.post("/matters/new/final/", kw)
    assert r.status_code == 200
    return text(r)


# --- the warning ----------------------------------------------------------------------


def test_warning_names_the_matter_and_its_final_decision(world: World) -> None:
    w = world
    m, _review, reexam = final_chain(w)
    html = panel(login(w.registrar), p0_phone=PHONE)
    assert m.receipt_no in html and m.title in html
    assert "已复核终结" in html
    assert "江州市人民政府" in html and "不予支持" in html  # the 复核 organ and decision
    day = timezone.localdate(reexam.answered_at)
    assert f"{day.year}年{day.month}月{day.day}日" in html
    assert "信访工作条例第三十六条第三款" in html
    assert "同一信访人（电话相同）" in html
    # one button that registers and not-accepts, naming the original matter
    button = re.search(r"<button[^>]*>登记并出具不予受理告知书</button>", html)
    assert button and f'value="art36:{m.receipt_no}"' in button[0]
    assert 'form="register"' in button[0]
    assert f'name="art36_reason_{m.receipt_no}"' in html
    # one warning per chain, though the review and re-examination hold the petitioner too
    assert html.count('class="msg warning final-warning"') == 1


def test_warning_by_id_number_and_by_name_in_the_same_area(world: World) -> None:
    w = world
    people = [{"name": "李四", "phone": "13700007777", "id_number": ID_NUMBER}]
    m, *_ = final_chain(w, petitioners=people)
    c = login(w.registrar)
    assert m.receipt_no in panel(c, p0_id=ID_NUMBER.lower())
    assert m.receipt_no in panel(c, p0_name="李四", area=str(w.town.pk))
    # the same name elsewhere is someone else; a name without an area finds nobody
    assert m.receipt_no not in panel(c, p0_name="李四", area=str(w.town2.pk))
    assert panel(c, p0_name="李四").strip() == ""
    assert panel(c, p0_phone="13700000000").strip() == ""


def test_no_warning_without_a_final_decision(world: World) -> None:
    w = world
    answered(w)  # answered, no 复查
    m = answered(w)
    transition(m, "request_review", actor=w.registrar)
    review = m.followups.get()
    transition(review, "submit_opinion", actor=w.county_handler, data=opinion())
    review = transition(review, "approve_opinion", actor=w.county_leader)
    transition(review, "request_reexam", actor=w.county_registrar)  # 复核 still open
    c = login(w.registrar)
    assert panel(c, p0_phone=PHONE).strip() == ""
    r = c.get("/matters/new/")
    assert 'id="final-panel"' in text(r) and "登记并出具不予受理告知书" not in text(r)


def town_final_chain(w: World) -> tuple[Matter, Matter, Matter]:
    """A final chain registered and handled by the town itself, which the county office's
    registrar cannot see."""
    m = register(w, unit=w.town, by=w.registrar_town)
    transition(m, "accept_direct", actor=w.registrar_town)
    transition(m, "submit_opinion", actor=w.handler, data=opinion("reject"))
    transition(m, "approve_opinion", actor=w.leader)
    transition(m, "request_review", actor=w.registrar_town)
    review = m.followups.get()
    transition(review, "submit_opinion", actor=w.county_handler, data=opinion("reject"))
    review = transition(review, "approve_opinion", actor=w.county_leader)
    transition(review, "request_reexam", actor=w.county_registrar)
    reexam = review.followups.get()
    transition(reexam, "submit_opinion", actor=w.city_handler, data=opinion("reject"))
    reexam = transition(reexam, "approve_opinion", actor=w.city_leader)
    assert reexam.final
    return m, review, reexam


def test_no_warning_for_a_matter_the_registrar_cannot_see(world: World) -> None:
    w = world
    m, review, reexam = town_final_chain(w)
    chain = [m.pk, review.pk, reexam.pk]
    assert not access.visible(w.registrar).filter(pk__in=chain).exists()
    html = panel(login(w.registrar), p0_phone=PHONE)
    assert html.strip() == ""
    assert m.receipt_no not in html and review.receipt_no not in html
    # the town's own registrar is warned about its matter
    assert m.receipt_no in panel(login(w.registrar_town), p0_phone=PHONE)
    # the county government's registrar sees the 复查 it registered, not the original:
    # the warning names the 复查 and the notice would name it too
    county = panel(login(w.county_registrar), p0_phone=PHONE)
    assert review.receipt_no in county and m.receipt_no not in county
    assert f'value="art36:{review.receipt_no}"' in county


def test_panel_is_for_registrars_only(world: World) -> None:
    w = world
    final_chain(w)
    anonymous = Client().post("/matters/new/final/", {"p0_phone": PHONE})
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")
    for who in (w.handler, w.leader, w.supervisor, w.city_handler, w.auditor):
        assert login(who).post("/matters/new/final/", {"p0_phone": PHONE}).status_code == 404
    assert login(w.registrar).get("/matters/new/final/").status_code == 405


# --- registering ----------------------------------------------------------------------


def test_one_step_registers_not_accepts_and_issues_the_notice(world: World) -> None:
    w = world
    m, *_ = final_chain(w)
    c = login(w.registrar)
    data = form(then=f"art36:{m.receipt_no}", **{f"art36_reason_{m.receipt_no}": REASON})
    r = c.post("/matters/new/", data, follow=True)
    new = Matter.objects.get(title="楼顶漏水仍未解决")
    assert r.redirect_chain == [(f"/matters/{new.pk}/", 302)]
    html = text(r)
    assert re.search(r"查询码 (\S+) 只显示这一次", html)  # the secret is still handed over
    assert "已不予受理，并出具不予受理告知书" in html
    assert new.registered_unit == w.office and new.status == Status.NOT_ACCEPTED
    assert new.repeat_of == m
    actions = list(Event.objects.filter(matter=new).order_by("seq").values_list("action", "data"))
    assert [a for a, _ in actions] == ["register", "not_accept"]
    ev = Event.objects.get(matter=new, action="not_accept")
    assert ev.data["ground"] == "art36" and ev.data["existing"] == m.receipt_no
    assert ev.reason == REASON and ev.actor == w.registrar
    notice = Notice.objects.get(matter=new)
    assert notice.kind == NoticeKind.NOT_ACCEPTED and notice.event == ev
    assert new.current_due is None  # nothing left open


def test_one_step_with_the_review_the_registrar_can_see(world: World) -> None:
    w = world
    _m, review, _ = final_chain(w)
    c = login(w.county_registrar)
    data = form(then=f"art36:{review.receipt_no}", **{f"art36_reason_{review.receipt_no}": REASON})
    c.post("/matters/new/", data)
    new = Matter.objects.get(title="楼顶漏水仍未解决")
    assert new.registered_unit == w.county and new.status == Status.NOT_ACCEPTED
    assert new.repeat_of == review
    assert Notice.objects.filter(matter=new, kind=NoticeKind.NOT_ACCEPTED).exists()


@pytest.mark.parametrize("case", ["no_reason", "not_final", "invisible"])
def test_refusal_keeps_the_registration_and_says_why(world: World, case: str) -> None:
    w = world
    m, *_ = final_chain(w)
    existing, reason = m.receipt_no, REASON
    if case == "no_reason":
        reason = ""
    elif case == "not_final":
        existing = answered(w).receipt_no
    else:  # a final chain the office's registrar cannot see
        existing = town_final_chain(w)[0].receipt_no
    c = login(w.registrar)
    data = form(then=f"art36:{existing}", **{f"art36_reason_{existing}": reason})
    r = c.post("/matters/new/", data)
    new = Matter.objects.get(title="楼顶漏水仍未解决")
    assert r.status_code == 302 and r["Location"] == f"/matters/{new.pk}/#act-not_accept"
    new.refresh_from_db()
    assert new.status == Status.REGISTERED and new.repeat_of is None
    assert list(Event.objects.filter(matter=new).values_list("action", flat=True)) == ["register"]
    assert not Notice.objects.filter(matter=new, kind=NoticeKind.NOT_ACCEPTED).exists()
    html = text(c.get(r["Location"]))
    assert "事项已登记，但未能不予受理" in html
    assert re.search(r"查询码 (\S+) 只显示这一次", html)
    why = {
        "no_reason": "请填写理由",
        "not_final": "原事项尚未作出复核意见",
        "invisible": "或您无权查看",
    }[case]
    assert why in html


def test_plain_registration_stands_and_carries_the_warning(world: World) -> None:
    w = world
    m, *_ = final_chain(w)
    r = login(w.registrar).post("/matters/new/", form(), follow=True)
    new = Matter.objects.get(title="楼顶漏水仍未解决")
    assert new.status == Status.REGISTERED  # never blocked: the registrar decides
    html = text(r)
    assert f"信访人的事项 {m.receipt_no} 已由江州市人民政府于" in html
    assert "第三十六条第三款" in html


def test_refused_form_keeps_the_warning_and_the_edited_reason(world: World) -> None:
    w = world
    m, *_ = final_chain(w)
    n = Matter.objects.count()
    edited = "改写后的说明"
    r = login(w.registrar).post(
        "/matters/new/",
        form(title="", then=f"art36:{m.receipt_no}", **{f"art36_reason_{m.receipt_no}": edited}),
    )
    assert r.status_code == 400 and Matter.objects.count() == n
    html = text(r)
    section = re.search(r'<section id="final-panel"[^>]*>', html)
    assert section and "hidden" not in section[0]
    assert f">{edited}</textarea>" in html and m.receipt_no in html


# --- in Chromium ----------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_warning_and_one_step_in_chromium(live_server: Any, settings) -> None:
    from ..browser import SHOTS, chromium
    from ..factories import PASSWORD, build_world

    settings.MEDIA_ROOT = SHOTS.parent / "media"
    w = build_world()
    m, *_ = final_chain(w)
    base = live_server.url
    with chromium() as browser:
        page = browser.new_page(viewport={"width": 1280, "height": 1000}, locale="zh-CN")
        page.goto(f"{base}/login/")
        page.fill("#id_username", "registrar")
        page.fill("#id_password", PASSWORD)
        page.press("#id_password", "Enter")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/matters/new/")
        assert page.locator("#final-panel").is_hidden()
        page.fill("#title", "楼顶漏水仍未解决")
        page.fill("#content", "请求维修楼顶防水层。")
        page.fill("#p0_name", "张三")
        page.fill("#p0_phone", PHONE)
        page.press("#p0_phone", "Tab")  # a change event asks for the warning
        page.wait_for_selector("#final-panel .final-warning")
        warning = page.inner_text("#final-panel")
        assert m.receipt_no in warning and "已复核终结" in warning
        assert "第三十六条第三款" in warning and "江州市人民政府" in warning
        page.screenshot(path=str(SHOTS / "staff-register-final.png"), full_page=True)
        page.click("text=登记并出具不予受理告知书")
        page.wait_for_selector(".msg.success >> text=已不予受理")
        assert "查询码" in page.inner_text("main")
        page.screenshot(path=str(SHOTS / "staff-register-final-done.png"), full_page=True)
    new = Matter.objects.get(title="楼顶漏水仍未解决")
    assert new.status == Status.NOT_ACCEPTED and new.repeat_of == m
    ev = Event.objects.get(matter=new, action="not_accept")
    assert ev.data["ground"] == "art36" and ev.reason.startswith("信访人就同一事实和理由再次提出")
    assert Notice.objects.filter(matter=new, kind=NoticeKind.NOT_ACCEPTED).exists()
