"""The seeder writes exactly what the services would: a few hundred matters checked
against the real clock, the audit verification and the services acting on them."""

from __future__ import annotations

import random
from datetime import date, datetime

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone

from xinfang.actions.registration import register_matter
from xinfang.actions.workflow import transition
from xinfang.bench import org, texts
from xinfang.bench.seed import event_hash
from xinfang.cases.audit import verify_events
from xinfang.cases.clock import answered_on_time, clock_for
from xinfang.cases.models import Event, Kind, Matter, MatterUnit, Petitioner, ReceiptCounter
from xinfang.org.models import Role, User

UNTIL = "2026-06-30"


def seed(n: int, *extra: str) -> None:
    call_command(
        "bench", "seed", "--matters", str(n), "--units", "300", "--until", UNTIL,
        "--batch", "100", "--quiet", *extra,
    )  # fmt: skip


def fingerprint() -> list[tuple[object, ...]]:
    return list(
        Matter.objects.order_by("receipt_no").values_list(
            "receipt_no", "status", "current_due", "last_hash", "event_count", "title"
        )
    )


@pytest.fixture
def seeded(db) -> None:
    seed(300)


def test_denormalised_fields_match_the_real_clock(seeded) -> None:
    matters = list(Matter.objects.all())
    assert len([m for m in matters if m.kind == Kind.ORIGINAL]) == 300
    verdicts = set()
    for m in matters:
        clock = clock_for(m, on=date(2026, 6, 30))
        cur = clock.current()
        assert (m.current_due, m.current_due_kind) == (
            (cur.due, cur.kind) if cur else (None, "")
        ), m.receipt_no
        assert m.answered_on_time == answered_on_time(clock, m.kind), m.receipt_no
        verdicts.add(m.answered_on_time)
        events = list(Event.objects.filter(matter=m).order_by("seq"))
        assert [e.seq for e in events] == list(range(1, len(events) + 1))
        assert m.event_count == len(events)
        assert m.last_hash == events[-1].hash
        assert m.version == len(events) - 1  # registration does not bump the version
        assert events[-1].to_status == m.status
        leads = list(
            MatterUnit.objects.filter(matter=m, active=True, role="lead").values_list(
                "unit_id", flat=True
            )
        )
        assert leads == ([m.lead_unit_id] if m.lead_unit_id else [])
    assert verdicts == {True, False, None}  # on time, late, and not yet answered all occur


def test_audit_verification_passes_and_detects_an_edit(seeded) -> None:
    assert list(verify_events()) == []
    ev = Event.objects.filter(action="forward").first()
    assert ev is not None
    Event.objects.filter(pk=ev.pk).update(reason="changed")
    assert [f.problem for f in verify_events()] == ["内容被修改 / row altered"]


def test_hash_function_is_the_models(seeded) -> None:
    for ev in Event.objects.order_by("?")[:50]:
        assert ev.hash == ev.compute_hash()
        assert ev.hash == event_hash(
            matter=ev.matter_id,
            seq=ev.seq,
            action=ev.action,
            from_status=ev.from_status,
            to_status=ev.to_status,
            at=ev.at,
            actor=ev.actor_id,
            unit=ev.actor_unit_id,
            citizen=ev.by_citizen,
            reason=ev.reason,
            data=ev.data,
            public=ev.public,
            prev=ev.prev_hash,
        )


def test_states_and_histories_are_varied(seeded) -> None:
    statuses = set(Matter.objects.values_list("status", flat=True))
    assert {"dispatched", "handling", "answered", "concluded", "redirected"} <= statuses
    assert Matter.objects.filter(kind=Kind.REVIEW).exists()
    actions = set(Event.objects.values_list("action", flat=True))
    assert {"forward", "accept", "submit_opinion", "approve_opinion", "rate", "conclude"} <= (
        actions
    )
    assert Matter.objects.filter(is_collective=True).exists()
    today = date(2026, 6, 30)
    assert Matter.objects.overdue(today).exists()


def test_petitioners_are_encrypted_with_a_working_blind_index(seeded) -> None:
    from django.db import connection

    p = Petitioner.objects.exclude(phone="").first()
    assert p is not None and p.phone.isdigit() and len(p.phone) == 11
    with connection.cursor() as cur:
        cur.execute("SELECT phone FROM cases_petitioner WHERE id = %s", [p.pk])
        assert cur.fetchone()[0].startswith("enc1:")
    assert p.matter_id in set(
        Petitioner.objects.with_phone(p.phone).values_list("matter_id", flat=True)
    )


def test_services_continue_on_seeded_data(seeded) -> None:
    office = org.load().offices[0]
    registrar = User.objects.get(pk=office.registrars[0])
    before = Matter.objects.count()
    year = timezone.localdate().year
    last = (
        ReceiptCounter.objects.filter(unit=office.unit, year=year)
        .values_list("last", flat=True)
        .first()
        or 0
    )
    m, _ = register_matter(
        by=registrar,
        unit=office.unit,
        channel="letter",
        category="claim",
        title="测试",
        content="测试内容",
        received_at=timezone.now(),
        petitioners=[{"name": "张三", "phone": "13800000000"}],
    )
    assert m.receipt_no.endswith(f"-{year}-{last + 1:06d}")
    assert Matter.objects.count() == before + 1
    d = Matter.objects.filter(status="dispatched", kind=Kind.ORIGINAL).first()
    assert d is not None
    handler = User.objects.filter(
        memberships__unit_id=d.lead_unit_id, memberships__role=Role.HANDLER
    ).first()
    out = transition(d, "accept", actor=handler, at=timezone.now())
    assert out.status == "handling" and out.version == d.version + 1
    assert list(verify_events()) == []


def test_resume_gives_the_same_rows_as_one_run(db) -> None:
    with transaction.atomic():
        seed(250)
        whole = fingerprint()
        transaction.set_rollback(True)
    seed(250, "--limit", "130")  # interrupted mid-batch
    with pytest.raises(CommandError):
        seed(250)  # without --resume it refuses to add to existing matters
    seed(250, "--resume")
    assert fingerprint() == whole
    assert Matter.objects.filter(kind=Kind.ORIGINAL).count() == 250


def test_complaint_texts() -> None:
    rng = random.Random(3)
    place = texts.place(rng, "石桥镇", "360421102")
    seen = set()
    for topic in texts.TOPICS:
        for _ in range(30):
            title, content, facts = texts.complaint(rng, topic, place)
            assert 100 <= len(content) + len(facts) <= 300
            assert title and len(title) <= 120
            seen.add(title)
    assert len(seen) > 100


def test_ids_are_checked() -> None:
    assert texts.id_number(random.Random(1), "360421")[:6] == "360421"
    assert len(texts.id_number(random.Random(1), "360421")) == 18
    assert isinstance(datetime.now(), datetime)
