"""The monthly trend of the three rates equals a hand computation, and gaps stay gaps."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from xinfang.supervision.models import ReturnVisit
from xinfang.supervision.trends import monthly
from xinfang.supervision.visits import create_due_visits

from ..factories import World, login
from .test_rates import answered_at, visit


def test_monthly_rates_by_hand(world: World) -> None:
    w = world
    ms = [answered_at(w, w.town, w.handler, w.leader) for _ in range(5)]
    other = answered_at(w, w.town2, w.other_handler, w.other_leader)
    create_due_visits(timezone.localdate(), timezone.now())
    ratings = ["satisfied", "satisfied", "basic", "unsatisfied"]
    for i, m in enumerate(ms[:4]):
        visit(w, m, reached=True, contacted=i < 3, solved=i < 2, rating=ratings[i])
    visit(w, ms[4], reached=False)  # not a valid visit: not in the denominators
    visit(w, other, reached=True, contacted=False, solved=False, rating="unsatisfied")
    # Move one of town's visits a month back: it must land in that month's row.
    earlier = timezone.now() - timedelta(days=40)
    ReturnVisit.objects.filter(matter=ms[0]).update(done_at=earlier)
    start, end = timezone.now() - timedelta(days=90), timezone.now() + timedelta(days=1)

    rows = {r.month: r for r in monthly(start, end, unit_ids={w.town.pk})}
    now_key = timezone.localtime().strftime("%Y-%m")
    old_key = timezone.localtime(earlier).strftime("%Y-%m")
    assert set(rows) == {now_key, old_key}
    old, now = rows[old_key], rows[now_key]
    assert (old.visits, old.response, old.resolution) == (1, 1.0, 1.0)
    assert old.ratings == 0 and old.satisfaction is None  # the rating itself is this month
    assert now.visits == 3
    assert now.response == pytest.approx(2 / 3) and now.resolution == pytest.approx(1 / 3)
    assert now.ratings == 4
    assert now.satisfaction == pytest.approx((2 + 0.9 * 1) / 4)

    both = {r.month: r for r in monthly(start, end, unit_ids={w.town.pk, w.town2.pk})}
    assert both[now_key].visits == 4 and both[now_key].ratings == 5
    assert both[now_key].satisfaction == pytest.approx((2 + 0.9) / 5)
    assert monthly(start, end, unit_ids=set()) == []


def test_rates_page_shows_the_trend(world: World) -> None:
    w = world
    m = answered_at(w, w.town, w.handler, w.leader)
    create_due_visits(timezone.localdate(), timezone.now())
    visit(w, m, reached=True, contacted=True, solved=False, rating="basic")
    r = login(w.supervisor).get("/reports/rates/")
    html = r.content.decode()
    assert r.status_code == 200
    assert 'id="c-trend"' in html and 'id="trend-data"' in html
    now = timezone.localtime()
    month = now.strftime("%Y-%m")
    # every month of the year so far has a row, empty months with no figures
    assert html.count(f"<tr><td>{now.year}-") == now.month
    if now.month > 1:
        assert (
            f"<tr><td>{now.year}-01</td><td>0</td><td>—</td><td>—</td><td>0</td><td>—</td>" in html
        )
    assert "乡镇（街道）" in html  # the level by name, not its code
    assert f"<td>{month}</td><td>1</td><td>100.0%</td><td>0.0%</td><td>1</td><td>90.0%</td>" in html
