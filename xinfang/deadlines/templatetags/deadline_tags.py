"""``{% load deadline_tags %}``: the provisional mark of a deadline in a template."""

from __future__ import annotations

from typing import Any

from django import template

from xinfang.deadlines import provisional

register = template.Library()


@register.filter
def provisional_note(deadline: Any) -> str:
    """ "（暂定：2027年节假日安排尚未公布）" in the active language, or "" for a final
    deadline (``provisional.note_for``)."""
    return provisional.note_for(deadline)
