"""Messages to staff that an event owes, written by the transition function in the event's
transaction whatever face the action came through (the staff pages, the API, the sweep):

- 督办 (XFGZ Art. 40): the lead unit's handlers; its escalation: the next level up;
  the written reply: the supervising office's leaders and supervisors.
- A request to extend the handling period (Art. 34) and a submitted handling opinion:
  the lead unit's leaders, who decide them; the decision on an extension: its handlers.

The sweep's deadline warnings are written by the sweep itself (``supervision.services``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime

from xinfang.cases.models import Event, Matter
from xinfang.org.models import Membership, Role, Unit, User

from .models import Level, Notification


def users(unit_ids: Iterable[int | None], roles: Iterable[str]) -> list[User]:
    """The active users holding one of ``roles`` in one of the units."""
    ids = Membership.objects.filter(
        unit_id__in=[u for u in unit_ids if u], role__in=list(roles)
    ).values("user_id")
    return list(User.objects.filter(pk__in=ids, is_active=True))


def notify(users: Iterable[User], m: Matter, level: str, key: str, text: str, at: datetime) -> int:
    """One message per user, at most once per (user, matter, key); returns how many are new."""
    rows = [
        Notification(user=u, matter=m, level=level, key=key[:80], text=text[:300], created_at=at)
        for u in users
    ]
    before = Notification.objects.filter(matter=m, key=key[:80]).count()
    Notification.objects.bulk_create(rows, ignore_conflicts=True)
    return Notification.objects.filter(matter=m, key=key[:80]).count() - before


def supervision_recipients(m: Matter, level: int) -> list[User]:
    """Who a 督办 at ``level`` addresses: 1 the lead unit's handlers, 2 its leaders, 3 the
    supervising office's leaders and supervisors, 4 the leaders of the organ above it."""
    office = m.dispatched_by or m.registered_unit
    if level <= 1:
        return users([m.lead_unit_id], [Role.HANDLER])
    if level == 2:
        return users([m.lead_unit_id], [Role.LEADER])
    if level == 3:
        return users([office.pk], [Role.LEADER, Role.SUPERVISOR])
    above: Unit | None = office.parent
    return users([above.pk if above else None], [Role.LEADER])


def _head(m: Matter) -> str:
    return f"{m.receipt_no}《{m.title[:30]}》"


def _supervise(m: Matter, ev: Event) -> tuple[list[User], str, str]:
    demand = str(ev.data.get("demand", ""))[:80]
    due = ev.data.get("reply_due", "")
    text = f"{_head(m)}收到督办：{demand}，请于{due}前书面回复"
    return supervision_recipients(m, 1), Level.SUPERVISION, text


def _escalate(m: Matter, ev: Event) -> tuple[list[User], str, str]:
    text = f"{_head(m)}督办逾期未回复，已升级，请于{m.supervision_due:%Y-%m-%d}前书面回复"
    return supervision_recipients(m, m.supervision_level), Level.ESCALATION, text


def _reply(m: Matter, ev: Event) -> tuple[list[User], str, str]:
    return supervision_recipients(m, 3), Level.REPLY, f"{_head(m)}已书面回复督办"


def _extension(m: Matter, ev: Event) -> tuple[list[User], str, str]:
    days = ev.data.get("days", "")
    text = f"{_head(m)}申请延长办理期限{days}日，请审批（信访工作条例第三十四条）"
    return users([m.lead_unit_id], [Role.LEADER]), Level.EXTENSION, text


def _extension_decided(m: Matter, ev: Event) -> tuple[list[User], str, str]:
    verdict = "已同意延长办理期限" if ev.action == "approve_extension" else "延期申请未获同意"
    return users([m.lead_unit_id], [Role.HANDLER]), Level.EXTENSION, f"{_head(m)}{verdict}"


def _opinion(m: Matter, ev: Event) -> tuple[list[User], str, str]:
    text = f"{_head(m)}处理意见已提交，请审核签发"
    return users([m.lead_unit_id], [Role.LEADER]), Level.OPINION, text


MESSAGES: dict[str, Callable[[Matter, Event], tuple[list[User], str, str]]] = {
    "supervise": _supervise,
    "escalate_supervision": _escalate,
    "answer_supervision": _reply,
    "request_extension": _extension,
    "approve_extension": _extension_decided,
    "reject_extension": _extension_decided,
    "submit_opinion": _opinion,
}


def for_event(m: Matter, ev: Event) -> int:
    """Write the messages ``ev`` owes (none for most events); returns how many are new.
    The key names the event, so a message is never written twice for it."""
    make = MESSAGES.get(ev.action)
    if make is None:
        return 0
    to, level, text = make(m, ev)
    to = [u for u in to if u.pk != ev.actor_id]  # not to the one who acted
    key = f"sup:{ev.seq}" if ev.action == "supervise" else f"{ev.action}:{ev.seq}"
    if ev.action == "escalate_supervision":
        key = f"esc:{m.supervision_level}"
    return notify(to, m, level, key, text, ev.at)
