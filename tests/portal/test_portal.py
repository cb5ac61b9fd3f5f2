"""The citizen portal: submission, lookup, privacy of internal data, rating, appeals."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.test import Client
from django.utils import timezone

from xinfang.cases.models import Event, Matter
from xinfang.cases.workflow import transition
from xinfang.portal.notify import ConsoleNotifier
from xinfang.reception.models import Booking, ReceptionDay

from ..factories import World, opinion, register

TZ = ZoneInfo("Asia/Shanghai")


def form(w: World, **kw) -> dict:
    d = {
        "organ": w.office.pk,
        "category": "claim",
        "topic": w.topic.pk,
        "area": w.town.pk,
        "title": "小区路灯损坏",
        "content": "请修复小区路灯",
        "facts": "已坏三个月",
        "name": "赵六",
        "phone": "13700001111",
        "address": "城关镇",
        "headcount": "1",
    }
    d.update(kw)
    return d


def submit(c: Client, w: World, **kw):
    return c.post("/portal/submit/", {**form(w, **kw), "step": "submit"})


def secret_of(html: str) -> tuple[str, str]:
    nums = re.findall(r'class="big">([^<]+)<', html)
    return nums[0], nums[1]


def test_submit_confirm_and_receipt(world: World, django_capture_on_commit_callbacks) -> None:
    c = Client()
    assert c.get("/portal/submit/").status_code == 200
    preview = c.post("/portal/submit/", {**form(world), "step": "preview"})
    assert "请核对" in preview.content.decode() and Matter.objects.count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        r = submit(c, world)
    html = r.content.decode()
    no, secret = secret_of(html)
    m = Matter.objects.get(receipt_no=no)
    assert m.channel == "online" and m.registered_unit == world.office
    assert m.petitioners.get().name == "赵六"
    assert Event.objects.get(matter=m).by_citizen
    assert ConsoleNotifier.sent[-1][0] == "13700001111" and no in ConsoleNotifier.sent[-1][1]
    assert re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", secret)


def test_bad_submission_stores_nothing_and_keeps_input(world: World) -> None:
    c = Client()
    r = submit(c, world, title="")
    assert r.status_code == 400 and "请选择受理机关" in r.content.decode()
    reps = {f"rep{i}": f"代表{i}" for i in range(1, 6)}
    r = submit(c, world, is_collective="1", headcount="30", **reps)
    assert r.status_code == 400 and "不得超过5人" in r.content.decode()
    assert 'value="小区路灯损坏"' in r.content.decode()
    assert Matter.objects.count() == 0


def test_rate_limits(world: World) -> None:
    c = Client()
    for i in range(3):
        assert submit(c, world, title=f"第{i}件").status_code == 200
    r = submit(c, world, title="第4件")  # the same phone a 4th time in an hour
    assert r.status_code == 429 and "操作过于频繁" in r.content.decode()
    assert Matter.objects.count() == 3
    for _ in range(20):
        c.post("/portal/track/", {"receipt_no": "x", "secret": "y"})
    assert c.post("/portal/track/", {"receipt_no": "x", "secret": "y"}).status_code == 429


def test_lookup_reveals_nothing_without_the_secret(world: World) -> None:
    c = Client()
    no, secret = secret_of(submit(c, world).content.decode())
    other = Client()
    wrong = other.post("/portal/track/", {"receipt_no": no, "secret": "AAAA-BBBB-CCCC"})
    unknown = other.post("/portal/track/", {"receipt_no": "nope", "secret": secret})
    assert wrong.status_code == unknown.status_code == 404

    def strip(b: bytes) -> str:
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", b.decode())

    assert strip(wrong.content) == strip(unknown.content)
    assert other.get(f"/portal/m/{no}/").status_code == 404
    ok = other.post("/portal/track/", {"receipt_no": no, "secret": secret.lower()})
    assert ok.status_code == 302 and other.get(f"/portal/m/{no}/").status_code == 200


def test_one_secret_never_opens_another_matter(world: World) -> None:
    c1, c2 = Client(), Client()
    _no1, s1 = secret_of(submit(c1, world, phone="13700000001").content.decode())
    no2, _ = secret_of(submit(c2, world, phone="13700000002").content.decode())
    assert c1.post("/portal/track/", {"receipt_no": no2, "secret": s1}).status_code == 404
    assert c1.get(f"/portal/m/{no2}/").status_code == 404


def test_internal_events_and_remarks_never_shown(world: World) -> None:
    w = world
    c = Client()
    no, _secret = secret_of(submit(c, w).content.decode())
    m = Matter.objects.get(receipt_no=no)
    transition(m, "add_note", actor=w.registrar, reason="内部备注：信访人情绪激动")
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(m, "object", actor=w.handler, reason="不属于本镇职责的内部理由")
    html = c.get(f"/portal/m/{no}/").content.decode()
    assert "内部备注" not in html and "情绪激动" not in html and "内部理由" not in html
    assert "提出异议" not in html and "registrar" not in html and "handler" not in html
    assert "转送" in html


def answered_via_portal(w: World, when: datetime) -> tuple[Client, Matter]:
    m = register(w, at=when)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk}, at=when)
    transition(m, "accept", actor=w.handler, at=when + timedelta(days=1))
    transition(m, "submit_opinion", actor=w.handler, data=opinion(), at=when + timedelta(days=5))
    m = transition(m, "approve_opinion", actor=w.leader, at=when + timedelta(days=6))
    c = Client()
    from xinfang.portal import access

    class Req:
        session = c.session

    access.grant(Req, m)
    Req.session.save()
    return c, m


def test_notices_rating_and_review(world: World) -> None:
    w = world
    c, m = answered_via_portal(w, timezone.now() - timedelta(days=7))
    html = c.get(f"/portal/m/{m.receipt_no}/").content.decode()
    assert "信访事项处理意见书" in html and "申请复查" in html
    n = m.notices.get(kind="opinion")
    assert c.get(f"/portal/notices/{n.pk}.pdf").status_code == 200
    assert Client().get(f"/portal/notices/{n.pk}.pdf").status_code == 404
    assert (
        c.post(
            f"/portal/m/{m.receipt_no}/rate/", {"rating": "unsatisfied", "comment": "不认可"}
        ).status_code
        == 302
    )
    m.refresh_from_db()
    assert m.rating == "unsatisfied"
    r = c.post(f"/portal/m/{m.receipt_no}/rate/", {"rating": "satisfied"}, follow=True)
    assert "已经评价过" in r.content.decode()
    c.post(f"/portal/m/{m.receipt_no}/review/")
    review = m.followups.get()
    assert review.lead_unit == w.county
    assert c.get(f"/portal/m/{review.receipt_no}/").status_code == 200


def test_review_window_closed_explains_dates(world: World) -> None:
    c, m = answered_via_portal(world, datetime(2026, 3, 2, 10, tzinfo=TZ))
    html = c.get(f"/portal/m/{m.receipt_no}/").content.decode()
    assert "申请期限已于" in html and f"/portal/m/{m.receipt_no}/review/" not in html
    r = c.post(f"/portal/m/{m.receipt_no}/review/", follow=True)
    assert "届满" in r.content.decode() and not m.followups.exists()


def test_reception_booking(world: World) -> None:
    day = ReceptionDay.objects.create(
        leader="李县长",
        title="县长",
        unit=world.county,
        date=timezone.localdate() + timedelta(days=3),
        start="09:00",
        end="11:30",
        place="县信访接待中心",
        topics="征地拆迁",
        capacity=1,
        published=True,
    )
    ReceptionDay.objects.create(
        leader="旧的",
        title="x",
        unit=world.county,
        date=date(2020, 1, 1),
        start="09:00",
        end="10:00",
        place="x",
        capacity=5,
        published=True,
    )
    c = Client()
    html = c.get("/portal/reception/").content.decode()
    assert "李县长" in html and "旧的" not in html
    r = c.post(
        f"/portal/reception/{day.pk}/book/",
        {"name": "钱七", "phone": "13600000000", "description": "征地补偿"},
    )
    b = Booking.objects.get()
    assert b.number in r.content.decode()
    r = c.post(
        f"/portal/reception/{day.pk}/book/",
        {"name": "孙八", "phone": "1", "description": "x"},
        follow=True,
    )
    assert "已约满" in r.content.decode() and Booking.objects.count() == 1


def test_privacy_page_and_no_state_change_on_get(world: World) -> None:
    assert "保存多久" in Client().get("/portal/privacy/").content.decode()
    c, m = answered_via_portal(world, timezone.now() - timedelta(days=7))
    for action in ("rate", "review", "reexam", "material"):
        assert c.get(f"/portal/m/{m.receipt_no}/{action}/").status_code == 405
