"""Three rates computed by the code equal the rates computed by hand."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.utils import timezone

from xinfang.actions.workflow import transition
from xinfang.core.errors import UserError
from xinfang.supervision.models import ReturnVisit
from xinfang.supervision.rates import compute, matters_behind
from xinfang.supervision.visits import create_due_visits, record_visit

from ..factories import World, login, opinion, register


def answered_at(w: World, unit, handler, leader):
    m = register(w)
    transition(m, "forward", actor=w.registrar, data={"unit": unit.pk})
    transition(m, "accept", actor=handler)
    transition(m, "submit_opinion", actor=handler, data=opinion())
    return transition(m, "approve_opinion", actor=leader)


def period() -> tuple[datetime, datetime]:
    now = timezone.now()
    return now - timedelta(days=1), now + timedelta(days=1)


def visit(w: World, m, **kw):
    v = ReturnVisit.objects.get(matter=m, trigger="answered")
    kw.setdefault("note", "电话回访记录")
    return record_visit(v, by=w.registrar, method="phone", **kw)


def test_no_answer_is_assumed_and_bad_news_is_explained(world: World) -> None:
    # BJ Art. 23: the visitor records what the petitioner said; nothing is pre-selected,
    # and an unfavourable answer (it lowers the unit's rates) carries a note.
    w = world
    m = answered_at(w, w.town, w.handler, w.leader)
    create_due_visits(timezone.localdate(), timezone.now())
    v = ReturnVisit.objects.get(matter=m, trigger="answered")
    for kw, code in (
        ({"reached": None}, "required"),
        ({"reached": True, "contacted": True, "solved": None}, "incomplete"),
        ({"reached": False}, "note_required"),
        ({"reached": True, "contacted": True, "solved": False}, "note_required"),
        ({"reached": True, "contacted": False, "solved": True}, "note_required"),
        (
            {"reached": True, "contacted": True, "solved": True, "rating": "unsatisfied"},
            "note_required",
        ),
    ):
        with pytest.raises(UserError) as exc:
            record_visit(v, by=w.registrar, method="phone", **kw)
        assert exc.value.code == code, kw
        v.refresh_from_db()
        assert v.done_at is None
    done = record_visit(
        v, by=w.registrar, method="phone", reached=True, contacted=True, solved=True
    )
    assert done.done_by == w.registrar and done.done_at is not None


def test_the_visit_form_preselects_nothing(world: World) -> None:
    w = world
    answered_at(w, w.town, w.handler, w.leader)
    create_due_visits(timezone.localdate(), timezone.now())
    html = login(w.registrar).get("/supervision/visits/").content.decode()
    for name in ("method", "reached", "contacted", "solved"):
        assert f'name="{name}"' in html
    assert html.count('<option value="" selected>请选择</option>') == 4
    assert "selected" not in html.replace('<option value="" selected>请选择</option>', "")


def test_rates_match_hand_computation(world: World) -> None:
    w = world
    town = [answered_at(w, w.town, w.handler, w.leader) for _ in range(14)]
    town2 = [answered_at(w, w.town2, w.other_handler, w.other_leader) for _ in range(3)]
    assert create_due_visits(timezone.localdate(), timezone.now()) == 17
    assert create_due_visits(timezone.localdate(), timezone.now()) == 0  # once each
    # town: 12 reached + 2 not reached; contacted 11, solved 9;
    # ratings 8 满意, 3 基本满意, 1 不满意
    ratings = ["satisfied"] * 8 + ["basic"] * 3 + ["unsatisfied"]
    for i, m in enumerate(town[:12]):
        visit(w, m, reached=True, contacted=i < 11, solved=i < 9, rating=ratings[i])
    for m in town[12:]:
        visit(w, m, reached=False)
    for m in town2:
        visit(w, m, reached=True, contacted=True, solved=True, rating="satisfied")
    start, end = period()
    rows = {r.unit_id: r for r in compute(start, end)}
    t = rows[w.town.pk]
    assert (t.visits, t.contacted, t.solved, t.ratings) == (12, 11, 9, 12)
    assert t.response == pytest.approx(11 / 12)
    assert t.resolution == pytest.approx(9 / 12)
    assert t.satisfaction == pytest.approx((8 + 0.9 * 3) / 12)  # 0.891666…
    assert t.ranked and t.rank == 1
    t2 = rows[w.town2.pk]
    assert (t2.visits, t2.response, t2.satisfaction) == (3, 1.0, 1.0)
    assert not t2.ranked and t2.rank is None  # below the minimum sample of 10
    # drill-down returns exactly the matters behind a number
    assert set(matters_behind(w.town, start, end, "solved")) == set(town[:9])
    assert set(matters_behind(w.town, start, end, "basic")) == set(town[8:11])
    assert matters_behind(w.town, start, end, "visits").count() == 12


def test_no_visits_means_no_rates(world: World) -> None:
    start, end = period()
    assert compute(start, end) == []


def test_minimum_sample_is_a_setting(world: World, settings) -> None:
    settings.XINFANG = {**settings.XINFANG, "RATES": {"MIN_SAMPLE": 1, "BASIC_WEIGHT": 0.5}}
    w = world
    m = answered_at(w, w.town, w.handler, w.leader)
    create_due_visits(timezone.localdate(), timezone.now())
    visit(w, m, reached=True, contacted=True, solved=False, rating="basic")
    start, end = period()
    (row,) = compute(start, end)
    assert row.ranked and row.rank == 1
    assert (row.response, row.resolution, row.satisfaction) == (1.0, 0.0, 0.5)


def test_ranking_is_within_level(world: World, settings) -> None:
    settings.XINFANG = {**settings.XINFANG, "RATES": {"MIN_SAMPLE": 1}}
    w = world
    a = answered_at(w, w.town, w.handler, w.leader)
    b = answered_at(w, w.housing, w.housing_handler, w.housing_leader)  # county level
    create_due_visits(timezone.localdate(), timezone.now())
    visit(w, a, reached=True, contacted=False, solved=False, rating="unsatisfied")
    visit(w, b, reached=True, contacted=True, solved=True, rating="satisfied")
    start, end = period()
    ranks = {r.unit_id: r.rank for r in compute(start, end)}
    assert ranks == {w.town.pk: 1, w.housing.pk: 1}


def test_visit_validation(world: World) -> None:
    w = world
    m = answered_at(w, w.town, w.handler, w.leader)
    create_due_visits(timezone.localdate(), timezone.now())
    v = ReturnVisit.objects.get(matter=m)
    with pytest.raises(UserError):
        record_visit(v, by=w.registrar, method="pigeon", reached=False)
    with pytest.raises(UserError):
        record_visit(v, by=w.registrar, method="phone", reached=True)
    v.refresh_from_db()
    assert v.done_at is None


def test_each_metric_says_whether_its_own_sample_is_short(world: World, settings) -> None:
    """响应率 and 解决率 rest on the return visits, 满意率 on the ratings: with enough visits
    but too few ratings only the ratings are short, and the page says which (issue)."""
    settings.XINFANG = {**settings.XINFANG, "RATES": {"MIN_SAMPLE": 3, "BASIC_WEIGHT": 0.9}}
    w = world
    ms = [answered_at(w, w.town, w.handler, w.leader) for _ in range(4)]
    create_due_visits(timezone.localdate(), timezone.now())
    for i, m in enumerate(ms):
        visit(w, m, reached=True, contacted=True, solved=True, rating="satisfied" if i < 2 else "")
    start, end = period()
    (row,) = compute(start, end)
    assert (row.visits, row.ratings) == (4, 2)
    assert not row.short_visits and row.short_ratings and not row.ranked
    html = login(w.supervisor).get(f"/reports/rates/?year={timezone.localdate().year}")
    text = html.content.decode()
    assert "样本不足：评价 2（各需 ≥ 3）" in text and "回访 4" not in text
