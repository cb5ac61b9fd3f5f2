"""我的待办 is what waits for this user's action, grouped by the step with counts (issue:
the registrar's list held every matter handled elsewhere, and the leader's equalled the
handler's). Everything the user may see stays one click away (全部在办)."""

from __future__ import annotations

import re

from xinfang.actions.workflow import transition
from xinfang.cases import todo
from xinfang.cases.models import Channel, Matter

from ..factories import World, login, opinion, register


def listed(user, query: str = "") -> set[str]:
    html = login(user).get(f"/{query}").content.decode()
    return set(re.findall(r'<td class="no"><a href="[^"]+">([^<]+)</a>', html))


def groups(user) -> dict[str, int]:
    return {g.key: n for g, n in todo.counts(user)[0]}


def scene(w: World) -> dict[str, Matter]:
    new = register(w, title="新登记")
    online = register(w, title="网上来的", channel=Channel.ONLINE)
    sent = register(w, title="已转送未受理")
    transition(sent, "forward", actor=w.registrar, data={"unit": w.town.pk})
    handling = register(w, title="办理中")
    transition(handling, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(handling, "accept", actor=w.handler)
    signing = register(w, title="待签发")
    transition(signing, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(signing, "accept", actor=w.handler)
    transition(signing, "submit_opinion", actor=w.handler, data=opinion())
    longer = register(w, title="申请延期")
    transition(longer, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(longer, "accept", actor=w.handler)
    transition(longer, "request_extension", actor=w.handler, reason="测量", data={"days": 15})
    return {
        k: Matter.objects.get(pk=m.pk)
        for k, m in {
            "new": new,
            "online": online,
            "sent": sent,
            "handling": handling,
            "signing": signing,
            "longer": longer,
        }.items()
    }


def test_each_role_sees_what_waits_for_it(world: World) -> None:
    w = world
    s = scene(w)
    no = {k: m.receipt_no for k, m in s.items()}
    # the office: what it must route, online submissions apart; nothing handled elsewhere
    assert listed(w.registrar) == {no["new"], no["online"]}
    assert groups(w.registrar) == {"online": 1, "route": 1, "objection": 0, "review": 0}
    assert listed(w.registrar, "?todo=online") == {no["online"]}
    # the town's handler: accept, handle; not what waits for the leader's signature
    assert listed(w.handler) == {no["sent"], no["handling"], no["longer"]}
    assert listed(w.handler, "?todo=accept") == {no["sent"]}
    assert groups(w.handler)["handle"] == 2
    # the town's leader: sign the opinion, decide the extension — not the handler's list
    assert listed(w.leader) == {no["signing"], no["longer"]}
    assert listed(w.leader, "?todo=approve") == {no["signing"]}
    assert listed(w.leader, "?todo=extension") == {no["longer"]}
    # another town sees nothing of it
    assert listed(w.other_handler) == set() and groups(w.other_handler)["accept"] == 0
    # every visible open matter is still there
    assert listed(w.registrar, "?view=open") == set(no.values())
    assert listed(w.leader, "?view=open&mine=1") == {
        no["sent"],
        no["handling"],
        no["signing"],
        no["longer"],
    }


def test_the_page_shows_the_groups_with_counts(world: World) -> None:
    w = world
    scene(w)
    html = login(w.leader).get("/").content.decode()
    assert '待我处理 <span class="n">2</span>' in html
    assert '待审批意见 <span class="n">1</span>' in html
    assert '待批延期 <span class="n">1</span>' in html
    assert "本单位在办" in html and "已超期" in html and "全部在办" in html


def test_a_user_without_steps_of_their_own_gets_every_open_matter(world: World) -> None:
    w = world
    s = scene(w)
    # the county government's leader supervises the county: no step of the table is theirs
    # in these matters' units, so their list is what they may see
    assert groups(w.county_handler) == {g: 0 for g in groups(w.county_handler)}
    assert s["new"].receipt_no in listed(w.county_leader, "?view=open")


DEMAND = {"demand": "五日内书面回复办理情况", "reply_due": "2099-01-01"}


def test_the_supervisors_desk_lists_what_waits_for_it(world: World) -> None:
    """A supervisor's day (issue: their 我的待办 was empty while an overdue matter, return
    visits and a 回头看 check waited): overdue matters with no 督办 yet, return visits and
    回头看 checks, each with its count."""
    from datetime import timedelta

    from django.utils import timezone

    from xinfang.supervision.visits import create_due_visits

    from ..factories import answered

    w = world
    late = register(
        w,
        title="积压来信",
        received_at=timezone.now() - timedelta(days=40),
        backdate_reason="来信积压后补录",
    )
    register(w, title="今天登记")
    answered(w, title="已答复")
    create_due_visits(timezone.localdate(), timezone.now())
    assert groups(w.supervisor)["press"] == 1
    assert listed(w.supervisor, "?todo=press") == {late.receipt_no}
    html = login(w.supervisor).get("/").content.decode()
    assert '超期待督办 <span class="n">1</span>' in html
    assert re.search(r'href="/supervision/visits/"[^>]*>待回访 <span class="n">1</span>', html)
    assert "回头看" in html
    # a 督办 takes it off the list: it now waits for the unit's reply
    transition(late, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(late, "supervise", actor=w.supervisor, reason="尽快办理", data=DEMAND)
    assert groups(w.supervisor)["press"] == 0
    # the registrar does not get the supervisor's desk
    assert "press" not in groups(w.registrar)


def test_opening_a_matter_reads_its_messages(world: World) -> None:
    from xinfang.notices.models import Notification

    w = world
    m = register(w)
    transition(m, "forward", actor=w.registrar, data={"unit": w.town.pk})
    transition(m, "supervise", actor=w.supervisor, reason="尽快办理", data=DEMAND)
    unread = Notification.objects.filter(user=w.handler, matter=m, read_at__isnull=True)
    assert unread.exists()
    login(w.handler).get(f"/matters/{m.pk}/")
    assert not unread.exists()


def test_the_extension_decision_shows_what_was_asked(world: World) -> None:
    from ..factories import handled

    w = world
    m = handled(w)
    transition(
        m, "request_extension", actor=w.handler, reason="需要委托房屋鉴定", data={"days": 20}
    )
    html = login(w.leader).get(f"/matters/{m.pk}/").content.decode()
    box = html.split('id="act-approve_extension"', 1)[1].split("</details>", 1)[0]
    assert "申请延长 20 日" in box and "需要委托房屋鉴定" in box


def test_an_accepted_matters_objection_window_does_not_read_as_used(world: World) -> None:
    from ..factories import handled

    w = world
    m = handled(w)
    html = login(w.handler).get(f"/matters/{m.pk}/").content.decode()
    assert "已受理，未提出异议" in html and "已行使" not in html
