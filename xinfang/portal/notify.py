"""Pluggable SMS / e-mail updates to petitioners. The default backend only logs, so nothing
is sent in development; a deployment names its own class in XINFANG['NOTIFIER']."""

from __future__ import annotations

import logging
from typing import Any, Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger("xinfang.notify")


class Notifier(Protocol):
    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleNotifier:
    sent: list[tuple[str, str]] = []  # visible to tests

    def send(self, *, phone: str, text: str) -> None:
        ConsoleNotifier.sent.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def notifier() -> Any:
    path = settings.XINFANG.get("NOTIFIER", "xinfang.portal.notify.ConsoleNotifier")
    return import_string(path)()


def after_commit(phone: str, text: str) -> None:
    """Queue a message to be sent once the current transaction has committed."""
    if phone:
        transaction.on_commit(lambda: notifier().send(phone=phone, text=text))
