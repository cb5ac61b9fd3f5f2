"""Template helpers for the staff layout."""

from __future__ import annotations

from typing import Any

from django import template

from xinfang.org.models import Role

register = template.Library()


@register.simple_tag
def staff_nav(user: Any) -> dict[str, Any]:
    """The header's facts about ``user``: units and roles, and which menu entries to show.

    One query (memberships with their units) whatever the page.
    """
    if not getattr(user, "is_authenticated", False):
        return {"memberships": [], "can_register": False, "can_admin": False}
    memberships = list(user.memberships.select_related("unit").order_by("unit__path", "role"))
    roles = {ms.role for ms in memberships}
    return {
        "memberships": memberships,
        "can_register": Role.REGISTRAR in roles,
        "can_admin": bool(user.is_staff or user.is_superuser or Role.ADMIN in roles),
    }
