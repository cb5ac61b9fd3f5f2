from __future__ import annotations

import pytest

from xinfang.deadlines import calendar
from xinfang.deadlines.loading import load_days, read_file, shipped_path, shipped_years

from .factories import World, build_world


@pytest.fixture(autouse=True)
def _fresh_calendar_cache():
    calendar.invalidate()
    yield
    calendar.invalidate()


@pytest.fixture(autouse=True)
def _shipped_calendar_after_flush(request, django_db_blocker):
    """A transactional test (every browser test) ends by emptying every table, the rows
    the migrations loaded too: afterwards the shipped holiday arrangements are loaded again,
    so the tests after it see the calendar a new installation has (deadlines would
    otherwise fall on other days and read as provisional)."""
    yield
    marker = request.node.get_closest_marker("django_db")
    transactional = (marker is not None and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if transactional:
        with django_db_blocker.unblock():
            for year in shipped_years():
                days, source = read_file(shipped_path(year))
                load_days(days, source)


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
