"""Pluggable SMS / e-mail updates to petitioners.

The default backend only logs, so nothing is sent in development; a deployment names its
own class in XINFANG['NOTIFIER'] (any class with ``send(*, phone, text)``). Messages are
queued with ``transaction.on_commit`` (never for a write that rolled back) and a failing
backend is logged, never raised: the citizen's submission is already saved and they must
still see their receipt.
"""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.db import transaction
from django.utils.module_loading import import_string

log = logging.getLogger("xinfang.notify")


class Notifier(Protocol):
    """What a backend implements. ``send`` may be called twice for one event."""

    def send(self, *, phone: str, text: str) -> None: ...


class ConsoleNotifier:
    """Logs instead of sending; keeps what it 'sent' for tests."""

    sent: list[tuple[str, str]] = []

    def send(self, *, phone: str, text: str) -> None:
        ConsoleNotifier.sent.append((phone, text))
        log.info("SMS to %s: %s", phone, text)


def notifier() -> Notifier:
    path = settings.XINFANG.get("NOTIFIER", "xinfang.notices.notify.ConsoleNotifier")
    backend: Notifier = import_string(path)()
    return backend


def deliver(phone: str, text: str) -> None:
    """Send now; a backend failure is logged and swallowed."""
    try:
        notifier().send(phone=phone, text=text)
    except Exception:  # a gateway outage must not turn a saved submission into an error
        log.exception("notifier failed for a message of %d characters", len(text))


def after_commit(phone: str, text: str) -> None:
    """Queue a message to be sent once the current transaction has committed."""
    if phone:
        transaction.on_commit(lambda: deliver(phone, text))
