"""A small seeded province shared by the bench tests."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from xinfang.bench import org


@pytest.fixture
def dep(db) -> org.Deployment:
    call_command(
        "bench", "seed", "--matters", "400", "--units", "300", "--until", "2026-06-30", "--quiet"
    )
    return org.load()
