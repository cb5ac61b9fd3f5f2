"""Template helpers for the staff layout."""

from __future__ import annotations

from typing import Any

from django import template

from xinfang.cases import access
from xinfang.core import law
from xinfang.web import present

register = template.Library()


@register.simple_tag
def hotline_cite(step: str) -> str:
    """The local hotline regulation's article for ``step`` in the reader's language, or ""
    where the deployment cites none (``core.law``)."""
    return present.cite(law.cite(step))


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
            "can_hotspots": False,
            "can_charges": False,
            "can_duty": False,
            "can_reception": False,
            "unread": 0,
        }
    memberships = list(user.memberships.select_related("unit").order_by("unit__path", "role"))
    return {
        "memberships": memberships,
        "can_register": access.may(user, "register"),
        "can_admin": access.may(user, "admin"),
        "can_desk": access.may(user, "desk"),
        "can_report": access.may(user, "reports"),
        "can_audit": access.may(user, "audit"),
        "can_hotspots": access.may(user, "hotspots"),
        "can_charges": access.may(user, "charges"),
        "can_duty": access.may(user, "duty"),
        "can_reception": access.may(user, "reception"),
        "unread": user.notifications.filter(read_at__isnull=True).count(),
    }
