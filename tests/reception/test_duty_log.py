"""The duty log (值班日志) and the handover (交接班), as services.

The person on duty records what came in during the shift; at its end they hand over to the
next shift of the roster with a note and the unfinished items; the next person on duty
confirms receipt (接班确认). Once handed over the log only takes corrections, as new entries.
Who is on duty is what the roster (``supervision.DutyShift``) says.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.utils import timezone

from xinfang.core.errors import UserError
from xinfang.org.models import Role, User
from xinfang.reception import duty
from xinfang.reception.models import DutyEntry, DutyLog, EntryKind
from xinfang.supervision.models import DutyShift

from ..factories import World, staff

DAY = date(2030, 5, 6)


def at(hh: int, mm: int = 0, day: date = DAY) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hh, mm)))


def named(user: User, name: str) -> User:
    user.display_name = name
    user.save(update_fields=["display_name"])
    return user


@pytest.fixture
def desk(world: World) -> dict:
    """The office's day shift (李明) and evening shift (赵红) of one day; a leader of the
    office; a registrar of the office who is not on the roster."""
    w = world
    li = named(w.registrar, "李明")
    zhao = named(staff("officer2", (w.office, Role.REGISTRAR)), "赵红")
    day = DutyShift.objects.create(
        unit=w.office,
        date=DAY,
        start=time(8, 30),
        end=time(17, 30),
        leader="王局长",
        staff="李明",
        phone="0791-86123456",
    )
    evening = DutyShift.objects.create(
        unit=w.office,
        date=DAY,
        start=time(17, 30),
        end=time(23, 30),
        leader="王局长",
        staff="赵红、孙亮",
        phone="0791-86123456",
    )
    return {
        "li": li,
        "zhao": zhao,
        "day": day,
        "evening": evening,
        "office_leader": staff("office_leader", (w.office, Role.LEADER)),
        "bystander": named(staff("bystander", (w.office, Role.REGISTRAR)), "周平"),
    }


def write(d: dict, **kw) -> DutyEntry:
    args = {
        "shift": d["day"],
        "by": d["li"],
        "at": at(9, 15),
        "kind": EntryKind.CALL,
        "summary": "群众来电反映城关镇桃园小区停水",
        "action": "已电话告知县水务局",
        "pending": False,
        "now": at(9, 20),
        **kw,
    }
    return duty.write_entry(**args)


def test_the_roster_says_who_is_on_duty(world: World, desk: dict) -> None:
    assert duty.officer_names(desk["evening"]) == ["赵红", "孙亮"]
    assert duty.is_officer(desk["li"], desk["day"])
    assert not duty.is_officer(desk["li"], desk["evening"])
    assert duty.is_officer(desk["zhao"], desk["evening"])
    # a name on the roster is not enough: the person works in the unit
    outsider = named(staff("outsider", (world.town, Role.REGISTRAR)), "李明")
    assert not duty.is_officer(outsider, desk["day"])
    assert not duty.is_officer(desk["bystander"], desk["day"])


def test_the_officer_records_entries_with_their_time(desk: dict) -> None:
    e1 = write(desk)
    e2 = write(
        desk,
        at=at(10, 5),
        kind=EntryKind.VISIT,
        summary="两人来访",
        pending=True,
        now=at(10, 10),
    )
    log = DutyLog.objects.get(shift=desk["day"])
    assert [(e.seq, e.kind, e.at) for e in log.entries.order_by("seq")] == [
        (1, EntryKind.CALL, at(9, 15)),
        (2, EntryKind.VISIT, at(10, 5)),
    ]
    assert e1.written_by == desk["li"] and e2.pending and e1.written_at == at(9, 20)
    # what citizens said is personal data: encrypted at rest like a booking's phone
    with connection.cursor() as cur:
        cur.execute("SELECT summary FROM reception_dutyentry WHERE id = %s", [e1.pk])
        assert "桃园小区" not in cur.fetchone()[0]


@pytest.mark.parametrize(
    ("kw", "code"),
    [
        ({"summary": "  "}, "required"),
        ({"kind": "surveillance"}, "bad_kind"),
        ({"at": at(9, 30)}, "future"),  # later than now (9:20)
        ({"at": at(9, 0, DAY - timedelta(days=1))}, "other_day"),
        ({"summary": "长" * 2001}, "too_long"),
    ],
)
def test_bad_entries_are_refused_and_nothing_is_written(desk: dict, kw: dict, code: str) -> None:
    with pytest.raises(UserError) as e:
        write(desk, **kw)
    assert e.value.code == code and e.value.zh
    assert not DutyEntry.objects.exists()


@pytest.mark.parametrize("who", ["bystander", "zhao", "office_leader"])
def test_only_the_officer_of_the_shift_writes_its_log(desk: dict, who: str) -> None:
    with pytest.raises(UserError) as e:
        write(desk, by=desk[who])
    assert e.value.code == "not_on_duty"
    assert not DutyEntry.objects.exists() and not DutyLog.objects.exists()


def test_a_shift_that_has_not_come_takes_no_entries(desk: dict) -> None:
    with pytest.raises(UserError) as e:
        write(desk, at=at(23, 0, DAY - timedelta(days=1)), now=at(23, 0, DAY - timedelta(days=1)))
    assert e.value.code == "not_started" and not DutyEntry.objects.exists()


def test_handover_to_the_next_shift_with_the_unfinished_items(desk: dict) -> None:
    write(desk)
    open_item = write(
        desk, at=at(10, 0), summary="来访群众要求答复征地补偿", pending=True, now=at(10, 1)
    )
    assert [e.pk for e in duty.unfinished(desk["day"])] == [open_item.pk]
    log = duty.hand_over(
        shift=desk["day"],
        by=desk["li"],
        note="停水已转水务局；征地补偿一事请跟进",
        carry=[open_item.pk],
        now=at(17, 35),
    )
    assert log.to_shift == desk["evening"] and log.handed_over_by == desk["li"]
    assert log.handed_over_at == at(17, 35) and log.confirmed_at is None
    assert list(log.carried.all()) == [open_item]
    assert duty.incoming(desk["evening"]) == [log]
    # the next officer sees what was carried over among their own unfinished items
    assert [e.pk for e in duty.unfinished(desk["evening"])] == [open_item.pk]


def test_handover_needs_a_note_a_next_shift_and_the_officer(desk: dict) -> None:
    write(desk)
    with pytest.raises(UserError) as e:
        duty.hand_over(shift=desk["day"], by=desk["li"], note=" ", now=at(17, 35))
    assert e.value.code == "required"
    with pytest.raises(UserError) as e:
        duty.hand_over(shift=desk["day"], by=desk["bystander"], note="无", now=at(17, 35))
    assert e.value.code == "not_on_duty"
    # the evening shift is the last on the roster: nobody to hand over to
    with pytest.raises(UserError) as e:
        duty.hand_over(shift=desk["evening"], by=desk["zhao"], note="无", now=at(23, 35))
    assert e.value.code == "no_next_shift" and "排班" in e.value.zh
    # only the unfinished items of this log, or those carried into it, are carried on
    done = DutyEntry.objects.get()
    with pytest.raises(UserError) as e:
        duty.hand_over(shift=desk["day"], by=desk["li"], note="无", carry=[done.pk], now=at(17, 35))
    assert e.value.code == "bad_carry"
    assert not DutyLog.objects.filter(handed_over_at__isnull=False).exists()


def test_after_handover_only_corrections_are_added(desk: dict) -> None:
    first = write(desk)
    duty.hand_over(shift=desk["day"], by=desk["li"], note="无遗留", now=at(17, 35))
    with pytest.raises(UserError) as e:
        write(desk, at=at(17, 0), now=at(17, 40))
    assert e.value.code == "handed_over"
    assert DutyEntry.objects.count() == 1
    fix = write(
        desk,
        kind=EntryKind.CORRECTION,
        at=at(17, 40),
        summary="第1条来电时间应为9时10分",
        corrects=first,
        now=at(17, 41),
    )
    assert fix.seq == 2 and fix.corrects == first
    # a correction names the entry it corrects
    with pytest.raises(UserError) as e:
        write(desk, kind=EntryKind.CORRECTION, at=at(17, 40), now=at(17, 41))
    assert e.value.code == "corrects_required"


def test_entries_are_never_changed_or_deleted(desk: dict) -> None:
    e = write(desk)
    e.summary = "改写"
    with pytest.raises(UserError):
        e.save()
    with pytest.raises(UserError):
        e.delete()
    e.refresh_from_db()
    assert e.summary == "群众来电反映城关镇桃园小区停水"


def test_the_next_officer_confirms_receipt_once(desk: dict) -> None:
    write(desk)
    log = duty.hand_over(shift=desk["day"], by=desk["li"], note="无遗留", now=at(17, 35))
    for who in ("li", "bystander", "office_leader"):
        with pytest.raises(UserError) as e:
            duty.confirm(log=log, by=desk[who], now=at(17, 40))
        assert e.value.code == "not_on_duty", who
    log = duty.confirm(log=log, by=desk["zhao"], now=at(17, 40))
    assert (log.confirmed_by, log.confirmed_at) == (desk["zhao"], at(17, 40))
    with pytest.raises(UserError) as e:
        duty.confirm(log=log, by=desk["zhao"], now=at(17, 45))
    assert e.value.code == "confirmed"
    log.refresh_from_db()
    assert log.confirmed_at == at(17, 40)


def test_nothing_to_confirm_before_the_handover(desk: dict) -> None:
    write(desk)
    log = DutyLog.objects.get()
    with pytest.raises(UserError) as e:
        duty.confirm(log=log, by=desk["zhao"], now=at(12, 0))
    assert e.value.code == "not_handed_over" and DutyLog.objects.get().confirmed_at is None


def test_who_reads_a_log(world: World, desk: dict) -> None:
    write(desk)
    day, evening = desk["day"], desk["evening"]
    assert duty.may_read(desk["li"], day) and duty.may_read(desk["office_leader"], day)
    # before the handover the next officer has no business in it; afterwards they receive it
    assert not duty.may_read(desk["zhao"], day)
    duty.hand_over(shift=day, by=desk["li"], note="无", now=at(17, 35))
    assert duty.may_read(desk["zhao"], day)
    # reading goes forward only: the day's officer has no business in the evening's log
    assert not duty.may_read(desk["li"], evening)
    for who in (
        desk["bystander"],
        world.supervisor,  # keeps the roster; reads no log they are not on
        world.leader,  # a town's leader
        world.county_leader,  # the government above the office
        world.auditor,
    ):
        assert not duty.may_read(who, day), who
