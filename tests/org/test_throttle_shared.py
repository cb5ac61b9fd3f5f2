"""Throttles live in a store every worker process shares (issue 25, finding 4).

Under ``gunicorn -w 4`` each worker had its own in-memory counter, so twelve wrong
passwords never locked an account. The proof here runs two separate OS processes that
fail sign-ins alternately against one database (and, where Redis answers, one Redis).
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from xinfang.core import throttle
from xinfang.core.models import Throttle

from ..factories import PASSWORD, UserFactory, build_world

WORKER = Path(__file__).with_name("signin_worker.py")
ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = "redis://127.0.0.1:6379/15"


def _database_url() -> str:
    """The test database as a worker would name it in ``DATABASE_URL``."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    user = quote(s.get("USER") or "", safe="")
    password = quote(s.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else f"{user}@"
    return f"postgres://{auth}{s.get('HOST') or '127.0.0.1'}:{s.get('PORT') or 5432}/{s['NAME']}"


class Worker:
    """A long-lived process signing in on request, like one gunicorn worker."""

    def __init__(self, env: dict[str, str]) -> None:
        self.p = subprocess.Popen(
            [sys.executable, str(WORKER)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )

    def sign_in(self, username: str, password: str) -> str:
        assert self.p.stdin is not None and self.p.stdout is not None
        self.p.stdin.write(f"{username} {password}\n")
        self.p.stdin.flush()
        return self.p.stdout.readline().strip()

    def close(self) -> None:
        assert self.p.stdin is not None
        self.p.stdin.close()
        self.p.wait(60)


def _redis_or_skip() -> None:
    try:
        import redis
    except ImportError:
        pytest.skip("the redis client is not installed (pip install 'xinfang[redis]')")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("no Redis at 127.0.0.1:6379")


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("store", ["database", "redis"])
def test_two_worker_processes_lock_the_account_together(store: str) -> None:
    build_world()
    name = f"w{uuid.uuid4().hex[:12]}"  # unique: a Redis store outlives the test database
    UserFactory(username=name)
    env = {k: v for k, v in os.environ.items() if k != "XINFANG_REDIS_URL"}
    env["DATABASE_URL"] = _database_url()
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    if store == "redis":
        _redis_or_skip()
        env["XINFANG_REDIS_URL"] = REDIS_URL
    a, b = Worker(env), Worker(env)
    try:
        # Five failures (the configured limit) alternately: three in one process, two in
        # the other. Counted per process, neither would reach five.
        said = [(a if i % 2 == 0 else b).sign_in(name, "wrong-password") for i in range(5)]
        assert said == ["failed"] * 5
        assert a.sign_in(name, PASSWORD) == "locked"
        assert b.sign_in(name, PASSWORD) == "locked"
        # Another member of staff signs in through either worker.
        assert a.sign_in("leader", PASSWORD) == "ok"
        assert b.sign_in("registrar", PASSWORD) == "ok"
    finally:
        a.close()
        b.close()
    in_database = Throttle.objects.filter(key=f"login:u:{name}").exists()
    assert in_database == (store == "database")
    if store == "redis":
        import redis

        r = redis.Redis.from_url(REDIS_URL)
        keys = r.keys(f"*login:u:{name}*")
        counter = [k for k in keys if not k.endswith(b":until")]
        assert len(counter) == 1 and int(r.get(counter[0]) or 0) == 5
        r.delete(*keys)


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_are_all_counted() -> None:
    """The increment is one atomic statement: no lost updates between connections."""
    threads, per_thread = 4, 15

    def run() -> None:
        try:
            for _ in range(per_thread):
                throttle.hit("t:concurrent", 600)
        finally:
            connection.close()

    ts = [threading.Thread(target=run) for _ in range(threads)]
    for t in ts:
        t.start()
    for t in ts:
        t.join(60)
    assert throttle.count("t:concurrent") == threads * per_thread


def test_a_window_starts_with_its_first_hit_and_ends(db, monkeypatch) -> None:
    now = [1_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    assert throttle.count("t:k") == 0
    assert [throttle.hit("t:k", 60) for _ in range(3)] == [1, 2, 3]
    now[0] += 59  # hits inside the window do not extend it
    assert throttle.hit("t:k", 60) == 4 and throttle.count("t:k") == 4
    assert throttle.retry_after("t:k") == 1
    now[0] += 1
    assert throttle.count("t:k") == 0 and throttle.retry_after("t:k") == 0
    assert throttle.hit("t:k", 60) == 1  # a new window
    throttle.reset("t:k")
    assert throttle.count("t:k") == 0


def test_expired_rows_are_cleaned(db, monkeypatch) -> None:
    now = [2_000_000.0]
    monkeypatch.setattr(throttle, "_now", lambda: now[0])
    throttle.hit("t:old", 60)
    throttle.hit("t:new", 600)
    now[0] += 120
    assert throttle.purge() == 1
    assert list(Throttle.objects.values_list("key", flat=True)) == ["t:new"]
    # A hit now and then cleans on its own.
    monkeypatch.setattr(throttle, "PURGE_EVERY", 1)
    now[0] += 600
    throttle.hit("t:third", 60)
    assert list(Throttle.objects.values_list("key", flat=True)) == ["t:third"]


def test_long_keys_are_hashed(db) -> None:
    key = "login:u:" + "x" * 400
    assert throttle.hit(key, 60) == 1 and throttle.count(key) == 1
    stored = Throttle.objects.get().key
    assert len(stored) <= 255 and stored.startswith("login:u:")


def test_cache_store_counts_in_the_configured_cache(db, settings) -> None:
    settings.CACHES = {
        **settings.CACHES,
        "throttle-test": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    settings.XINFANG = {**settings.XINFANG, "THROTTLE_CACHE": "throttle-test"}
    assert [throttle.hit("t:c", 60) for _ in range(3)] == [1, 2, 3]
    assert throttle.count("t:c") == 3 and not Throttle.objects.exists()
    throttle.reset("t:c")
    assert throttle.count("t:c") == 0


def test_a_reset_without_a_count_writes_nothing(db, django_assert_num_queries) -> None:
    """Every successful sign-in resets its account's count; most have none to reset."""
    with django_assert_num_queries(1):
        throttle.reset("login:u:nobody")
