"""The portal's organ and place pickers: grouped so a citizen finds their township's
government apart from a county department, and villages under their township; what is
accepted is unchanged."""

from __future__ import annotations

import re

from django.test import Client

from xinfang.org.models import Level, Unit, UnitKind

from ..factories import World


def groups(html: str, select_id: str) -> list[tuple[str, list[str]]]:
    body = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    out = []
    for label, inner in re.findall(r'<optgroup label="([^"]*)">(.*?)</optgroup>', body, re.S):
        out.append((label, re.findall(r"<option[^>]*>([^<]*)</option>", inner)))
    return out


def test_organs_are_grouped_by_kind_offices_first(world: World) -> None:
    html = Client().get("/portal/submit/").content.decode()
    g = groups(html, "id_organ")
    assert [label for label, _ in g] == ["信访部门", "人民政府", "职能部门"]
    by = dict(g)
    assert "青山县信访局" in by["信访部门"]
    assert "青山县城关镇人民政府" in by["人民政府"] and "青山县城关镇人民政府" not in by["职能部门"]


def test_villages_sit_under_their_township(world: World) -> None:
    other = Unit.objects.create(
        name="东湖镇桃园村民委员会",
        kind=UnitKind.COMMITTEE,
        level=Level.VILLAGE,
        parent=world.town2,
    )
    html = Client().get("/portal/submit/").content.decode()
    by = dict(groups(html, "id_area"))
    assert "青山县城关镇" in by["县、乡镇（街道）"]
    town = by["青山县城关镇"]
    assert any("桃园村" in v for v in town)
    assert any("桃园村" in v for v in by["青山县东湖镇"]), other.name
    assert not any("村村" in v for vs in by.values() for v in vs)


def test_an_organ_outside_the_list_is_still_refused(world: World) -> None:
    html = Client().get("/portal/submit/").content.decode()
    tag = re.search(r'<select[^>]*id="id_organ"[^>]*>', html)
    assert tag and "data-filter" in tag[0], "the type-ahead is offered"
    r = Client().post("/portal/submit/", {"organ": str(world.village.pk), "step": "preview"})
    assert r.status_code in (200, 400)
    assert "请选择受理机关" in r.content.decode()
