"""Issue 23, findings 3, 4, 12 and 13: terminal actions close every period; not accepting
under Art. 19 para 3; extension of an expired period; redirection of a suggestion."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.api.models import ApiToken
from xinfang.cases import access
from xinfang.cases.clock import clock_for
from xinfang.cases.models import TERMINAL, Category, Matter, Status
from xinfang.notices.models import Notice
from xinfang.supervision.models import Alert
from xinfang.supervision.services import sweep

from ..factories import World, handled, login, register
from .helpers import (
    OVERDUE_TEXT,
    D,
    accepted,
    answer,
    at,
    elsewhere,
    open_obligations,
    portal_client,
    refused,
)

REDIRECT = {"channel": "litigation", "organ": "青山县人民法院"}

# --- finding 3: a terminal matter has no open period ----------------------------------


def test_redirect_during_handling_closes_the_handling_period(world: World) -> None:
    """XFGZ Art. 31: a matter accepted on 2026-03-03 (handling due 5/6) and redirected on
    3/20 to litigation is closed: no obligation is open on any later day, the row has no
    current deadline, the overdue lists do not count it and the sweep raises nothing."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    assert m.current_due == D("2026-05-06")
    m = transition(
        m, "redirect", actor=w.handler, reason="属于诉讼途径", data=REDIRECT, at=at("2026-03-20")
    )
    assert m.status == Status.REDIRECTED and m.status in TERMINAL
    for day in ("2026-03-21", "2026-05-06", "2026-05-07", "2026-08-01"):
        assert open_obligations(m, D(day)) == [], day
        assert clock_for(m, on=D(day)).current() is None
    assert not [d for d in clock_for(m, on=D("2026-08-01")).deadlines if d.state == "overdue"]
    assert (m.current_due, m.current_due_kind) == (None, "")
    assert not Matter.objects.overdue(D("2026-08-01")).filter(pk=m.pk).exists()
    sweep(D("2026-05-04"))
    sweep(D("2026-05-07"))
    assert not Alert.objects.filter(matter=m).exists()


def _terminal(w: World, how: str) -> Matter:
    day = at("2026-03-02")
    if how == "registered:redirect":
        m = register(w, at=day)
        return transition(m, "redirect", actor=w.registrar, reason="诉讼", data=REDIRECT, at=day)
    if how == "registered:emergency_transfer":
        m = register(w, at=day)
        return transition(
            m, "emergency_transfer", actor=w.registrar, reason="火情", data={"line": "119"}, at=day
        )
    if how == "registered:answer_on_spot":
        m = register(w, at=day, category=Category.SUGGESTION, hotline_type="consult")
        return transition(m, "answer_on_spot", actor=w.registrar, reason="已当场解答", at=day)
    if how == "registered:not_accept":
        existing = accepted(w, "2026-03-02", "2026-03-02")
        m = register(w, at=at("2026-03-02", 16))
        return transition(
            m,
            "not_accept",
            actor=w.registrar,
            reason="下级机关办理期限内",
            data={"ground": "art19", "existing": existing.receipt_no},
            at=at("2026-03-02", 17),
        )
    if how == "answered:conclude":
        m = accepted(w, "2026-03-02", "2026-03-02")
        m = answer(m, w.handler, w.leader, "2026-03-10")
        return transition(m, "conclude", actor=w.handler, at=at("2026-03-11"))
    raise AssertionError(how)


@pytest.mark.parametrize(
    "how",
    [
        "registered:redirect",
        "registered:emergency_transfer",
        "registered:answer_on_spot",
        "registered:not_accept",
        "answered:conclude",
    ],
)
def test_no_terminal_matter_has_an_open_obligation(world: World, how: str) -> None:
    """XFGZ Arts. 19 para 3, 22, 31, 32 and BJ Arts. 2, 11: whatever way a matter ends, no
    obligation of it stays open (the petitioner's own 复查 window is not an obligation)."""
    m = _terminal(world, how)
    assert m.status in TERMINAL
    for day in ("2026-03-12", "2026-06-30"):
        assert open_obligations(m, D(day)) == [], (how, day)
    assert (m.current_due, m.current_due_kind) == (None, "")


def test_closed_matter_shows_nothing_overdue_on_any_surface(world: World) -> None:
    """XFGZ Art. 31 and procedure.md §5 (every deadline shown to anyone comes from the same
    events): a matter accepted 100 days ago and redirected today is shown overdue before
    the redirect and nowhere after it: staff matter page, staff queue, the citizen portal,
    the API's matter and its overdue list."""
    w = world
    now = timezone.now()
    m = handled(w, at=now - timedelta(days=100))
    staff_page = f"/matters/{m.pk}/"
    handler = login(w.handler)
    assert OVERDUE_TEXT.search(handler.get(staff_page).content.decode())  # the setting holds
    transition(m, "redirect", actor=w.handler, reason="属于诉讼途径", data=REDIRECT)
    m.refresh_from_db()
    assert m.status == Status.REDIRECTED and m.current_due is None
    for client, path in (
        (handler, staff_page),
        (login(w.registrar), staff_page),
        (handler, "/"),
        (login(w.supervisor), "/"),
        (portal_client(m), f"/portal/m/{m.receipt_no}/"),
    ):
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.content.decode()
        assert not OVERDUE_TEXT.search(html), path
    api = _api(w.registrar)
    d = api(f"/matters/{m.pk}").json()
    assert d["status"] == "redirected"
    assert [x for x in d["deadlines"] if x["state"] in ("running", "overdue", "paused")] == []
    rows = api("/matters", overdue="true").json()["items"]
    assert m.receipt_no not in {r["receipt_no"] for r in rows}


def _api(user: Any) -> Any:
    from django.test import Client

    _, token = ApiToken.issue(user)
    c = Client()

    def get(path: str, **params: Any) -> Any:
        return c.get(f"/api/v1{path}", params, HTTP_AUTHORIZATION=f"Bearer {token}")

    return get


# --- finding 4: Art. 19 para 3 needs the existing matter's period to be running ----------


def test_not_accept_while_the_existing_period_runs(world: World) -> None:
    """XFGZ Art. 19 para 3: the same matter raised again while the handling period of the
    matter already accepted (3/3, due 5/6) still runs is not accepted: on its last day 5/6
    the new matter is closed with a written notice and linked to the existing one."""
    w = world
    existing = accepted(w, "2026-03-02", "2026-03-03")
    new = register(w, at=at("2026-05-06"))
    new = transition(
        new,
        "not_accept",
        actor=w.registrar,
        reason="原事项仍在办理期限内",
        data={"ground": "art19", "existing": existing.receipt_no},
        at=at("2026-05-06", 11),
    )
    assert new.status == Status.NOT_ACCEPTED and new.repeat_of == existing
    assert Notice.objects.filter(matter=new, kind="not_accepted").count() == 1


def test_not_accept_refused_when_the_existing_matter_is_overdue(world: World) -> None:
    """XFGZ Art. 19 para 3: once the existing matter's handling period has run out (due
    2026-05-06), not accepting the new one on 5/7 is refused with ``existing_overdue``."""
    w = world
    existing = accepted(w, "2026-03-02", "2026-03-03")
    new = register(w, at=at("2026-05-07"))
    refused(
        new,
        "not_accept",
        "existing_overdue",
        actor=w.registrar,
        reason="原事项仍在办理",
        data={"ground": "art19", "existing": existing.receipt_no},
        at=at("2026-05-07", 11),
    )


@pytest.mark.parametrize("end", ["answered", "concluded"])
def test_not_accept_refused_when_the_existing_matter_is_answered(world: World, end: str) -> None:
    """XFGZ Art. 19 para 3 with Art. 35: an existing matter already answered (or concluded)
    has no handling period running; the petitioner is pointed to 复查, and not accepting
    under Art. 19 para 3 is refused with ``existing_answered``."""
    w = world
    existing = accepted(w, "2026-03-02", "2026-03-03")
    existing = answer(existing, w.handler, w.leader, "2026-03-20")
    if end == "concluded":
        existing = transition(existing, "conclude", actor=w.handler, at=at("2026-03-21"))
    new = register(w, at=at("2026-03-25"))
    refused(
        new,
        "not_accept",
        "existing_answered",
        actor=w.registrar,
        reason="原事项仍在办理",
        data={"ground": "art19", "existing": existing.receipt_no},
        at=at("2026-03-25", 11),
    )


def test_not_accept_refused_for_a_matter_the_registrar_cannot_see(world: World) -> None:
    """XFGZ Art. 19 para 3 and PIPL Art. 51 (least privilege): an existing matter of another
    city's office, not visible to this registrar, cannot be named: ``no_existing``, the same
    answer as for a receipt number that does not exist."""
    w = world
    office, registrar = elsewhere(w)
    theirs = register(w, at=at("2026-03-02"), unit=office, by=registrar)
    assert not access.visible(w.registrar).filter(pk=theirs.pk).exists()
    new = register(w, at=at("2026-03-05"))
    for existing in (theirs.receipt_no, "360421-2026-999999"):
        refused(
            new,
            "not_accept",
            "no_existing",
            actor=w.registrar,
            reason="原事项仍在办理",
            data={"ground": "art19", "existing": existing},
            at=at("2026-03-05", 11),
        )


# --- finding 12: no extension of an expired period ------------------------------------


def test_extension_requested_after_expiry_is_refused(world: World) -> None:
    """XFGZ Art. 34 extends a running period: accepted 2026-03-03, due 5/6; a request on 5/7
    is refused with ``period_expired`` and nothing changes."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    refused(
        m,
        "request_extension",
        "period_expired",
        actor=w.handler,
        reason="需鉴定",
        data={"days": 20},
        at=at("2026-05-07"),
    )


def test_extension_approved_after_expiry_is_refused(world: World) -> None:
    """XFGZ Art. 34: requested on the last day (5/6) but approved on 5/7, after the period
    ran out: the approval is refused with ``period_expired`` and nothing changes."""
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = transition(
        m,
        "request_extension",
        actor=w.handler,
        reason="需鉴定",
        data={"days": 20},
        at=at("2026-05-06"),
    )
    assert m.extension_state == "requested"
    refused(m, "approve_extension", "period_expired", actor=w.leader, at=at("2026-05-07"))


def test_extension_after_expiry_is_a_setting(world: World, settings) -> None:
    """XFGZ Art. 34 as a deployment choice (setting EXTEND_AFTER_EXPIRY True): a request on
    5/7 after the 5/6 deadline is then allowed."""
    settings.XINFANG = {**settings.XINFANG, "EXTEND_AFTER_EXPIRY": True}
    w = world
    m = accepted(w, "2026-03-02", "2026-03-03")
    m = transition(
        m,
        "request_extension",
        actor=w.handler,
        reason="需鉴定",
        data={"days": 20},
        at=at("2026-05-07"),
    )
    assert m.extension_state == "requested"


# --- finding 13: Art. 31 redirection is for appeals and claims ----------------------------


def test_suggestion_cannot_be_redirected(world: World) -> None:
    """XFGZ Art. 29 and Art. 31: redirection to another statutory channel belongs to appeals
    and claims (申诉求决); a 建议意见 is refused with ``redirect_category``, both when it is
    registered and while it is handled, and nothing changes."""
    w = world
    m = register(w, at=at("2026-03-02"), category=Category.SUGGESTION)
    refused(
        m,
        "redirect",
        "redirect_category",
        actor=w.registrar,
        reason="属于诉讼途径",
        data=REDIRECT,
        at=at("2026-03-02", 11),
    )
    h = accepted(w, "2026-03-02", "2026-03-03", category=Category.SUGGESTION)
    refused(
        h,
        "redirect",
        "redirect_category",
        actor=w.handler,
        reason="属于诉讼途径",
        data=REDIRECT,
        at=at("2026-03-05"),
    )
