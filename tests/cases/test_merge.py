"""Link as repeat (重复件) and merge (并单): XFGZ Arts. 19, 21–24, 30, 35, 36."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from xinfang.actions.workflow import allowed_actions, transition
from xinfang.cases import access
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Category, Event, Matter, MatterUnit, Status
from xinfang.core.errors import Forbidden, UserError
from xinfang.notices.models import Notice
from xinfang.supervision.visits import create_due_visits

from ..factories import World, handled, opinion, register

OTHER = [{"name": "李四", "phone": "13900005678", "address": "城关镇桃园路10号"}]


def _state(m: Matter) -> tuple[Any, ...]:
    m.refresh_from_db()
    return (
        m.status,
        m.version,
        m.event_count,
        m.merged_into_id,
        m.repeat_of_id,
        m.lead_unit_id,
        Notice.objects.filter(matter=m).count(),
        MatterUnit.objects.filter(matter=m, active=True).count(),
    )


def _merged(w: World) -> tuple[Matter, Matter]:
    main = handled(w)
    other = register(w, petitioners=OTHER)
    transition(
        other, "merge", actor=w.registrar, reason="同一楼栋漏水", data={"main": main.receipt_no}
    )
    other.refresh_from_db()
    main.refresh_from_db()
    return main, other


# --- link as repeat -------------------------------------------------------------------


def test_link_repeat_same_organ_closes_with_notice_and_notes_existing(world: World) -> None:
    w = world
    existing = handled(w)
    due = clock_for(existing).get("handling")
    assert due is not None and due.due is not None
    new = register(w, content="楼顶又漏水了，请尽快维修。")
    out = transition(new, "link_repeat", actor=w.registrar, data={"existing": existing.receipt_no})
    assert out.status == Status.LINKED
    assert out.repeat_of_id == existing.pk
    assert out.current_due is None
    ev = Event.objects.get(matter=new, action="link_repeat")
    assert ev.data["ground"] == "same"
    assert ev.data["existing"] == existing.receipt_no
    assert ev.data["existing_unit"] == w.town.name
    assert ev.data["existing_due"] == due.due.isoformat()
    # The other direction: the existing matter's timeline holds the repeat in full.
    note = Event.objects.get(matter=existing, action="note_repeat")
    assert note.data["repeat"] == new.receipt_no
    assert note.data["note"] == "楼顶又漏水了，请尽快维修。"
    existing.refresh_from_db()
    assert existing.status == Status.HANDLING
    n = Notice.objects.get(matter=new)
    assert n.kind == "repeat"
    text = "".join(n.context["paragraphs"])
    assert existing.receipt_no in text
    assert "办理中" in text and w.town.name in text
    assert f"{due.due.year}年{due.due.month}月{due.due.day}日" in text
    assert "第二十三条" in text


def test_link_repeat_elsewhere_within_period_is_art19_not_accepted(world: World) -> None:
    w = world
    # Registered and handled by the township; raised again with the county office.
    existing = register(w, unit=w.town, by=w.registrar_town)
    transition(existing, "accept_direct", actor=w.registrar_town)
    new = register(w)
    out = transition(new, "link_repeat", actor=w.supervisor, data={"existing": existing.receipt_no})
    assert out.status == Status.NOT_ACCEPTED
    n = Notice.objects.get(matter=new)
    assert n.kind == "not_accepted"
    text = "".join(n.context["paragraphs"])
    assert "《信访工作条例》第十九条第三款" in text
    assert existing.receipt_no in text and w.town.name in text


def test_link_repeat_elsewhere_overdue_is_refused(world: World) -> None:
    w = world
    long_ago = timezone.now() - timedelta(days=120)
    existing = register(w, unit=w.town, by=w.registrar_town, at=long_ago)
    transition(existing, "accept_direct", actor=w.registrar_town, at=long_ago)
    new = register(w)
    before = _state(new)
    with pytest.raises(UserError) as exc:
        transition(new, "link_repeat", actor=w.supervisor, data={"existing": existing.receipt_no})
    assert exc.value.code == "existing_overdue"
    assert "第十九条第三款" in exc.value.message
    assert _state(new) == before
    assert not Event.objects.filter(matter=existing, action="note_repeat").exists()


def test_link_repeat_refuses_other_person_invisible_and_repeat_of_repeat(world: World) -> None:
    w = world
    existing = handled(w)
    other = register(w, petitioners=OTHER)
    before = _state(other)
    with pytest.raises(UserError) as exc:
        transition(other, "link_repeat", actor=w.registrar, data={"existing": existing.receipt_no})
    assert exc.value.code == "not_same_person" and "并单" in exc.value.message
    assert _state(other) == before
    # A matter the registrar may not see is answered as if it did not exist.
    hidden = register(w, unit=w.town, by=w.registrar_town)
    with pytest.raises(UserError) as exc:
        transition(other, "link_repeat", actor=w.registrar, data={"existing": hidden.receipt_no})
    assert exc.value.code == "no_existing"
    assert _state(other) == before
    # Linking to a repeat points at the original.
    first = register(w)
    transition(first, "link_repeat", actor=w.registrar, data={"existing": existing.receipt_no})
    again = register(w)
    with pytest.raises(UserError) as exc:
        transition(again, "link_repeat", actor=w.registrar, data={"existing": first.receipt_no})
    assert exc.value.code == "existing_is_repeat" and existing.receipt_no in exc.value.message


def test_link_repeat_permissions(world: World) -> None:
    w = world
    existing = handled(w)
    new = register(w)
    before = _state(new)
    for name in ("handler", "leader", "other_handler", "housing_handler"):
        with pytest.raises(Forbidden):
            transition(new, "link_repeat", actor=w.users[name], data={"existing": existing.pk})
    assert _state(new) == before
    assert "link_repeat" in allowed_actions(new, w.registrar)
    assert "link_repeat" not in allowed_actions(new, w.handler)


# --- merge ----------------------------------------------------------------------------


def test_merge_shares_units_follows_deadline_and_notifies(world: World) -> None:
    w = world
    main, other = _merged(w)
    assert other.status == Status.MERGED
    assert other.merged_into_id == main.pk
    assert other.lead_unit_id == w.town.pk
    assert MatterUnit.objects.filter(matter=other, active=True, unit=w.town).exists()
    # The deadline shown follows the main matter, but is not the merged matter's own.
    main_due = clock_for(main).get("handling")
    mine = clock_for(other).get("handling")
    assert main_due is not None and mine is not None
    assert mine.due == main_due.due and mine.follows == main.receipt_no
    assert other.current_due is None
    # The main records the merge internally; the merged petitioner is told in writing.
    absorb = Event.objects.get(matter=main, action="absorb")
    assert absorb.public is False and absorb.data["merged"] == other.receipt_no
    n = Notice.objects.get(matter=other, kind="merged")
    text = "".join(n.context["paragraphs"])
    assert other.receipt_no in text and main.receipt_no not in text
    assert n.context["petitioner"] == "李四"
    assert w.town.name in text
    assert main_due.due is not None
    assert f"{main_due.due.year}年{main_due.due.month}月{main_due.due.day}日" in text
    # The town's handler now sees the merged matter.
    assert access.visible(w.handler).filter(pk=other.pk).exists()


def test_main_opinion_reaches_each_merged_petitioner_with_own_rights(world: World) -> None:
    w = world
    main, other = _merged(w)
    transition(main, "submit_opinion", actor=w.handler, data=opinion("support"))
    transition(main, "approve_opinion", actor=w.leader)
    other.refresh_from_db()
    assert other.status == Status.ANSWERED and other.decision == "support"
    mine = Notice.objects.get(matter=other, kind="opinion")
    theirs = Notice.objects.get(matter=main, kind="opinion")
    assert mine.context["receipt_no"] == other.receipt_no
    assert mine.context["petitioner"] == "李四" and theirs.context["petitioner"] == "张三"
    assert "张三" not in "".join(mine.context["paragraphs"])
    assert mine.number != theirs.number
    relay = Event.objects.get(matter=other, action="relay", data__main_action="approve_opinion")
    assert relay.public is True
    # Their own window, rating and review.
    window = clock_for(other).get("review_window")
    assert window is not None and window.state == "running"
    assert window.start == timezone.localdate(relay.at)
    assert {"rate", "request_review"} <= set(allowed_actions(other, None, by_citizen=True))
    transition(other, "rate", actor=None, by_citizen=True, data={"rating": "unsatisfied"})
    transition(other, "request_review", actor=None, by_citizen=True, data={"grounds": "对答复不服"})
    main.refresh_from_db()
    other.refresh_from_db()
    assert other.rating == "unsatisfied" and main.rating == ""
    assert other.followups.get().kind == "review"
    assert not main.followups.exists()
    # Rating and review are personal: never relayed to the main or the other way.
    assert not Event.objects.filter(matter=main, action__in=["rate", "request_review"]).exists()


def test_personal_actions_of_main_are_not_relayed(world: World) -> None:
    w = world
    main, other = _merged(w)
    count = other.event_count
    transition(
        main, "contact", actor=w.handler, data={"method": "phone", "summary": "约张三现场查看"}
    )
    transition(main, "add_note", actor=w.handler, reason="内部")
    other.refresh_from_db()
    assert other.event_count == count
    transition(
        main,
        "record_hearing",
        actor=w.handler,
        data={"held_on": timezone.localdate().isoformat(), "place": "镇政府", "summary": "听证"},
    )
    other.refresh_from_db()
    assert other.event_count == count + 1


def test_merged_matters_never_count_twice_in_overdue_or_visits(world: World) -> None:
    w = world
    long_ago = timezone.now() - timedelta(days=100)
    main = handled(w, at=long_ago)
    other = register(w, petitioners=OTHER, at=long_ago)
    transition(other, "merge", actor=w.registrar, reason="同一事项", data={"main": main.receipt_no})
    today = timezone.localdate()
    assert list(Matter.objects.overdue(today).values_list("pk", flat=True)) == [main.pk]
    assert not Matter.objects.open().filter(pk=other.pk).exists()
    # Intake still counts every registered matter; handling figures count the main once.
    from xinfang.reports.queries import Period, overdue_by_unit, summary

    period = Period(today - timedelta(days=200), today + timedelta(days=1))
    figures = summary(Matter.objects.all(), period, today)
    assert (figures["received"], figures["open"], figures["overdue"]) == (2, 1, 1)
    assert figures["forwarded"] == 1
    assert overdue_by_unit(Matter.objects.all(), today) == [(w.town.name, 1)]
    assert create_due_visits(today, timezone.now()) == 1
    assert list(main.visits.values_list("trigger", flat=True)) == ["deadline"]
    assert not other.visits.exists()
    transition(main, "submit_opinion", actor=w.handler, data=opinion("support"))
    transition(main, "approve_opinion", actor=w.leader)
    other.refresh_from_db()
    assert other.status == Status.ANSWERED
    assert create_due_visits(today, timezone.now()) == 1
    assert sorted(main.visits.values_list("trigger", flat=True)) == ["answered", "deadline"]
    assert not other.visits.exists()


def test_merge_refusals_change_nothing(world: World) -> None:
    w = world
    main = handled(w)
    other = register(w, petitioners=OTHER)
    before = _state(other)
    main_before = _state(main)
    cases = [
        ({"main": "NO-SUCH"}, "no_existing"),
        ({"main": other.receipt_no}, "no_existing"),  # itself
        ({}, "required"),
    ]
    for data, code in cases:
        with pytest.raises(UserError) as exc:
            transition(other, "merge", actor=w.registrar, reason="x", data=data)
        assert exc.value.code == code
    with pytest.raises(UserError) as exc:
        transition(other, "merge", actor=w.registrar, data={"main": main.receipt_no})
    assert exc.value.code == "reason_required"
    for name in ("handler", "other_handler", "registrar_town"):
        with pytest.raises(Forbidden):
            transition(other, "merge", actor=w.users[name], reason="x", data={"main": "x"})
    # Answered mains and merged mains are refused with the reason.
    done = handled(w)
    transition(done, "submit_opinion", actor=w.handler, data=opinion())
    transition(done, "approve_opinion", actor=w.leader)
    with pytest.raises(UserError) as exc:
        transition(other, "merge", actor=w.registrar, reason="x", data={"main": done.receipt_no})
    assert exc.value.code == "main_state"
    third = register(w, petitioners=OTHER)
    transition(third, "merge", actor=w.registrar, reason="x", data={"main": main.receipt_no})
    with pytest.raises(UserError) as exc:
        transition(other, "merge", actor=w.registrar, reason="x", data={"main": third.receipt_no})
    assert exc.value.code == "main_is_merged" and main.receipt_no in exc.value.message
    assert _state(other) == before
    main.refresh_from_db()
    assert main.status == main_before[0]


def test_report_is_never_merged_into_matter_its_accused_unit_sees(world: World) -> None:
    w = world
    main = handled(w)  # handled by the town
    report = register(
        w, petitioners=OTHER, category=Category.REPORT, accused_unit=w.town, confidential=True
    )
    before = _state(report)
    with pytest.raises(UserError) as exc:
        transition(report, "merge", actor=w.registrar, reason="x", data={"main": main.receipt_no})
    assert exc.value.code == "accused_sees" and "第三十条" in exc.value.message
    assert _state(report) == before
    assert not Event.objects.filter(matter=main, action="absorb").exists()
    # Merged into a matter not yet routed, the main may not then go to the accused unit.
    fresh = register(w)
    transition(
        report, "merge", actor=w.registrar, reason="同一事项", data={"main": fresh.receipt_no}
    )
    fresh_before = _state(fresh)
    with pytest.raises(UserError) as exc:
        transition(fresh, "forward", actor=w.registrar, data={"unit": w.town.pk})
    assert exc.value.code == "accused_unit"
    assert _state(fresh) == fresh_before
    # Forwarded elsewhere, the report follows, and the housing bureau sees no identity leak:
    transition(fresh, "forward", actor=w.registrar, data={"unit": w.housing.pk})
    report.refresh_from_db()
    assert report.lead_unit_id == w.housing.pk
    assert not access.visible(w.handler).filter(pk=report.pk).exists()
    relay = Notice.objects.get(matter=report, kind="forwarded")
    assert relay.context["petitioner"] == "李四"
    assert relay.context["receipt_no"] == report.receipt_no


def test_split_by_supervisor_returns_matter_to_registration(world: World) -> None:
    w = world
    main, other = _merged(w)
    before = _state(other)
    for name in ("registrar", "handler", "leader"):
        with pytest.raises(Forbidden):
            transition(other, "split", actor=w.users[name], reason="x")
    assert _state(other) == before
    with pytest.raises(UserError) as exc:
        transition(other, "split", actor=w.supervisor)
    assert exc.value.code == "reason_required"
    out = transition(other, "split", actor=w.supervisor, reason="诉求不同，应单独办理")
    assert out.status == Status.REGISTERED and out.merged_into_id is None
    assert out.lead_unit_id is None
    assert not MatterUnit.objects.filter(matter=other, active=True).exists()
    release = Event.objects.get(matter=main, action="release")
    assert release.public is False and release.data["merged"] == other.receipt_no
    assert Notice.objects.filter(matter=other, kind="split").count() == 1
    # The office must route it again within 15 days of the split (XFGZ Art. 22).
    routing = clock_for(other).get("routing")
    assert routing is not None and routing.state == "running"
    assert routing.start == timezone.localdate()
    other.refresh_from_db()
    assert other.current_due == routing.due
    # No longer follows the main.
    count = other.event_count
    transition(
        main,
        "record_hearing",
        actor=w.handler,
        data={"held_on": timezone.localdate().isoformat(), "place": "镇政府", "summary": "听证"},
    )
    other.refresh_from_db()
    assert other.event_count == count
    assert not access.visible(w.handler).filter(pk=other.pk).exists()


def test_units_of_merged_follow_the_main(world: World) -> None:
    w = world
    main, other = _merged(w)
    transition(
        main, "set_units", actor=w.registrar, data={"lead": w.town.pk, "assisting": [w.housing.pk]}
    )
    units = set(MatterUnit.objects.filter(matter=other, active=True).values_list("unit_id", "role"))
    assert units == {(w.town.pk, "lead"), (w.housing.pk, "assist")}


# --- pages ----------------------------------------------------------------------------


def test_matter_page_offers_link_and_merge_to_registrar_only(world: World) -> None:
    from ..web.helpers import login, offered_actions, text

    w = world
    main = handled(w)
    new = register(w, petitioners=OTHER)
    url = f"/matters/{new.pk}/"
    page = text(login(w.registrar).get(url))
    assert {"merge", "link_repeat"} <= offered_actions(page, new.pk)
    assert "主办事项受理编号" in page and "原信访事项受理编号" in page
    # Prefilled from a similar-matter row, the form is open with the number in it.
    page = text(login(w.registrar).get(f"{url}?merge={main.receipt_no}"))
    assert f'value="{main.receipt_no}"' in page
    assert 'id="act-merge" open' in page
    # Without the right: other units do not see the matter; anonymous users must log in.
    assert login(w.other_handler).get(url).status_code == 404
    assert login(w.housing_handler).get(url).status_code == 404
    assert Client().get(url).status_code == 302
    before = _state(new)
    r = login(w.other_handler).post(
        f"{url}act/merge/", {"main": main.receipt_no, "reason": "同一事项"}
    )
    assert r.status_code == 404
    assert _state(new) == before
    r = login(w.registrar).post(f"{url}act/merge/", {"main": main.receipt_no, "reason": "同一事项"})
    assert r.status_code == 302
    new.refresh_from_db()
    assert new.status == Status.MERGED and new.merged_into_id == main.pk
    # Both pages show the link; the handler now sees the merged matter.
    page = text(login(w.handler).get(f"/matters/{main.pk}/"))
    assert new.receipt_no in page and "并案事项" in page
    page = text(login(w.handler).get(url))
    assert main.receipt_no in page and "随主办事项" in page
    assert "split" not in offered_actions(page, new.pk)
    assert "split" in offered_actions(text(login(w.supervisor).get(url)), new.pk)


def test_register_then_opens_the_chosen_action(world: World) -> None:
    from ..web.helpers import login

    w = world
    main = handled(w)
    post = {
        "unit": str(w.office.pk),
        "channel": "letter",
        "category": "claim",
        "title": "楼顶漏水",
        "content": "请求维修",
        "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "p0_name": "李四",
        "p0_phone": "13900005678",
        "then": f"merge:{main.receipt_no}",
    }
    r = login(w.registrar).post("/matters/new/", post)
    new = Matter.objects.exclude(pk=main.pk).get()
    assert r.status_code == 302
    assert r["Location"] == f"/matters/{new.pk}/?merge={main.receipt_no}#act-merge"
    assert new.status == Status.REGISTERED  # the registrar still confirms the merge
    post["then"] = "merge:<script>"
    r = login(w.registrar).post("/matters/new/", post)
    assert r["Location"].endswith("/") and "?" not in r["Location"]


def test_portal_shows_merged_matter_with_own_number_and_following_deadline(
    world: World,
) -> None:
    from xinfang.actions.registration import register_matter

    w = world
    main = handled(w)
    new, secret = register_matter(
        by=w.registrar,
        unit=w.office,
        channel="letter",
        category="claim",
        title="楼顶漏水",
        content="请求维修楼顶",
        received_at=timezone.now(),
        petitioners=OTHER,
    )
    transition(new, "merge", actor=w.registrar, reason="同一事项", data={"main": main.receipt_no})
    c = Client()
    r = c.post("/portal/track/", {"receipt_no": new.receipt_no, "secret": secret})
    assert r.status_code == 302
    page = c.get(f"/portal/m/{new.receipt_no}/").content.decode()
    assert "与其他信访人反映的同一事项合并办理" in page
    assert "期限随合并办理的事项计算" in page
    assert new.receipt_no in page
    assert main.receipt_no not in page and "张三" not in page
    assert "并案办理告知书" in page


def test_extension_and_redirect_of_main_reach_merged_petitioner(world: World) -> None:
    w = world
    main, other = _merged(w)
    transition(main, "request_extension", actor=w.handler, reason="需要现场测量", data={"days": 20})
    transition(main, "approve_extension", actor=w.leader)
    mine = Notice.objects.get(matter=other, kind="extension")
    main_due = clock_for(main).get("handling")
    assert main_due is not None and main_due.due is not None and main_due.extended_days == 20
    assert (
        mine.context["new_due"]
        == f"{main_due.due.year}年{main_due.due.month}月{main_due.due.day}日"
    )
    assert mine.context["receipt_no"] == other.receipt_no and mine.context["petitioner"] == "李四"
    # The extension request itself is internal and is not relayed.
    assert not Event.objects.filter(matter=other, data__main_action="request_extension").exists()
    transition(
        main,
        "redirect",
        actor=w.handler,
        reason="属于民事纠纷",
        data={"channel": "litigation", "organ": "青山县人民法院"},
    )
    other.refresh_from_db()
    assert other.status == Status.REDIRECTED
    n = Notice.objects.get(matter=other, kind="redirect")
    assert n.context["target_organ"] == "青山县人民法院" and n.organ == w.town


def test_main_with_merged_matters_cannot_be_closed_at_intake(world: World) -> None:
    w = world
    main = register(w)
    other = register(w, petitioners=OTHER)
    transition(other, "merge", actor=w.registrar, reason="同一事项", data={"main": main.receipt_no})
    existing = handled(w)
    before = _state(main)
    attempts: list[tuple[str, dict[str, Any]]] = [
        ("answer_on_spot", {}),
        ("not_accept", {"ground": "art19", "existing": existing.receipt_no}),
        ("link_repeat", {"existing": existing.receipt_no}),
    ]
    for action, data in attempts:
        with pytest.raises(UserError) as exc:
            transition(main, action, actor=w.registrar, reason="说明", data=data)
        assert exc.value.code == "has_merged"
    assert _state(main) == before
    other.refresh_from_db()
    assert other.status == Status.MERGED


def test_merged_petitioner_adds_material_to_own_matter(world: World) -> None:
    from xinfang.actions.registration import add_material

    w = world
    main, other = _merged(w)
    assert "add_material" in allowed_actions(other, None, by_citizen=True)
    add_material(other, by=None, by_citizen=True, note="补充漏水照片说明")
    ev = Event.objects.get(matter=other, action="add_material")
    assert ev.by_citizen and ev.data["note"] == "补充漏水照片说明"
    assert not Event.objects.filter(matter=main, action="add_material").exists()
    # The main's handler, who handles it, sees it on the merged matter.
    assert "add_material" in allowed_actions(other, w.handler)
