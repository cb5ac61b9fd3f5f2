"""Permission matrix over every staff page and every action endpoint.

Kinds of caller: anonymous (sent to login), staff of an unrelated unit (404, nothing
changes), staff of the handling unit without the right role (refused with a message,
nothing changes), staff with the right role (works), supervisors above (may view).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from xinfang.actions.workflow import RULES, allowed_actions, transition
from xinfang.cases import access
from xinfang.cases.models import Category, Matter, Status

from ..factories import World, handled, opinion, register
from .helpers import login, offered_actions, snapshot, text

ALL_ACTIONS = sorted(RULES)
PDF = b"%PDF-1.4\n%test\n"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _with_file(w: World, **kw: Any) -> Matter:
    return register(w, attachments=[SimpleUploadedFile("证据.pdf", PDF, "application/pdf")], **kw)


# --- pages ----------------------------------------------------------------------------


def _pages(m: Matter) -> dict[str, str]:
    a = m.attachments.get()
    return {
        "queue": "/",
        "register": "/matters/new/",
        "matter": f"/matters/{m.pk}/",
        "file": f"/matters/{m.pk}/files/{a.pk}/",
        "earlier": "/petitioners/?q=13800001234",
    }


def test_anonymous_is_sent_to_login_from_every_page(world: World) -> None:
    m = _with_file(world)
    for name, url in _pages(m).items():
        r = Client().get(url)
        assert r.status_code == 302, name
        assert r["Location"].startswith("/login/?next="), name


# expected status per page for each kind of staff; the matter is registered by the county
# office and handled by 城关镇 (lead).
PAGE_MATRIX = {
    "registrar": {"queue": 200, "register": 200, "matter": 200, "file": 200, "earlier": 200},
    "handler": {"queue": 200, "register": 404, "matter": 200, "file": 200, "earlier": 200},
    "leader": {"queue": 200, "register": 404, "matter": 200, "file": 200, "earlier": 200},
    "supervisor": {"queue": 200, "register": 404, "matter": 200, "file": 200, "earlier": 200},
    "other_handler": {"queue": 200, "register": 404, "matter": 404, "file": 404, "earlier": 200},
    "housing_handler": {"queue": 200, "register": 404, "matter": 404, "file": 404, "earlier": 200},
    "city_handler": {"queue": 200, "register": 404, "matter": 404, "file": 404, "earlier": 200},
    "auditor": {"queue": 200, "register": 404, "matter": 404, "file": 404, "earlier": 200},
}


@pytest.mark.parametrize("who", sorted(PAGE_MATRIX))
def test_page_matrix(world: World, who: str) -> None:
    m = _with_file(world)
    transition(m, "forward", actor=world.registrar, data={"unit": world.town.pk})
    c = login(getattr(world, who))
    for name, url in _pages(m).items():
        r = c.get(url)
        assert r.status_code == PAGE_MATRIX[who][name], (who, name)
    sees = PAGE_MATRIX[who]["matter"] == 200
    # Lists never leak what the matter page refuses.
    assert (m.receipt_no in text(c.get("/?view=open"))) is sees
    assert (m.receipt_no in text(c.get("/petitioners/?q=13800001234"))) is sees


def test_file_download_is_the_stored_file(world: World) -> None:
    m = _with_file(world)
    r = login(world.registrar).get(_pages(m)["file"])
    assert r.status_code == 200
    assert b"".join(r.streaming_content) == PDF
    assert "attachment" in r["Content-Disposition"]


def test_confidential_materials_and_reporter_hidden_outside_need_to_know(world: World) -> None:
    w = world
    m = _with_file(w, category=Category.REPORT, title="反映违规收费", accused_unit=w.town2)
    transition(
        m, "forward", actor=w.registrar, data={"unit": w.housing.pk, "assisting": [w.labour.pk]}
    )
    url, file_url = f"/matters/{m.pk}/", _pages(m)["file"]
    for who in ("registrar", "housing_handler"):  # registering organ, lead unit
        c = login(getattr(w, who))
        html = text(c.get(url))
        assert "张三" in html and "证据.pdf" in html, who
        assert c.get(file_url).status_code == 200, who
    for who in ("supervisor",):  # may view the matter, not the reporter or materials
        c = login(getattr(w, who))
        html = text(c.get(url))
        assert "张三" not in html and "13800001234"[-4:] not in html and "（保密）" in html
        assert "证据.pdf" not in html
        assert c.get(file_url).status_code == 404
    # The accused unit never sees the matter at all (XFGZ Art. 30).
    assert login(w.other_handler).get(url).status_code == 404


# --- actions: anonymous, unrelated unit, GET ------------------------------------------


def test_anonymous_post_to_every_action_changes_nothing(world: World) -> None:
    m = handled(world)
    before = snapshot(m)
    for action in ALL_ACTIONS:
        r = Client().post(f"/matters/{m.pk}/act/{action}/", {"expected_version": before[1]})
        assert r.status_code == 302 and r["Location"].startswith("/login/"), action
    assert snapshot(m) == before


@pytest.mark.parametrize("who", ["other_handler", "other_leader", "city_handler", "auditor"])
def test_unrelated_staff_get_404_on_every_action(world: World, who: str) -> None:
    m = handled(world)
    before = snapshot(m)
    c = login(getattr(world, who))
    for action in ALL_ACTIONS:
        r = c.post(
            f"/matters/{m.pk}/act/{action}/",
            {"expected_version": before[1], "reason": "x", "unit": world.town2.pk},
        )
        assert r.status_code == 404, action
    assert snapshot(m) == before


@pytest.mark.parametrize("action", ["forward", "accept", "approve_opinion", "add_note"])
def test_get_on_action_url_is_405(world: World, action: str) -> None:
    m = handled(world)
    before = snapshot(m)
    assert login(world.leader).get(f"/matters/{m.pk}/act/{action}/").status_code == 405
    assert snapshot(m) == before


def test_unknown_action_is_404(world: World) -> None:
    m = handled(world)
    assert login(world.handler).post(f"/matters/{m.pk}/act/drop_table/").status_code == 404


# --- actions: wrong role is refused, right role works ----------------------------------


def _opinion_pending(w: World) -> Matter:
    m = handled(w)
    return transition(m, "submit_opinion", actor=w.handler, data=opinion())


def _extension_requested(w: World) -> Matter:
    m = handled(w)
    return transition(
        m, "request_extension", actor=w.handler, reason="需要现场核查", data={"days": 30}
    )


def _dispatched(w: World) -> Matter:
    m = register(w)
    return transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})


STATES: dict[str, Callable[[World], Matter]] = {
    "registered": register,
    "dispatched": _dispatched,
    "handling": handled,
    "opinion_pending": _opinion_pending,
    "extension_requested": _extension_requested,
}


@pytest.mark.parametrize("state", sorted(STATES))
@pytest.mark.parametrize("who", ["registrar", "handler", "leader", "supervisor"])
def test_every_action_not_offered_is_refused_and_changes_nothing(
    world: World, state: str, who: str
) -> None:
    m = STATES[state](world)
    user = getattr(world, who)
    c = login(user)
    page = c.get(f"/matters/{m.pk}/")
    if page.status_code == 404:  # e.g. the town before the matter reaches it
        assert not access.visible(user).filter(pk=m.pk).exists()
        return
    allowed = set(allowed_actions(m, user))
    # The page offers exactly the allowed actions.
    assert offered_actions(text(page), m.pk) == allowed
    before = snapshot(m)
    for action in sorted(set(ALL_ACTIONS) - allowed):
        r = c.post(
            f"/matters/{m.pk}/act/{action}/",
            {"expected_version": before[1], "reason": "理由", "days": "10"},
            follow=True,
        )
        assert r.status_code == 200, action
        assert 'class="msg error"' in text(r), action
        assert snapshot(m) == before, action


def test_handler_cannot_approve_own_opinion(world: World) -> None:
    m = _opinion_pending(world)
    before = snapshot(m)
    r = login(world.handler).post(
        f"/matters/{m.pk}/act/approve_opinion/", {"expected_version": before[1]}, follow=True
    )
    assert "您无权执行此操作" in text(r)
    assert snapshot(m) == before


def _future(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


# (state, who, action, form data, check on the matter afterwards)
WORKS: list[tuple[str, str, str, dict[str, Any], Callable[[Matter], bool]]] = [
    ("registered", "registrar", "forward", {"unit": "town"}, lambda m: m.status == "dispatched"),
    (
        "registered",
        "registrar",
        "assign",
        {"unit": "town", "due_on": _future(20)},
        lambda m: m.status == "dispatched",
    ),
    (
        "registered",
        "registrar",
        "redirect",
        {"channel": "litigation", "organ": "青山县人民法院", "reason": "属民事纠纷"},
        lambda m: m.status == Status.REDIRECTED,
    ),
    ("registered", "registrar", "add_note", {"reason": "已电话核实"}, lambda m: True),
    ("dispatched", "handler", "accept", {}, lambda m: m.status == Status.HANDLING),
    ("dispatched", "leader", "accept", {}, lambda m: m.status == Status.HANDLING),
    (
        "dispatched",
        "handler",
        "object",
        {"reason": "不属本单位职责"},
        lambda m: m.status == Status.OBJECTED,
    ),
    (
        "handling",
        "handler",
        "contact",
        {"method": "phone", "summary": "已电话联系"},
        lambda m: m.status == Status.HANDLING,
    ),
    ("handling", "handler", "submit_opinion", opinion(), lambda m: m.status == "opinion_pending"),
    (
        "handling",
        "handler",
        "request_extension",
        {"days": "20", "reason": "需要鉴定"},
        lambda m: m.extension_state == "requested",
    ),
    (
        "handling",
        "handler",
        "pause",
        {"reason_kind": "material", "reason": "等待补充材料"},
        lambda m: m.is_paused,
    ),
    ("handling", "supervisor", "add_note", {"reason": "请加快办理"}, lambda m: True),
    ("opinion_pending", "leader", "approve_opinion", {}, lambda m: m.status == Status.ANSWERED),
    (
        "opinion_pending",
        "leader",
        "return_opinion",
        {"reason": "事实不清"},
        lambda m: m.status == Status.HANDLING,
    ),
    (
        "extension_requested",
        "leader",
        "approve_extension",
        {},
        lambda m: m.extension_state == "approved",
    ),
]


@pytest.mark.parametrize(
    ("state", "who", "action", "data", "check"), WORKS, ids=[f"{w[1]}-{w[2]}" for w in WORKS]
)
def test_right_role_works(
    world: World,
    state: str,
    who: str,
    action: str,
    data: dict[str, Any],
    check: Callable[[Matter], bool],
) -> None:
    m = STATES[state](world)
    before = snapshot(m)
    c = login(getattr(world, who))
    assert action in offered_actions(text(c.get(f"/matters/{m.pk}/")), m.pk)
    post = {k: (world.town.pk if v == "town" else v) for k, v in data.items()}
    r = c.post(f"/matters/{m.pk}/act/{action}/", {"expected_version": before[1], **post})
    assert r.status_code == 302 and r["Location"] == f"/matters/{m.pk}/"
    after = snapshot(m)
    assert after[1] == before[1] + 1 and after[2] == before[2] + 1
    assert check(m)
    page = text(c.get(r["Location"]))
    assert 'class="msg success"' in page


def test_stale_form_is_refused(world: World) -> None:
    m = handled(world)
    before = snapshot(m)
    r = login(world.handler).post(
        f"/matters/{m.pk}/act/contact/",
        {"expected_version": before[1] - 1, "method": "phone", "summary": "x"},
        follow=True,
    )
    assert "已被他人更新" in text(r)
    assert snapshot(m) == before


def test_invalid_action_data_is_refused_with_message(world: World) -> None:
    m = register(world)
    before = snapshot(m)
    r = login(world.registrar).post(
        f"/matters/{m.pk}/act/forward/", {"expected_version": before[1]}, follow=True
    )
    assert 'class="msg error"' in text(r)
    assert snapshot(m) == before
