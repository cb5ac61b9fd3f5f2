"""The duty pages: the roster (值班表) at /reports/duty/ and each shift's log (值班日志) with
its handover (交接班) and the next officer's confirmation (接班确认).

What the officer on duty needs: find today's shift, record what came in, hand over with the
unfinished items. What the next officer needs: see the handover and confirm it. What the
unit's leader needs: read every log of the unit. Everyone else: nothing (404), and nothing
they post is written.
"""

from __future__ import annotations

from datetime import time, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from xinfang.audit.models import AccessLog
from xinfang.org.models import Role, User
from xinfang.reception import duty
from xinfang.reception.models import DutyEntry, DutyLog
from xinfang.supervision.models import DutyShift

from ..factories import World, staff
from .helpers import login, text


def named(user: User, name: str) -> User:
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def desk(world: World) -> dict:
    """Today at the office: 李明 (the registrar) until noon, then 赵红; a leader of the
    office; a registrar of the office who is not on the roster."""
    w = world
    today = timezone.localdate()
    return {
        "li": named(w.registrar, "李明"),
        "zhao": named(staff("officer2", (w.office, Role.REGISTRAR)), "赵红"),
        "office_leader": staff("office_leader", (w.office, Role.LEADER)),
        "bystander": named(staff("bystander", (w.office, Role.REGISTRAR)), "周平"),
        "day": DutyShift.objects.create(
            unit=w.office,
            date=today,
            start=time(0, 0),
            end=time(12, 0),
            leader="王局长",
            staff="李明",
            phone="0791-86123456",
        ),
        "next": DutyShift.objects.create(
            unit=w.office,
            date=today,
            start=time(12, 0),
            end=time(23, 59),
            leader="王局长",
            staff="赵红",
            phone="0791-86123456",
        ),
    }


def entry(**kw) -> dict:
    return {
        "at": "00:00",
        "kind": "call",
        "summary": "群众来电反映桃园小区停水",
        "action": "已告知县水务局",
        **kw,
    }


def test_the_roster_urls_keep_their_names() -> None:
    assert reverse("reports:duty") == "/reports/duty/"
    assert reverse("reports:duty_add") == "/reports/duty/add/"
    assert reverse("reports:duty_delete", args=[3]) == "/reports/duty/3/delete/"
    assert reverse("reports:duty_log", args=[3]) == "/reports/duty/3/"


def test_the_officer_finds_the_shift_and_records_what_came_in(desk: dict) -> None:
    c = login(desk["li"])
    page = text(c.get("/reports/duty/"))
    log_url = f"/reports/duty/{desk['day'].pk}/"
    assert "我的值班" in page and log_url in page
    page = text(c.get(log_url))
    assert "值班日志" in page and f"{log_url}entry/" in page and "李明" in page
    r = c.post(f"{log_url}entry/", entry())
    assert r.status_code == 302 and r["Location"] == log_url
    r = c.post(
        f"{log_url}entry/",
        entry(kind="visit", summary="两位群众来访反映征地补偿", pending="1", at="0：00"),
    )
    e = DutyEntry.objects.get(seq=2)  # the time typed as people type it: 0：00
    assert e.pending and e.kind == "visit" and e.written_by == desk["li"]
    assert timezone.localtime(e.at).time() == time(0, 0)
    page = text(c.get(log_url))
    assert "桃园小区停水" in page and "已告知县水务局" in page and "未办结" in page
    # reading a log is a read of what citizens said: logged
    assert AccessLog.objects.filter(user=desk["li"], what="duty_log").exists()


def test_bad_input_is_refused_in_words_and_nothing_is_written(desk: dict) -> None:
    c = login(desk["li"])
    url = f"/reports/duty/{desk['day'].pk}/entry/"
    for bad in (entry(summary=""), entry(at="25:99"), entry(kind="x"), entry(at="")):
        r = c.post(url, bad)
        assert r.status_code == 400, bad
        assert 'class="msg error"' in text(r)
    r = c.post(url, entry(summary=""))
    assert "请填写" in text(r)
    assert not DutyEntry.objects.exists()


def test_handover_and_confirmation(desk: dict) -> None:
    li, zhao = login(desk["li"]), login(desk["zhao"])
    day_url, next_url = f"/reports/duty/{desk['day'].pk}/", f"/reports/duty/{desk['next'].pk}/"
    li.post(f"{day_url}entry/", entry())
    li.post(f"{day_url}entry/", entry(summary="来访群众要求答复征地补偿", pending="1"))
    pending = DutyEntry.objects.get(seq=2)
    page = text(li.get(day_url))
    assert "交班" in page and "赵红" in page  # to whom the handover goes
    assert f'name="carry" value="{pending.pk}" checked' in page
    # the next officer cannot confirm what was not handed over, nor read the log yet
    assert zhao.get(day_url).status_code == 404
    r = li.post(f"{day_url}handover/", {"note": "征地补偿一事请跟进", "carry": [pending.pk]})
    assert r.status_code == 302
    log = DutyLog.objects.get(shift=desk["day"])
    assert log.handed_over_by == desk["li"] and list(log.carried.all()) == [pending]
    # the next officer's log shows the handover, with the carried item, to confirm
    page = text(zhao.get(next_url))
    assert "征地补偿一事请跟进" in page and "来访群众要求答复征地补偿" in page
    assert f"{next_url}confirm/" in page and "接班确认" in page
    # and they may now read the previous log
    assert zhao.get(day_url).status_code == 200
    # only the next officer confirms
    r = li.post(f"{next_url}confirm/", {"log": log.pk})
    assert r.status_code == 404
    assert DutyLog.objects.get(pk=log.pk).confirmed_at is None
    r = zhao.post(f"{next_url}confirm/", {"log": log.pk})
    assert r.status_code == 302
    log.refresh_from_db()
    assert log.confirmed_by == desk["zhao"] and log.confirmed_at is not None
    assert "已接班" in text(li.get(day_url))
    # the handed-over log takes corrections only
    r = li.post(f"{day_url}entry/", entry(summary="补记一条"))
    assert r.status_code == 400 and "已交班" in text(r)
    r = li.post(
        f"{day_url}entry/", entry(kind="correction", corrects="1", summary="第1条应为9时10分")
    )
    assert r.status_code == 302
    fix = DutyEntry.objects.get(seq=3)
    assert fix.corrects is not None and fix.corrects.seq == 1
    assert "更正" in text(li.get(day_url))


def test_the_leader_of_the_unit_reads_the_log_but_does_not_write_it(desk: dict) -> None:
    login(desk["li"]).post(f"/reports/duty/{desk['day'].pk}/entry/", entry())
    c = login(desk["office_leader"])
    roster = text(c.get("/reports/duty/"))
    assert f"/reports/duty/{desk['day'].pk}/" in roster
    page = text(c.get(f"/reports/duty/{desk['day'].pk}/"))
    assert "桃园小区停水" in page and "/entry/" not in page and "/handover/" not in page
    r = c.post(f"/reports/duty/{desk['day'].pk}/entry/", entry(summary="领导补记"))
    assert r.status_code == 400 and DutyEntry.objects.count() == 1


@pytest.mark.parametrize(
    "who", ["bystander", "supervisor", "leader", "county_leader", "handler", "auditor"]
)
def test_others_see_nothing_and_write_nothing(world: World, desk: dict, who: str) -> None:
    login(desk["li"]).post(f"/reports/duty/{desk['day'].pk}/entry/", entry())
    user = desk.get(who) or getattr(world, who)
    c = login(user)
    url = f"/reports/duty/{desk['day'].pk}/"
    assert c.get(url).status_code == 404
    assert c.post(f"{url}entry/", entry(summary="不该写入")).status_code == 404
    assert c.post(f"{url}handover/", {"note": "x"}).status_code == 404
    roster = c.get("/reports/duty/")
    assert roster.status_code == 404 or f'href="{url}"' not in text(roster)
    assert DutyEntry.objects.count() == 1 and DutyLog.objects.get().handed_over_at is None


def test_anonymous_is_sent_to_login(desk: dict) -> None:
    for url in ("/reports/duty/", f"/reports/duty/{desk['day'].pk}/"):
        r = Client().get(url)
        assert r.status_code == 302 and r["Location"].startswith("/login/")
    r = Client().post(f"/reports/duty/{desk['day'].pk}/entry/", entry())
    assert r.status_code == 302 and not DutyEntry.objects.exists()


def test_a_shift_with_a_log_stays_on_the_roster(world: World, desk: dict) -> None:
    login(desk["li"]).post(f"/reports/duty/{desk['day'].pk}/entry/", entry())
    r = login(world.supervisor).post(f"/reports/duty/{desk['day'].pk}/delete/", follow=True)
    assert "已有值班日志" in text(r)
    assert DutyShift.objects.filter(pk=desk["day"].pk).exists()


def test_the_duty_menu_entry_shows_to_those_who_may_use_it(world: World, desk: dict) -> None:
    for user in (world.registrar, world.supervisor, desk["office_leader"], world.leader):
        assert 'href="/reports/duty/"' in text(login(user).get("/")), user
    for user in (world.handler, world.auditor):
        assert 'href="/reports/duty/"' not in text(login(user).get("/")), user
        assert login(user).get("/reports/duty/").status_code == 404


def test_roster_names_are_read_as_the_log_reads_them(desk: dict) -> None:
    """The roster form says how to name the officers so that they can open their log."""
    page = text(login(desk["office_leader"]).get("/reports/duty/"))
    assert "顿号" in page
    assert duty.officer_names(desk["day"]) == ["李明"]


def test_yesterdays_shift_not_handed_over_is_still_mine(world: World, desk: dict) -> None:
    yesterday = DutyShift.objects.create(
        unit=world.office,
        date=timezone.localdate() - timedelta(days=1),
        leader="王局长",
        staff="李明",
        phone="1",
    )
    page = text(login(desk["li"]).get("/reports/duty/"))
    assert f"/reports/duty/{yesterday.pk}/" in page and "未交班" in page
