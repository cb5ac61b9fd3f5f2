"""Who may see a petitioner's identity (XFGZ Art. 30; PIPL Art. 51).

For ordinary matters every user who can see the matter sees its petitioners. For a
confidential matter (every 检举控告, and any matter registered as confidential) only the
registering organ's registrars and leader and the lead unit's handler and leader see who
reported it; everyone else — assisting units, supervisors, the accused unit — sees it
masked.
"""

from __future__ import annotations

from typing import Any

from xinfang.org.models import Role

from .models import Matter

HIDDEN = "（保密）"


def can_see_identity(user: Any, matter: Matter) -> bool:
    if not matter.confidential:
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    for m in user.memberships.all():
        if m.unit_id == matter.accused_unit_id:
            return False
    for m in user.memberships.all():
        if m.unit_id == matter.registered_unit_id and m.role in (Role.REGISTRAR, Role.LEADER):
            return True
        if m.unit_id == matter.lead_unit_id and m.role in (Role.HANDLER, Role.LEADER):
            return True
    return False
