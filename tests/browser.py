"""Real headless Chromium (Debian's package) for browser tests, via Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from django.db import connections

CHROMIUM = "/usr/bin/chromium"
# Without the background-networking flags Chromium tries to reach the internet at start.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--lang=zh-CN",  # the browser's own controls (file picker, date fields) in Chinese
]
SHOTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "screenshots"

# Playwright's sync API runs an event loop in this thread; Django's ORM refuses to run in
# a thread with a running loop unless told this is intended.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


@contextmanager
def chromium() -> Iterator[Any]:
    if not os.access(CHROMIUM, os.X_OK):
        import pytest

        pytest.fail(
            f"{CHROMIUM} not found: browser tests need Debian's chromium "
            "(apt-get install chromium)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            try:
                b.close()
            finally:
                # While Playwright's loop runs, Django keeps database connections per async
                # context, not per thread: a connection opened inside this block is not
                # the one the test uses outside it, and nothing else closes it (PostgreSQL
                # then refused to drop the test database: "being accessed by other users").
                connections.close_all()
