"""Shared helpers for the staff web tests."""

from __future__ import annotations

import re
from typing import Any

from django.test import Client

from xinfang.cases.models import Event, Matter
from xinfang.org.models import User

from ..factories import PASSWORD


def login(user: User) -> Client:
    c = Client()
    assert c.login(username=user.username, password=PASSWORD)
    return c


def snapshot(m: Matter) -> tuple[Any, ...]:
    """Everything an action could change: status, version, events, deadline."""
    m.refresh_from_db()
    return (
        m.status,
        m.version,
        m.event_count,
        Event.objects.filter(matter=m).count(),
        m.current_due,
    )


def offered_actions(html: str, pk: int) -> set[str]:
    """The actions whose forms a matter page offers."""
    return set(re.findall(rf'action="/matters/{pk}/act/(\w+)/"', html))


def text(response: Any) -> str:
    return response.content.decode()
