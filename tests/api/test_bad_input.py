"""Bad input gets a clear 4xx in the user's language and writes nothing (issue 25, #8 and
the Low findings): naive times, lone surrogates, control characters, huge integers,
head-counts below 1, year-1 dates, very long texts, a ZIP that is not a DOCX, and the
report and hot-spot parameters."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from xinfang.actions.registration import check_file
from xinfang.cases.models import Attachment, Event, Matter
from xinfang.core.errors import UserError

from ..factories import World, register
from .test_api import Api, body

BIG = 2**63 + 5


def _counts() -> tuple[int, int]:
    return Matter.objects.count(), Event.objects.count()


def _refused(r, status: int = 422) -> dict:
    assert r.status_code == status, r.content
    d = r.json()
    assert d["code"] and d["message"] and d["message_en"]
    # Chinese first: the message carries at least one CJK character
    assert any("\u4e00" <= ch <= "\u9fff" for ch in d["message"]), d["message"]
    return d


def _raw_post(api: Api, path: str, raw: str):
    return api.c.post(f"/api/v1{path}", raw, content_type="application/json", **api.h)


@pytest.mark.parametrize(
    "change",
    [
        {"received_at": "2026-11-20T09:00:00"},  # no timezone
        {"received_at": "0001-01-01T00:00:00+08:00"},  # year 1
        {"headcount": 0, "is_collective": True},
        {"headcount": -1},
        {"headcount": BIG},
        {"unit": BIG},
        {"area": BIG},
        {"accused_unit": BIG},
        {"unit": -1},
        {"content": "长" * 2_000_000},
        {"facts": "长" * 2_000_000},
        {"title": "漏水\x01"},
        {"content": "漏水\x00"},
        {"petitioners": [{"name": "王五\x07", "phone": "13900002222"}]},
        {"petitioners": [{"name": "王五", "address": "城" * 100_000}]},
    ],
    ids=lambda c: ",".join(c)[:40],
)
def test_bad_registration_is_refused_and_writes_nothing(world: World, change: dict) -> None:
    before = _counts()
    r = Api(world.registrar).post("/matters", body(world, **change))
    assert 400 <= r.status_code < 500, r.content
    _refused(r, r.status_code)
    assert _counts() == before


def test_naive_received_at_names_the_field(world: World) -> None:
    r = Api(world.registrar).post("/matters", body(world, received_at="2026-11-20T09:00:00"))
    d = _refused(r, 400)
    assert d["field"] == "received_at"


@pytest.mark.parametrize(
    "raw",
    [
        '"\\ud800"',  # a lone high surrogate
        '"\\udfff x"',  # a lone low surrogate
        '"ok\\u0000"',  # NUL: PostgreSQL cannot store it
    ],
)
def test_lone_surrogates_and_nul_in_json_are_refused(world: World, raw: str) -> None:
    before = _counts()
    api = Api(world.registrar)
    payload = json.dumps(body(world, title="TITLE")).replace('"TITLE"', raw)
    d = _refused(_raw_post(api, "/matters", payload), 400)
    assert d["code"] == "bad_text"
    assert _counts() == before
    m = register(world)
    v = m.version
    act = json.dumps({"reason": "REASON", "data": {}}).replace('"REASON"', raw)
    _refused(_raw_post(api, f"/matters/{m.pk}/actions/forward", act), 400)
    m.refresh_from_db()
    assert m.version == v


def test_huge_ids_in_paths_and_queries(world: World) -> None:
    api = Api(world.registrar)
    assert api.get(f"/matters/{BIG}").status_code in (404, 422)
    r = api.get("/matters", unit=BIG)
    assert r.status_code in (200, 422), r.content
    m = register(world)
    r = api.post(f"/matters/{m.pk}/actions/forward", {"data": {}, "expected_version": BIG})
    assert 400 <= r.status_code < 500, r.content
    r = api.post("/matters/similar", {"text": "拖欠工资", "exclude_id": BIG, "topic": BIG})
    assert r.status_code in (200, 422), r.content


def test_headcount_below_one_refused_in_the_service(world: World) -> None:
    for n in (0, -1):
        with pytest.raises(UserError) as e:
            register(world, headcount=n)
        assert e.value.field == "headcount"


def test_long_text_refused_in_the_service(world: World) -> None:
    with pytest.raises(UserError) as e:
        register(world, content="长" * 2_000_000)
    assert e.value.field == "content"


def _zip(names: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n, data in names.items():
            z.writestr(n, data)
    return buf.getvalue()


def test_a_zip_that_is_not_a_docx_is_refused(world: World) -> None:
    f = SimpleUploadedFile("材料.docx", _zip({"index.html": b"<script>1</script>"}))
    with pytest.raises(UserError) as e:
        check_file(f)
    assert e.value.code == "file_type"
    before = (*_counts(), Attachment.objects.count())
    with pytest.raises(UserError):
        register(world, attachments=[f])
    assert (*_counts(), Attachment.objects.count()) == before


def test_a_real_docx_is_stored_under_a_docx_name(world: World) -> None:
    import docx

    buf = io.BytesIO()
    docx.Document().save(buf)
    f = SimpleUploadedFile("材料.html", buf.getvalue())
    ctype, name = check_file(f)
    assert ctype.endswith("wordprocessingml.document")
    assert name.endswith(".docx")
    pdf = SimpleUploadedFile("page.html", b"%PDF-1.4 x")
    assert check_file(pdf)[1] == "page.pdf"
    m = register(world, attachments=[SimpleUploadedFile("x.html", buf.getvalue())])
    a = Attachment.objects.get(matter=m)
    assert a.name == "x.docx"


# --- web pages ------------------------------------------------------------------------


@pytest.mark.parametrize("month", ["abc", "13", "0", "-1", str(BIG), "١"])
def test_monthly_report_with_a_bad_month_is_a_400(world: World, month: str) -> None:
    c = Client()
    c.force_login(world.supervisor)
    r = c.get("/reports/monthly.xlsx", {"month": month})
    assert r.status_code == 400, r.status_code
    assert "月份" in r.content.decode()


@pytest.mark.parametrize(
    "start,end",
    [
        ("0001-01-01", "9999-12-31"),
        ("0001-01-01", "0001-01-02"),
        ("9999-12-30", "9999-12-31"),
        ("2020-01-01", "2026-01-01"),  # more than a year at once
    ],
)
def test_hotspots_with_an_absurd_period_is_a_400(world: World, start: str, end: str) -> None:
    c = Client()
    c.force_login(world.supervisor)
    r = c.get("/search/hotspots/", {"start": start, "end": end})
    assert r.status_code == 400, r.status_code
