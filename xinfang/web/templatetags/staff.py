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
        return {
            "memberships": [],
            "can_register": False,
            "can_admin": False,
            "can_desk": False,
            "can_report": False,
            "can_audit": False,
            "unread": 0,
        }
    memberships = list(user.memberships.select_related("unit").order_by("unit__path", "role"))
    roles = {ms.role for ms in memberships}
    return {
        "memberships": memberships,
        "can_register": Role.REGISTRAR in roles,
        "can_admin": bool(user.is_staff or user.is_superuser or Role.ADMIN in roles),
        "can_desk": bool(roles & {Role.REGISTRAR, Role.SUPERVISOR}),
        "can_report": bool(roles & {Role.SUPERVISOR, Role.LEADER, Role.AUDITOR}),
        "can_audit": Role.AUDITOR in roles,
        "unread": user.notifications.filter(read_at__isnull=True).count(),
    }
