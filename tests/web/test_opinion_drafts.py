"""The leader approves the handling opinion seeing the whole draft, and what was said when
an earlier draft was returned (issue: the approval page showed none of the draft's facts,
reasons or legal basis)."""

from __future__ import annotations

from xinfang.actions.workflow import transition

from ..factories import World, handled, login, opinion


def test_the_leader_reads_the_whole_draft_and_its_history(world: World) -> None:
    w = world
    m = handled(w)
    first = opinion() | {"facts": "初稿：楼顶防水层老化。"}
    transition(m, "submit_opinion", actor=w.handler, data=first)
    transition(m, "return_opinion", actor=w.leader, reason="请补充维修资金的来源")
    second = opinion() | {"facts": "二稿：楼顶防水层老化，已过保修期。"}
    transition(m, "submit_opinion", actor=w.handler, data=second)
    html = login(w.leader).get(f"/matters/{m.pk}/").content.decode()
    panel = html[html.index('id="h-drafts"') : html.index('id="h-timeline"')]
    assert "待审批的处理意见" in panel and "第 2 稿" in panel
    for text in (second["facts"], second["reasons"], second["basis"], second["request"]):
        assert text in panel
    # the first draft, collapsed, with the leader's words in returning it
    earlier = panel[panel.index('<details class="earlier">') :]
    assert "第 1 稿" in earlier and "已退回" in earlier and "请补充维修资金的来源" in earlier
    assert first["facts"] in earlier
    # after approval the signed draft stays on the page
    transition(m, "approve_opinion", actor=w.leader)
    html = login(w.handler).get(f"/matters/{m.pk}/").content.decode()
    assert "处理意见稿" in html and "已签发" in html and second["facts"] in html
