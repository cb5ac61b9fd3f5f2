"""The queue's rows are built in Python (``web.present.queue_rows``), not by the template
engine: every value a user or an administrator can type must come out escaped."""

from __future__ import annotations

from datetime import date

from xinfang.actions.workflow import transition
from xinfang.cases.models import Matter, Topic
from xinfang.org.models import Unit

from ..factories import World, login, register

EVIL = '<script>alert("x")</script>&'


def test_every_typed_value_in_a_queue_row_is_escaped(world: World) -> None:
    w = world
    topic = Topic.objects.create(code="EV", name=f"话题{EVIL}")
    Unit.objects.filter(pk=w.town.pk).update(name=f"城关镇{EVIL}")
    m = register(w, title=f"标题{EVIL}", topic=topic, is_collective=True, headcount=6)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    html = login(w.handler).get("/").content.decode()
    assert Matter.objects.get(pk=m.pk).receipt_no in html
    assert "<script>" not in html
    escaped = "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;"
    assert html.count(escaped) >= 3  # the title, the topic, the unit


def test_the_rows_function_escapes_what_it_is_given(world: World) -> None:
    from xinfang.web.present import queue_rows

    w = world
    m = register(w, title=EVIL)
    m = Matter.objects.select_related("topic", "lead_unit", "registered_unit").get(pk=m.pk)
    m.receipt_no = EVIL
    m.status = EVIL
    out = str(queue_rows([m], date(2026, 6, 1)))
    assert "<script>" not in out and "s-<" not in out and '"x"' not in out
