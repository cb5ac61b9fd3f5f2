from __future__ import annotations

import pytest

from xinfang.deadlines import calendar

from .factories import World, build_world


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture
def world(db) -> World:
    return build_world()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
