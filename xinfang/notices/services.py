"""Written notices issued by workflow events (filled in by the notices module)."""

from __future__ import annotations

from typing import Any


def issue_for_event(matter: Any, event: Any) -> None:
    return None
