"""Notice numbers as an office numbers its documents (GB/T 9704-2012 §7.2.4: 发文字号 is the
organ's code, the year in 〔〕 and a serial), and who issues which notice when a matter is
forwarded: the forwarding office a 转送告知书 (XFGZ Art. 22), the receiving organ its own
受理告知书 once it accepts (XFGZ Art. 23)."""

from __future__ import annotations

import io
import re
from datetime import datetime, timedelta

import pytest
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from xinfang.actions.workflow import transition
from xinfang.notices.models import NoticeKind
from xinfang.notices.render import render_docx, render_pdf

from ..factories import World, answered, handled, register

NUMBER = re.compile(r"^(?P<code>\S+?)〔(?P<year>\d{4})〕(?P<serial>\d+)号$")


@pytest.fixture(autouse=True)
def _notice_cache(settings, tmp_path):
    settings.DATA_DIR = tmp_path


def serial(number: str) -> tuple[str, int, int]:
    m = NUMBER.match(number)
    assert m, f"not a document number: {number}"
    return m["code"], int(m["year"]), int(m["serial"])


def forwarded(w: World, at: datetime | None = None):  # type: ignore[no-untyped-def]
    m = register(w, at=at)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=at)
    return m


def test_forwarding_issues_a_forwarding_notice_naming_the_receiving_organ(world: World) -> None:
    m = forwarded(world)
    n = m.notices.get()
    assert n.kind == NoticeKind.FORWARDED and n.title == "转送告知书"
    assert n.organ == world.office
    text = "".join(n.context["paragraphs"])
    assert "第二十二条" in text and "青山县城关镇人民政府" in text and "转送" in text
    # the office does not accept on the receiving organ's behalf
    assert "决定受理" not in text


def test_the_accepting_organ_issues_its_own_receipt(world: World) -> None:
    m = handled(world)
    kinds = [(n.kind, n.organ_id) for n in m.notices.order_by("issued_at", "id")]
    assert kinds == [
        (NoticeKind.FORWARDED, world.office.pk),
        (NoticeKind.RECEIPT, world.town.pk),
    ]
    receipt = m.notices.get(kind=NoticeKind.RECEIPT)
    text = "".join(receipt.context["paragraphs"])
    assert "决定受理" in text and "第二十三条" in text


def test_assignment_is_a_notice_of_assignment(world: World) -> None:
    m = register(world)
    due = (timezone.localdate() + timedelta(days=30)).isoformat()
    transition(m, "assign", actor=world.registrar, data={"unit": world.town.pk, "due_on": due})
    n = m.notices.get()
    assert n.kind == NoticeKind.FORWARDED and n.title == "交办告知书"
    assert "交办" in "".join(n.context["paragraphs"])


def test_numbers_run_per_organ_year_and_kind(world: World) -> None:
    w = world
    first, second = forwarded(w), forwarded(w)
    a, b = first.notices.get(), second.notices.get()
    code_a, year_a, n_a = serial(a.number)
    code_b, year_b, n_b = serial(b.number)
    assert code_a == code_b and year_a == year_b == timezone.localdate().year
    assert n_b == n_a + 1, "consecutive forwardings by one office number consecutively"
    assert "转" in code_a  # the kind's code

    # another kind of notice by the same organ has its own series, starting at 1
    redirected = register(w)
    transition(
        redirected,
        "redirect",
        actor=w.registrar,
        reason="属于民事纠纷",
        data={"channel": "litigation", "organ": "青山县人民法院"},
    )
    code_r, _, n_r = serial(redirected.notices.get().number)
    assert code_r != code_a and n_r == 1

    # the receiving organ numbers its receipts in its own series
    transition(first, "accept", actor=w.handler)
    transition(second, "accept", actor=w.handler)
    receipts = [m.notices.get(kind=NoticeKind.RECEIPT).number for m in (first, second)]
    assert [serial(r)[2] for r in receipts] == [1, 2]
    assert serial(receipts[0])[0] != code_a


def test_a_new_year_starts_a_new_series(world: World) -> None:
    last_year = timezone.now() - timedelta(days=370)
    old = forwarded(world, at=last_year)
    new = forwarded(world)
    _, y_old, n_old = serial(old.notices.get().number)
    _, y_new, n_new = serial(new.notices.get().number)
    assert (y_old, n_old) == (last_year.year, 1)
    assert (y_new, n_new) == (timezone.localdate().year, 1)


def test_opinion_numbers_are_per_organ(world: World) -> None:
    a, b = answered(world), answered(world)
    numbers = [m.notices.get(kind=NoticeKind.OPINION).number for m in (a, b)]
    assert [serial(x)[2] for x in numbers] == [1, 2]
    assert all("-" not in x for x in numbers), "no database ids in a document number"


def test_official_layout_pdf_has_red_head_number_and_page_numbers(world: World) -> None:
    m = answered(world)
    n = m.notices.get(kind=NoticeKind.OPINION)
    data = render_pdf(n)
    reader = PdfReader(io.BytesIO(data))
    text = "".join(p.extract_text() for p in reader.pages).replace("\n", "")
    assert n.number in text
    assert "— 1 —" in text, "GB/T 9704 page number"
    assert text.index("青山县城关镇人民政府") < text.index("信访事项处理意见书"), "the red head"
    # the red of the head (1 0 0 rg) is drawn
    raw = b"".join(p.get_contents().get_data() for p in reader.pages)
    assert b"1 0 0 rg" in raw


def test_official_layout_docx_has_red_head_and_margins(world: World) -> None:
    m = answered(world)
    n = m.notices.get(kind=NoticeKind.OPINION)
    doc = Document(io.BytesIO(render_docx(n)))
    head = doc.paragraphs[0]
    assert head.text == "青山县城关镇人民政府"
    assert str(head.runs[0].font.color.rgb) == "FF0000"
    section = doc.sections[0]
    assert round(section.top_margin.mm) == 37 and round(section.left_margin.mm) == 28
    footer_xml = section.footer._element.xml
    assert "PAGE" in footer_xml, "a page number field in the footer"


def test_plain_layout_still_available(world: World, settings) -> None:  # type: ignore[no-untyped-def]
    settings.XINFANG = {**settings.XINFANG, "NOTICE_LAYOUT": "plain"}
    m = answered(world)
    n = m.notices.get(kind=NoticeKind.OPINION)
    doc = Document(io.BytesIO(render_docx(n)))
    assert doc.paragraphs[0].text == "信访事项处理意见书"
    assert render_pdf(n).startswith(b"%PDF")
