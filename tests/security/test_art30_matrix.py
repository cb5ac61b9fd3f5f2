"""XFGZ Art. 30 matrix: every output × every kind of staff user × every intake channel.

One report (检举控告) by 王举报 against the township 城关镇 (with its phone, ID number,
address and an attachment) is entered through each channel the deployment has — the
citizen portal, the staff registration form, the JSON API and the Excel import — and
routed as staff route it: the accused unit recorded where the channel could not carry it,
forwarded to the housing bureau with the labour bureau assisting, accepted, answered
(opinion submitted and approved), and the daily sweep run. Then every output is read as
every kind of staff user:

- **entitled** (the registering office's registrar and leader, the lead unit's handler
  and leader: ``access.can_see_identity``) see who reported, the phone and ID number
  masked until they ask for them in full, and the materials;
- **masked** (the registering office's supervisor, the county's leader, the assisting
  unit's handler and leader) see the matter but only masks for the reporter — never the
  clear name, phone, ID number or address, never the materials, and no search, count or
  similarity that ties the reporter to the matter;
- **accused** (the township's handler, leader and registrar, and a village under it) and
  **no-need** (another township, the county government's registrar, the administrator,
  the auditor) get a 404 for anything about the matter and find no trace of it —
  receipt number, title, reporter, materials — in any list, search, count or export.
  The auditor reads the access log (receipt numbers are its business) and the
  administrator the Django admin: neither may ever show who reported.

Each channel builds its world once (a module-scoped fixture inside a transaction rolled
back at the end); each test reads one output as one user inside its own savepoint, so
actions tried by one test never reach another.
"""

from __future__ import annotations

import hashlib
import html
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from xinfang.actions.importing import COLUMNS
from xinfang.actions.registration import add_material
from xinfang.cases.models import Category, Matter, MatterUnit, Status
from xinfang.core.masks import HIDDEN, mask_id, mask_phone
from xinfang.deadlines import calendar
from xinfang.org.models import Role, User
from xinfang.supervision.services import sweep

from ..factories import World, build_world, opinion, staff

pytestmark = pytest.mark.django_db

# --- the report -----------------------------------------------------------------------

NAME = "王举报"
PHONE = "13911112222"
ID_NUMBER = "360421199001181234"
ADDRESS = "城关镇检举路1号"
TITLE = "宅基地审批违规收费问题检举"
CONTENT = "城关镇有工作人员在宅基地审批中收取好处费，请求查处。"
FACTS = "2025年3月办理宅基地审批时被要求交纳加急费二千元，附收据复印件。"
ATTACHMENT = "举报材料.pdf"
MATERIAL = "ART30-MATERIAL-7Q3Z"  # a marker inside the attachment's bytes
ATTACHMENT_BYTES = b"%PDF-1.4\n% " + MATERIAL.encode() + b"\n%%EOF\n"
NOTE = "内部备注：已电话核实收据"

CLEAR = {"name": NAME, "phone": PHONE, "ID number": ID_NUMBER, "address": ADDRESS}
PHONE_SPLIT = re.compile(r"139[\s-]1111[\s-]?2222|1391111[\s-]2222")

CHANNELS = ("portal", "staff_form", "api", "import")

# --- the staff users ------------------------------------------------------------------

ENTITLED, MASKED, ACCUSED, NO_NEED = "entitled", "masked", "accused", "no-need"
HIDDEN_FROM = (ACCUSED, NO_NEED)

USERS: dict[str, tuple[str, str]] = {
    "registrar": (ENTITLED, "registrar of the registering office 青山县信访局"),
    "office_leader": (ENTITLED, "leader of the registering office"),
    "housing_handler": (ENTITLED, "handler of the lead unit 住建局"),
    "housing_leader": (ENTITLED, "leader of the lead unit"),
    "supervisor": (MASKED, "supervisor of the registering office"),
    "labour_handler": (MASKED, "handler of the assisting unit 人社局"),
    "labour_leader": (MASKED, "leader of the assisting unit"),
    "county_leader": (MASKED, "leader of the county government"),
    "handler": (ACCUSED, "handler of the accused township 城关镇"),
    "leader": (ACCUSED, "leader of the accused township"),
    "registrar_town": (ACCUSED, "registrar of the accused township"),
    "village_handler": (ACCUSED, "handler of 桃园村, under the accused township"),
    "other_handler": (NO_NEED, "handler of another township 东湖镇"),
    "county_registrar": (NO_NEED, "registrar of the county government"),
    "admin": (NO_NEED, "administrator (Django admin)"),
    "auditor": (NO_NEED, "auditor"),
}
WHO = [pytest.param(u, id=f"{k}:{u}") for u, (k, _) in USERS.items()]


def _extra_users(w: World) -> None:
    """The kinds of staff user the factory's world lacks."""
    w.users["office_leader"] = staff("office_leader", (w.office, Role.LEADER))
    w.users["labour_handler"] = staff("labour_handler", (w.labour, Role.HANDLER))
    w.users["labour_leader"] = staff("labour_leader", (w.labour, Role.LEADER))
    w.users["village_handler"] = staff("village_handler", (w.village, Role.HANDLER))
    # Deployments make their administrators superusers with the admin site (as the demo).
    User.objects.filter(pk=w.admin.pk).update(is_staff=True, is_superuser=True)
    w.users["admin"].refresh_from_db()


# --- one channel's case ---------------------------------------------------------------


@dataclass
class Case:
    channel: str
    w: World
    pk: int
    receipt_no: str
    secret: str | None
    attachment_id: int
    notices: list[int]
    tokens: dict[str, str] = field(default_factory=dict)

    @property
    def carries_id(self) -> bool:
        """The portal form and the import sheet have no ID-number field."""
        return self.channel in ("staff_form", "api")

    def matter(self) -> Matter:
        return Matter.objects.get(pk=self.pk)


def _pdf() -> SimpleUploadedFile:
    return SimpleUploadedFile(ATTACHMENT, ATTACHMENT_BYTES, "application/pdf")


_HANDLER: list[Any] = []


def browser() -> Client:
    """A new test client sharing one request handler: each handler builds its middleware,
    and WhiteNoise's scan of the static files then costs more than most requests here."""
    c = Client()
    if _HANDLER:
        c.handler = _HANDLER[0]
    else:
        _HANDLER.append(c.handler)
    return c


def _web(user: User) -> Client:
    c = browser()
    c.force_login(user)
    return c


def _api(token: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}


def _received() -> str:
    return (timezone.localtime() - timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def _via_portal(w: World) -> tuple[Matter, str]:
    data = {
        "organ": w.office.pk,
        "category": "report",
        "topic": w.topic.pk,
        "area": w.town.pk,
        "accused": w.town.pk,
        "title": TITLE,
        "content": CONTENT,
        "facts": FACTS,
        "name": NAME,
        "phone": PHONE,
        "address": ADDRESS,
        "headcount": "1",
        "step": "submit",
        "attachments": [_pdf()],
    }
    r = browser().post("/portal/submit/", data, follow=True)
    page = r.content.decode()
    no = re.search(r'id="receipt-no">([^<]+)<', page)
    secret = re.search(r'id="secret">([^<]+)<', page)
    assert no and secret, f"portal submission refused: {page[:3000]}"
    return Matter.objects.get(receipt_no=no[1]), secret[1]


def _via_staff_form(w: World) -> tuple[Matter, str]:
    data = {
        "unit": w.office.pk,
        "channel": "letter",
        "category": "report",
        "title": TITLE,
        "content": CONTENT,
        "facts": FACTS,
        "received_at": _received(),
        "topic": w.topic.pk,
        "area": w.town.pk,
        "accused_unit": w.town.pk,
        "p0_name": NAME,
        "p0_phone": PHONE,
        "p0_id": ID_NUMBER,
        "p0_address": ADDRESS,
        "attachments": [_pdf()],
    }
    r = _web(w.registrar).post("/matters/new/", data, follow=True)
    page = r.content.decode()
    secret = re.search(r"查询码 (\S+) 只显示这一次", page)
    assert secret, f"staff registration refused: {page[:3000]}"
    return Matter.objects.get(title=TITLE), secret[1]


def _api_post(token: str, path: str, body: dict[str, Any]) -> Any:
    r = browser().post(f"/api/v1{path}", body, content_type="application/json", **_api(token))
    assert r.status_code in (200, 201), f"API {path}: {r.status_code} {r.content[:2000]!r}"
    return r.json()


def _token(username: str) -> str:
    out = StringIO()
    call_command("token", username, stdout=out)
    return out.getvalue().strip()


def _via_api(w: World) -> tuple[Matter, str]:
    body = {
        "unit": w.office.pk,
        "channel": "phone",
        "category": "report",
        "title": TITLE,
        "content": CONTENT,
        "facts": FACTS,
        "received_at": (timezone.now() - timedelta(hours=2)).isoformat(),
        "topic": w.topic.code,
        "area": w.town.pk,
        "accused_unit": w.town.pk,
        "petitioners": [{"name": NAME, "phone": PHONE, "id_number": ID_NUMBER, "address": ADDRESS}],
    }
    d = _api_post(_token("registrar"), "/matters", body)
    m = Matter.objects.get(pk=d["id"])
    # The API takes no files: the reporter adds the material on the portal, with the
    # receipt number and secret the registrar handed over.
    reporter = browser()
    r = reporter.post("/portal/track/", {"receipt_no": m.receipt_no, "secret": d["secret"]})
    assert r.status_code == 302, r.content[:2000]
    r = reporter.post(
        f"/portal/m/{m.receipt_no}/material/", {"note": "补充收据复印件", "files": [_pdf()]}
    )
    assert r.status_code == 302 and m.attachments.count() == 1, "portal material refused"
    return m, d["secret"]


def _via_import(w: World, tmp: Path) -> tuple[Matter, None]:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(COLUMNS)
    received = timezone.localtime() - timedelta(hours=2)
    ws.append(
        [
            received.replace(tzinfo=None),
            "来信",
            "检举控告",
            w.topic.name,
            TITLE,
            CONTENT,
            FACTS,
            NAME,
            PHONE,
            ADDRESS,
        ]
    )
    path = tmp / "letters.xlsx"
    wb.save(path)
    out = StringIO()
    call_command(
        "import_matters",
        str(path),
        "--unit",
        str(w.office.pk),
        "--user",
        "registrar",
        "--verbosity",
        "0",
        stdout=out,
    )
    assert "导入 1 件" in out.getvalue(), out.getvalue()
    m = Matter.objects.get(title=TITLE)
    # The sheet has no column for whom a report accuses: the registrar records it.
    _act(w.registrar, m, "record_accused", {"unit": w.town.pk})
    # Nor for files: the letter's enclosure is added by the registrar as material.
    add_material(m, by=w.registrar, note="来信所附收据复印件", files=[_pdf()])
    return m, None


def _act(user: User, m: Matter, action: str, data: dict[str, Any]) -> None:
    """One action through the staff page's form, as staff would do it."""
    before = Matter.objects.get(pk=m.pk).version
    r = _web(user).post(f"/matters/{m.pk}/act/{action}/", data, follow=True)
    after = Matter.objects.get(pk=m.pk).version
    assert after == before + 1, f"{action} by {user.username} refused: {r.content[:3000]!r}"


def _route(case_channel: str, w: World, m: Matter) -> None:
    """Forward to the housing bureau (not the accused) with labour assisting, accept,
    submit and approve the opinion: on the staff pages, or through the API for the API
    channel. Then the supervisor's 督办 through the same face: it notifies the lead unit's
    handler, so that the inbox has the report in it."""
    steps: list[tuple[str, str, dict[str, Any]]] = [
        ("registrar", "forward", {"unit": w.housing.pk, "assisting": [w.labour.pk]}),
        ("housing_handler", "accept", {}),
        ("housing_handler", "submit_opinion", opinion()),
        ("housing_leader", "approve_opinion", {}),
    ]
    for who, action, data in steps:
        if case_channel == "api":
            _api_post(_token(who), f"/matters/{m.pk}/actions/{action}", {"data": data})
        else:
            _act(w.users[who], m, action, data)
    due = (timezone.localdate() + timedelta(days=10)).isoformat()
    data = {"demand": "请核实后书面回复", "reply_due": due}
    if case_channel == "api":
        body = {"reason": "督办", "data": data}
        _api_post(_token("supervisor"), f"/matters/{m.pk}/actions/supervise", body)
    else:
        _act(w.users["supervisor"], m, "supervise", {**data, "reason": "督办"})


def _build(channel: str, tmp: Path) -> Case:
    w = build_world()
    _extra_users(w)
    if channel == "portal":
        m, secret = _via_portal(w)
    elif channel == "staff_form":
        m, secret = _via_staff_form(w)
    elif channel == "api":
        m, secret = _via_api(w)
    else:
        m, secret = _via_import(w, tmp)
    _route(channel, w, m)
    sweep()  # the daily job: return visits for answered matters, alerts
    m.refresh_from_db()
    tokens = {u: _token(u) for u in USERS}
    return Case(
        channel=channel,
        w=w,
        pk=m.pk,
        receipt_no=m.receipt_no,
        secret=secret,
        attachment_id=m.attachments.get().pk,
        notices=list(m.notices.order_by("pk").values_list("pk", flat=True)),
        tokens=tokens,
    )


@pytest.fixture(scope="module", params=CHANNELS)
def case(
    request: pytest.FixtureRequest,
    django_db_setup: None,
    django_db_blocker: Any,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Case]:
    from xinfang.search import services as search_services

    tmp = tmp_path_factory.mktemp(f"art30-{request.param}")
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=tmp / "media", DATA_DIR=tmp, PASSWORD_HASHERS=hashers),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setattr(search_services, "FOLD", 10**9)  # as tests/conftest.py: no term fold
        calendar.invalidate()
        cache.clear()
        with transaction.atomic():
            yield _build(request.param, tmp)
            transaction.set_rollback(True)
        calendar.invalidate()
        cache.clear()


# --- reading outputs ------------------------------------------------------------------

_TEXTS: dict[tuple[str, str], str] = {}


def _bytes(r: Any) -> bytes:
    return b"".join(r.streaming_content) if getattr(r, "streaming", False) else r.content


def text_of(r: Any) -> str:
    """Everything a reader gets from a response, as text: PDF text (pypdf), DOCX text
    (python-docx: paragraphs, tables, headers, footers), every cell of a workbook, JSON
    with its escapes undone, HTML with its entities undone. Documents are read once per
    distinct content (a notice's copy is the same bytes for every reader of that copy)."""
    data = _bytes(r)
    ctype = r.get("Content-Type", "")
    key = (ctype, hashlib.sha256(data).hexdigest())
    if key not in _TEXTS:
        _TEXTS[key] = _extract(data, ctype)
    return _TEXTS[key]


def _extract(data: bytes, ctype: str) -> str:
    if "pdf" in ctype:
        from pypdf import PdfReader

        try:
            pages = PdfReader(io.BytesIO(data)).pages
            return "".join(p.extract_text() or "" for p in pages).replace("\n", "")
        except Exception:  # a stored attachment rather than a rendered document
            return data.decode("latin-1")
    if "wordprocessingml" in ctype:
        from docx import Document

        doc = Document(io.BytesIO(data))
        parts = [p.text for p in doc.paragraphs]
        parts += [c.text for t in doc.tables for row in t.rows for c in row.cells]
        for s in doc.sections:
            parts += [p.text for p in (*s.header.paragraphs, *s.footer.paragraphs)]
        return "\n".join(parts)
    if "spreadsheetml" in ctype:
        wb = load_workbook(io.BytesIO(data))
        return "\n".join(
            str(c) for ws in wb.worksheets for row in ws.iter_rows(values_only=True) for c in row
        )
    raw = data.decode("utf-8", errors="replace")
    if "json" in ctype:
        try:
            return json.dumps(json.loads(raw), ensure_ascii=False)
        except ValueError:
            return raw
    return html.unescape(raw)


def identity_in(text: str) -> list[str]:
    """The reporter's clear values (and the materials' content) found in ``text``."""
    found = [label for label, value in CLEAR.items() if value in text]
    if "phone" not in found and PHONE_SPLIT.search(text):
        found.append("phone")
    if MATERIAL in text:
        found.append("attachment content")
    return found


def traces_in(text: str, case: Case) -> list[str]:
    """Anything that shows the matter exists: identity, materials, receipt number, title."""
    found = identity_in(text)
    for label, value in (
        ("receipt number", case.receipt_no),
        ("title", TITLE),
        ("attachment name", ATTACHMENT),
    ):
        if value in text:
            found.append(label)
    return found


def _without(text: str, echo: str) -> str:
    return text.replace(echo, "") if echo else text


class Viewer:
    """One staff user of one case: a signed-in browser, an API token, and the problems
    found so far (every output of a test is read before the test fails, so a failure
    lists every leak of that row)."""

    def __init__(self, case: Case, username: str) -> None:
        self.case = case
        self.username = username
        self.kind, self.label = USERS[username]
        self.user = case.w.users[username]
        self.problems: list[str] = []
        self._client: Client | None = None

    @property
    def hidden(self) -> bool:
        """The accused side and those without a need to know."""
        return self.kind in HIDDEN_FROM

    @property
    def web(self) -> Client:
        if self._client is None:
            self._client = _web(self.user)
        return self._client

    def get(self, url: str, **params: Any) -> Any:
        return self.web.get(url, params)

    def api_get(self, path: str, **params: Any) -> Any:
        return browser().get(f"/api/v1{path}", params, **_api(self.case.tokens[self.username]))

    def api_post(self, path: str, body: dict[str, Any]) -> Any:
        return browser().post(
            f"/api/v1{path}",
            body,
            content_type="application/json",
            **_api(self.case.tokens[self.username]),
        )

    # --- checks: each records a problem and goes on -----------------------------------

    def expect(self, ok: bool, output: str, problem: str) -> bool:
        if not ok:
            self.problems.append(f"{output}: {problem}")
        return ok

    def status(self, output: str, r: Any, *codes: int) -> bool:
        return self.expect(r.status_code in codes, output, f"HTTP {r.status_code}, not {codes}")

    def not_found(self, output: str, r: Any) -> None:
        """The matter is not visible: a 404 that says nothing about it."""
        self.expect(r.status_code == 404, output, f"HTTP {r.status_code}, not 404")
        leaked = traces_in(text_of(r), self.case)
        self.expect(not leaked, output, f"HTTP {r.status_code} shows {', '.join(leaked)}")

    def no_trace(self, output: str, r: Any, *, echo: str = "") -> None:
        """A list, search, count or export without the matter in it. ``echo``: the query
        the user typed, which the page repeats (only the rest is looked at)."""
        leaked = traces_in(_without(text_of(r), echo), self.case)
        self.expect(not leaked, output, f"HTTP {r.status_code} shows {', '.join(leaked)}")

    def only_masks(self, output: str, r: Any, *, echo: str = "", materials: bool = False) -> None:
        """No clear value of the reporter (masks are fine); ``materials``: nor the name of
        the attachment (where the matter page hides the materials from this reader)."""
        text = _without(text_of(r), echo)
        leaked = identity_in(text)
        if materials and ATTACHMENT in text:
            leaked.append("attachment name")
        self.expect(not leaked, output, f"HTTP {r.status_code} shows {', '.join(leaked)}")

    def verdict(self) -> None:
        if self.problems:
            head = f"{self.username} ({self.kind}: {self.label}), {self.case.channel} channel"
            raise AssertionError("\n  ".join([head, *self.problems]))


@pytest.fixture
def viewer(case: Case, who: str) -> Viewer:
    cache.clear()  # throttles and cached scopes start empty for every reader
    return Viewer(case, who)


def _count(r: Any) -> int:
    found = re.search(r"(\d+)\+?", re.sub(r"<[^>]+>", " ", r.content.decode()))
    assert found, r.content[:500]
    return int(found[1])


# --- the channel itself ---------------------------------------------------------------


def test_the_report_is_entered_and_routed_as_staff_would(case: Case) -> None:
    """The setting every row below relies on (a precondition, not a finding)."""
    w, m = case.w, case.matter()
    assert m.category == Category.REPORT and m.confidential
    assert m.accused_unit_id == w.town.pk and m.registered_unit_id == w.office.pk
    assert m.lead_unit_id == w.housing.pk and m.status == Status.ANSWERED
    assert MatterUnit.objects.filter(
        matter=m, unit=w.labour, role=MatterUnit.ASSIST, active=True
    ).exists()
    p = m.petitioners.get()
    assert (p.name, p.phone, p.address) == (NAME, PHONE, ADDRESS)
    assert p.id_number == (ID_NUMBER if case.carries_id else "")
    assert m.attachments.get().name == ATTACHMENT
    kinds = list(m.notices.order_by("pk").values_list("event__action", flat=True))
    assert kinds == ["forward", "accept", "approve_opinion"], kinds


def test_the_reporter_alone_opens_the_portal_page(case: Case) -> None:
    if case.secret is None:
        pytest.skip("the Excel import hands the reporter no receipt secret")
    reporter = browser()
    r = reporter.post("/portal/track/", {"receipt_no": case.receipt_no, "secret": case.secret})
    assert r.status_code == 302
    page = reporter.get(f"/portal/m/{case.receipt_no}/")
    assert page.status_code == 200 and case.receipt_no in page.content.decode()
    for pk in case.notices:
        assert reporter.get(f"/portal/notices/{pk}.pdf").status_code == 200
    # a wrong secret opens nothing and says nothing
    stranger = browser()
    r = stranger.post("/portal/track/", {"receipt_no": case.receipt_no, "secret": "AAAA-BBBB-CCCC"})
    assert r.status_code == 404 and not identity_in(text_of(r))
    assert stranger.get(f"/portal/m/{case.receipt_no}/").status_code == 404


# --- the matrix: outputs × users ------------------------------------------------------


@pytest.mark.parametrize("who", WHO)
def test_matter_page(viewer: Viewer, case: Case) -> None:
    out = f"GET /matters/{case.pk}/"
    r = viewer.get(f"/matters/{case.pk}/")
    if viewer.hidden:
        viewer.not_found(out, r)
    elif viewer.status(out, r, 200):
        text = text_of(r)
        if viewer.kind == ENTITLED:
            shown = [NAME, ADDRESS, mask_phone(PHONE), ATTACHMENT]
            if case.carries_id:
                shown.append(mask_id(ID_NUMBER))
            missing = [v for v in shown if v not in text]
            viewer.expect(not missing, out, f"the entitled reader misses {missing}")
            clear = [v for v in (PHONE, ID_NUMBER) if v in text]
            viewer.expect(not clear, out, f"full numbers before 'reveal': {clear}")
        else:
            viewer.only_masks(out, r, materials=True)
            viewer.expect(HIDDEN in text, out, "no mask shown")
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_reveal(viewer: Viewer, case: Case) -> None:
    out = f"POST /matters/{case.pk}/reveal/"
    r = viewer.web.post(
        f"/matters/{case.pk}/reveal/", {"purpose": "serve"}, follow=viewer.kind == ENTITLED
    )
    if viewer.kind != ENTITLED:
        viewer.not_found(out, r)
    elif viewer.status(out, r, 200):
        text = text_of(r)
        viewer.expect(PHONE in text, out, "the full phone is not shown")
        viewer.expect((ID_NUMBER in text) is case.carries_id, out, "the ID number")
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_attachment_download(viewer: Viewer, case: Case) -> None:
    out = f"GET /matters/{case.pk}/files/{case.attachment_id}/"
    r = viewer.get(f"/matters/{case.pk}/files/{case.attachment_id}/")
    if viewer.kind != ENTITLED:
        viewer.not_found(out, r)
    elif viewer.status(out, r, 200):
        viewer.expect(_bytes(r) == ATTACHMENT_BYTES, out, "not the file uploaded")
    viewer.verdict()


@pytest.mark.parametrize("fmt", ["pdf", "docx"])
@pytest.mark.parametrize("who", WHO)
def test_notices(viewer: Viewer, case: Case, fmt: str) -> None:
    """The 转送告知书, the 受理告知书 and the 处理意见书 of the report."""
    for pk in case.notices:
        out = f"GET /notices/{pk}.{fmt}"
        r = viewer.get(f"/notices/{pk}.{fmt}")
        if viewer.hidden:
            viewer.not_found(out, r)
        elif viewer.status(out, r, 200):
            text = text_of(r)
            viewer.expect(case.receipt_no in text, out, "unreadable notice")
            if viewer.kind == ENTITLED:
                viewer.expect(NAME in text, out, "the entitled reader's copy lacks the name")
            else:
                viewer.only_masks(out, r)
                viewer.expect(HIDDEN in text, out, "no mask shown")
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_queue_and_lists(viewer: Viewer, case: Case) -> None:
    """我的待办 with its filters and search box, the inbox, return visits, 回头看."""
    for params in ({}, {"q": case.receipt_no}, {"category": "report"}):
        out = "GET /?view=open" + (f"&{next(iter(params))}=…" if params else "")
        r = viewer.get("/", view="open", **params)
        if not viewer.status(out, r, 200):
            continue
        if viewer.hidden:
            viewer.no_trace(out, r, echo=params.get("q", ""))
        else:
            viewer.only_masks(out, r)
            viewer.expect(case.receipt_no in text_of(r), out, "the report is missing")
    roles = {m.role for m in viewer.user.memberships.all()}
    listed = {  # where the report must be listed (the checks below are not vacuous)
        "/supervision/inbox/": viewer.username == "housing_handler",  # the 督办
        "/supervision/visits/": bool(roles & {Role.REGISTRAR, Role.SUPERVISOR}),  # 回访
        "/supervision/followups/": False,
    }
    for url, expected in listed.items():
        r = viewer.get(url)
        if viewer.hidden:
            viewer.no_trace(f"GET {url}", r)
        else:
            viewer.only_masks(f"GET {url}", r)
            if expected:
                found = case.receipt_no in text_of(r)
                viewer.expect(found, f"GET {url}", "the report is missing")
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_petitioner_search(viewer: Viewer, case: Case) -> None:
    """The intake lookup of a petitioner's earlier matters: only those who may see the
    reporter find the report by the reporter's phone, name or ID number."""
    for q in (PHONE, NAME, ID_NUMBER):
        out = f"GET /petitioners/?q={q}"
        r = viewer.get("/petitioners/", q=q)
        if viewer.kind == ENTITLED:
            found = case.receipt_no in text_of(r)
            expect = q != ID_NUMBER or case.carries_id
            viewer.expect(found is expect, out, f"found={found}, expected {expect}")
        else:
            viewer.no_trace(out, r, echo=q)
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_search(viewer: Viewer, case: Case) -> None:
    """Full-text search and its count: the report's words find it for those who see it;
    the reporter's name or phone find it only for the entitled."""
    words = TITLE[:5]
    out = f"GET /search/?q={words}"
    r = viewer.get("/search/", q=words)
    if viewer.hidden:
        viewer.no_trace(out, r, echo=words)
    else:
        viewer.only_masks(out, r)
        viewer.expect(case.receipt_no in text_of(r), out, "no hit")
    for q in (NAME, PHONE):
        r = viewer.get("/search/", q=q)
        if viewer.kind != ENTITLED:
            viewer.no_trace(f"GET /search/?q={q}", r, echo=q)
    for q, counted in ((words, not viewer.hidden), (NAME, viewer.kind == ENTITLED)):
        r = viewer.get("/search/count/", q=q)
        n = _count(r) if r.status_code == 200 else 0
        if not counted:
            viewer.expect(n == 0, f"GET /search/count/?q={q}", f"counts {n}")
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_similar_matters(viewer: Viewer, case: Case) -> None:
    """The registration form's same-matter panel and ``POST /api/v1/matters/similar``: the
    same text finds the report for those who see it; the reporter's name, phone and ID
    number with an unrelated text find it only for those who may see the reporter."""
    w = case.w
    unrelated = {"title": "小区路灯损坏", "content": "请修复小区路灯"}
    web = {
        "same text": {"title": TITLE, "content": CONTENT, "facts": FACTS},
        "same reporter": {
            **unrelated,
            "p0_name": NAME,
            "p0_phone": PHONE,
            "p0_id": ID_NUMBER,
            "area": w.town.pk,
            "topic": w.topic.pk,
        },
    }
    api = {
        "same text": {"title": TITLE, "text": f"{CONTENT}\n{FACTS}"},
        "same reporter": {
            "title": unrelated["title"],
            "text": unrelated["content"],
            "petitioners": [{"name": NAME, "phone": PHONE, "id_number": ID_NUMBER}],
            "area": w.town.pk,
        },
    }
    for label in ("same text", "same reporter"):
        responses = {
            f"POST /search/similar/ ({label})": viewer.web.post("/search/similar/", web[label]),
            f"API POST /matters/similar ({label})": viewer.api_post("/matters/similar", api[label]),
        }
        for out, r in responses.items():
            if viewer.hidden or (label == "same reporter" and viewer.kind == MASKED):
                viewer.no_trace(out, r)
            else:
                viewer.only_masks(out, r)
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_api_matter_detail(viewer: Viewer, case: Case) -> None:
    out = f"API GET /matters/{case.pk}"
    r = viewer.api_get(f"/matters/{case.pk}")
    if viewer.hidden:
        viewer.not_found(out, r)
    elif viewer.status(out, r, 200):
        people = r.json()["petitioners"]
        if viewer.kind == ENTITLED:
            shown = [{"name": NAME, "phone": mask_phone(PHONE), "address": ADDRESS}]
            got = [{k: p[k] for k in ("name", "phone", "address")} for p in people]
            viewer.expect(got == shown, out, f"petitioners {got}")
            text = text_of(r)
            viewer.expect(PHONE not in text and ID_NUMBER not in text, out, "full numbers")
        else:
            viewer.only_masks(out, r, materials=True)
            viewer.expect(all(p["name"] == HIDDEN for p in people), out, f"petitioners {people}")
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_api_lists_and_search(viewer: Viewer, case: Case) -> None:
    for path, params in (
        ("/matters", {}),
        ("/matters", {"category": "report"}),
        ("/search", {"q": TITLE[:5]}),
    ):
        out = f"API GET {path}" + (f"?{next(iter(params))}=…" if params else "")
        r = viewer.api_get(path, **params)
        if viewer.hidden:
            viewer.no_trace(out, r, echo=params.get("q", ""))
        else:
            viewer.only_masks(out, r)
            viewer.expect(case.receipt_no in text_of(r), out, "the report is missing")
    for q in (NAME, PHONE):
        r = viewer.api_get("/search", q=q)
        if viewer.kind != ENTITLED:
            viewer.no_trace(f"API GET /search?q={q}", r, echo=q)
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_action_responses(viewer: Viewer, case: Case) -> None:
    """An internal note through the API and through the page's form: the API answers with
    the matter as the caller may see it (or a refusal that says nothing); the accused side
    cannot act on it at all."""
    out = f"API POST /matters/{case.pk}/actions/add_note"
    before = case.matter().version
    r = viewer.api_post(f"/matters/{case.pk}/actions/add_note", {"reason": NOTE})
    if viewer.hidden:
        viewer.not_found(out, r)
    elif viewer.status(out, r, 200, 403):
        if viewer.kind == ENTITLED:
            d = r.json()
            viewer.expect(r.status_code == 200, out, f"refused: {d}")
            viewer.expect(d.get("petitioners", [{}])[0].get("name") == NAME, out, "no name")
            viewer.expect(PHONE not in text_of(r), out, "the full phone")
        else:
            viewer.only_masks(out, r, materials=True)
    out = f"POST /matters/{case.pk}/act/add_note/"
    r = viewer.web.post(f"/matters/{case.pk}/act/add_note/", {"reason": NOTE})
    if viewer.hidden:
        viewer.not_found(out, r)
        changed = case.matter().version != before
        viewer.expect(not changed, "API and page add_note", "the matter was changed")
    else:
        viewer.status(out, r, 302)
    viewer.verdict()


def _counts(data: bytes) -> list[str]:
    """The rows of a workbook that count something."""
    wb = load_workbook(io.BytesIO(data))
    out = []
    for ws in wb.worksheets:
        for row in ws.iter_rows(values_only=True):
            if any(isinstance(c, int | float) and not isinstance(c, bool) and c for c in row):
                out.append(f"{ws.title}: {' | '.join(str(c) for c in row if c is not None)}")
    return out


@pytest.mark.parametrize("who", WHO)
def test_reports_and_exports(viewer: Viewer, case: Case) -> None:
    """The dashboard and the monthly workbook: never a reporter; for the accused side not
    even the report counted (in this world it is the only matter there is)."""
    roles = {m.role for m in viewer.user.memberships.all()}
    may = bool(roles & {Role.SUPERVISOR, Role.LEADER, Role.AUDITOR})
    for url in ("/reports/", "/reports/monthly.xlsx"):
        out = f"GET {url}"
        r = viewer.get(url)
        if not may:
            viewer.status(out, r, 404)
        elif viewer.status(out, r, 200):
            if viewer.hidden:
                viewer.no_trace(out, r)
                if url.endswith(".xlsx"):
                    counted = _counts(_bytes(r))
                    viewer.expect(not counted, out, f"counts the report: {counted}")
            else:
                viewer.only_masks(out, r, materials=True)
                if url.endswith(".xlsx"):  # the check above is not vacuous
                    counted = _counts(_bytes(r))
                    viewer.expect(bool(counted), out, "the report is not counted")
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_django_admin(viewer: Viewer, case: Case) -> None:
    """The admin site: matters and petitioners are not there; what is there (notices, the
    access log) never shows who reported, nor the materials."""
    urls = [
        "/admin/",
        "/admin/cases/matter/",
        f"/admin/cases/matter/{case.pk}/change/",
        "/admin/cases/petitioner/",
        "/admin/cases/attachment/",
        "/admin/cases/event/",
        "/admin/audit/accesslog/",
        "/admin/notices/notice/",
        f"/admin/notices/notice/?q={case.receipt_no}",
        *[f"/admin/notices/notice/{pk}/change/" for pk in case.notices],
    ]
    if not viewer.user.is_staff:  # only the admin sign-in, whatever the page
        urls = ["/admin/", f"/admin/notices/notice/{case.notices[0]}/change/"]
    for url in urls:
        out = f"GET {url}"
        r = viewer.get(url)
        if not viewer.user.is_staff:
            viewer.expect(
                r.status_code == 302 and "/admin/login/" in r["Location"],
                out,
                f"HTTP {r.status_code}, not the admin sign-in",
            )
        elif viewer.status(out, r, 200, 404):
            viewer.only_masks(out, r, materials=True)
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_audit_views(viewer: Viewer, case: Case) -> None:
    """The access log once the entitled have read, unmasked, downloaded and looked the
    reporter up: the auditor sees who read which matter, never whom it is about; nobody
    else reaches it."""
    if viewer.username == "auditor":
        reg = _web(case.w.registrar)
        reg.get(f"/matters/{case.pk}/")
        reg.post(f"/matters/{case.pk}/reveal/", {"purpose": "serve"})
        reg.get(f"/matters/{case.pk}/files/{case.attachment_id}/")
        reg.get(f"/notices/{case.notices[0]}.pdf")
        reg.get("/petitioners/", {"q": PHONE})
        browser().get(f"/api/v1/matters/{case.pk}", **_api(case.tokens["housing_handler"]))
    for url in ("/audit/access/", f"/audit/access/?receipt={case.receipt_no}"):
        out = f"GET {url}"
        r = viewer.get(url)
        if viewer.username != "auditor":
            viewer.status(out, r, 404)
        elif viewer.status(out, r, 200):
            viewer.expect(case.receipt_no in text_of(r), out, "the reads are not listed")
            viewer.only_masks(out, r)
    viewer.verdict()


@pytest.mark.parametrize("who", WHO)
def test_portal_is_closed_to_staff(viewer: Viewer, case: Case) -> None:
    """Only the reporter reaches the portal page, with the receipt number and secret; a
    staff session that knows the receipt number gets nothing."""
    c = viewer.web
    viewer.not_found("GET portal page", c.get(f"/portal/m/{case.receipt_no}/"))
    pk = case.notices[-1]  # the 处理意见书
    viewer.not_found(f"GET /portal/notices/{pk}.pdf", c.get(f"/portal/notices/{pk}.pdf"))
    out = "POST /portal/track/ (wrong secret)"
    r = c.post("/portal/track/", {"receipt_no": case.receipt_no, "secret": "AAAA-BBBB-CCCC"})
    viewer.status(out, r, 404)
    viewer.only_masks(out, r, materials=True)
    viewer.verdict()
