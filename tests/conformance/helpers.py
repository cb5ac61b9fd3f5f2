"""Shared steps of the conformance scenarios (shared/spec/procedure.md).

Every date here is a calendar date in Asia/Shanghai. Expected dates in the scenarios are
worked out by hand from the law and the shipped 2025/2026 holiday arrangements; the clock
is only ever asked for what it computed, never for what to expect.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client

from xinfang.actions.workflow import RULES, transition
from xinfang.cases import access
from xinfang.cases.clock import clock_for
from xinfang.cases.models import Event, Matter
from xinfang.core.errors import UserError
from xinfang.deadlines.clock import Deadline
from xinfang.org.models import Level, Role, Unit, UnitKind, User
from xinfang.portal import access as portal_access

from ..factories import World, opinion, register, staff, unit

TZ = ZoneInfo("Asia/Shanghai")
D = date.fromisoformat

# "超期 3 天", "已超期 3 天": how any surface shows an overdue period.
OVERDUE_TEXT = re.compile(r"超期\s*\d+\s*天")


def at(day: str, hour: int = 10) -> datetime:
    return datetime.fromisoformat(day).replace(hour=hour, tzinfo=TZ)


def state(m: Matter) -> tuple[Any, ...]:
    """What a refused action must leave exactly as it was."""
    m.refresh_from_db()
    return (
        m.status,
        m.version,
        m.event_count,
        Event.objects.filter(matter=m).count(),
        m.lead_unit_id,
        m.current_due,
        m.current_due_kind,
        m.extension_state,
        m.designated,
    )


def refused(m: Matter, action: str, code: str, **kw: Any) -> UserError:
    """``action`` is refused with ``code`` and nothing about ``m`` changes."""
    before = state(m)
    n_matters = Matter.objects.count()
    with pytest.raises(UserError) as exc:
        transition(m, action, **kw)
    assert exc.value.code == code, (exc.value.code, exc.value.zh)
    assert state(m) == before
    assert Matter.objects.count() == n_matters
    return exc.value


def deadline(m: Matter, kind: str, on: date) -> Deadline:
    d = clock_for(m, on=on).get(kind)
    assert d is not None, f"no {kind!r} deadline on {on}: {clock_for(m, on=on).deadlines}"
    return d


def open_obligations(m: Matter, on: date) -> list[Deadline]:
    return [d for d in clock_for(m, on=on).deadlines if d.obligation and d.is_open]


def forwarded(w: World, day: str, to: Unit | None = None, hour: int = 10) -> Matter:
    """Registered at the county office and forwarded (转送) the same day."""
    m = register(w, at=at(day, hour))
    return transition(
        m, "forward", actor=w.registrar, data={"unit": (to or w.town).pk}, at=at(day, hour + 1)
    )


def accepted(w: World, forward_day: str, accept_day: str, **kw: Any) -> Matter:
    """Forwarded to the town on ``forward_day`` (11:00) and accepted there on
    ``accept_day`` (14:00)."""
    m = register(w, at=at(forward_day), **kw)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=at(forward_day, 11))
    return transition(m, "accept", actor=w.handler, at=at(accept_day, 14))


def answer(m: Matter, handler: User, leader: User, day: str, **data: Any) -> Matter:
    """Submit and approve a handling opinion on ``day``."""
    transition(m, "submit_opinion", actor=handler, data=opinion(), at=at(day, 9))
    return transition(m, "approve_opinion", actor=leader, data=data, at=at(day, 15))


def review_chain(w: World) -> tuple[Matter, Matter]:
    """A town matter answered 2026-03-20, a 复查 at the county answered 2026-04-10."""
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = answer(m, w.handler, w.leader, "2026-03-20")
    transition(m, "request_review", actor=w.registrar, at=at("2026-03-25"))
    review = m.followups.get()
    review = answer(review, w.county_handler, w.county_leader, "2026-04-10")
    return m, review


def final_chain(w: World) -> tuple[Matter, Matter, Matter]:
    """Original (town) → 复查 (county) → 复核 (city) with a final decision on 2026-05-06."""
    m, review = review_chain(w)
    transition(review, "request_reexam", actor=w.county_registrar, at=at("2026-04-13"))
    reexam = review.followups.get()
    reexam = answer(reexam, w.city_handler, w.city_leader, "2026-05-06")
    assert reexam.final and reexam.status == "concluded"
    return m, review, reexam


def elsewhere(w: World) -> tuple[Unit, User]:
    """Another city's county letters-and-visits office and its registrar."""
    G, X = UnitKind.GOVERNMENT, UnitKind.XINFANG_OFFICE
    city = unit("赣州市人民政府", G, Level.CITY, code="360700")
    county = unit("宁都县人民政府", G, Level.COUNTY, city, "360730")
    office = unit("宁都县信访局", X, Level.COUNTY, county, "360730", oversees=county)
    return office, staff("ningdu_registrar", (office, Role.REGISTRAR))


def entitled(m: Matter, action: str, candidates: list[User]) -> User:
    """The first of ``candidates`` the transition table lets do ``action`` on ``m``."""
    assert action in RULES, f"the transition table has no action {action!r}"
    who = set(RULES[action].who)
    for u in candidates:
        if access.scopes_of(u, m) & who:
            return u
    raise AssertionError(f"none of {candidates} may {action} on {m.receipt_no} ({m.status})")


def portal_client(m: Matter) -> Client:
    """A citizen's browser session verified for ``m`` (as after entering the secret)."""
    c = Client()

    class Req:
        session = c.session

    portal_access.grant(Req, m)
    Req.session.save()
    return c
