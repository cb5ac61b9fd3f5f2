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


@pytest.fixture(autouse=True)
def _no_term_fold(monkeypatch):
    """Registration folds pending term counts when its delta row's key is a multiple of
    ``FOLD``; keys come from sequences that outlive each test on PostgreSQL, so which
    registration folds would vary from run to run. Tests of the fold set ``FOLD`` themselves
    (tests/search/test_term_deltas.py); readers count pending rows either way."""
    from xinfang.search import services

    monkeypatch.setattr(services, "FOLD", 10**9)
