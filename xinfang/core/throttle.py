"""Counters of attempts that every worker process shares, and the client's address.

Failed sign-ins and TOTP codes, portal submissions and bookings, and failed portal lookups
are counted here. A counter in each worker's memory let guesses spread over the workers
of ``gunicorn -w 4`` without ever reaching a limit (issue 25), so the counters live in the
database by default (``core.Throttle``: one atomic ``INSERT … ON CONFLICT … RETURNING``
a hit, on SQLite and PostgreSQL alike), or in a shared cache when
``XINFANG['THROTTLE_CACHE']`` names one (Redis: ``XINFANG_REDIS_URL``).

Windows are fixed: a window starts with its first hit and ends ``window`` seconds later;
later hits do not extend it. Checking a count and recording a hit are two steps, so
requests that arrive together may all pass the check: a limit can be overshot by at most
the number of requests in flight at once.

The client's address is known only from a trusted proxy header
(``XINFANG['TRUSTED_PROXY_HEADER']``): behind a reverse proxy the connection address is
the proxy's, and a limit on it would be a limit on everyone.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import random
import re
import time
from typing import Any, Protocol

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.db import connection, transaction

from .models import Throttle

PURGE_EVERY = 200  # on average, one hit in this many deletes the ended windows
_PLAIN_KEY = re.compile(r"[\w:.@+\-/]{1,200}", re.ASCII)


def _now() -> float:
    return time.time()


def _safe(key: str) -> str:
    """``key`` as stored: readable when it is short plain ASCII, otherwise its kind and a
    hash (a database column and a cache key both have limits)."""
    if _PLAIN_KEY.fullmatch(key):
        return key
    kind = key.rsplit(":", 1)[0][:60] if ":" in key else ""
    return f"{kind}:#{hashlib.sha256(key.encode()).hexdigest()}"


class _Store(Protocol):
    def get(self, key: str) -> tuple[int, float]: ...
    def hit(self, key: str, window: int) -> int: ...
    def reset(self, key: str) -> None: ...
    def purge(self) -> int: ...


class _Database:
    """Counters in ``core.Throttle``."""

    def get(self, key: str) -> tuple[int, float]:
        row = (
            Throttle.objects.filter(key=key, expires__gt=_now())
            .values_list("count", "expires")
            .first()
        )
        return (row[0], float(row[1])) if row else (0, 0.0)

    def hit(self, key: str, window: int) -> int:
        now = int(_now())
        qn = connection.ops.quote_name
        t, k, c, e = (qn(x) for x in (Throttle._meta.db_table, "key", "count", "expires"))
        # One statement: a new window, a hit in the current one, or a new window in place
        # of one that ended. The SET expressions read the row as it was.
        sql = (
            f"INSERT INTO {t} ({k}, {c}, {e}) VALUES (%s, 1, %s) "
            f"ON CONFLICT ({k}) DO UPDATE SET "
            f"{c} = CASE WHEN {t}.{e} <= %s THEN 1 ELSE {t}.{c} + 1 END, "
            f"{e} = CASE WHEN {t}.{e} <= %s THEN %s ELSE {t}.{e} END "
            f"RETURNING {c}"
        )
        # atomic: on SQLite the write queues on the writer lock (core.sqlite) like others
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute(sql, [key, now + window, now, now, now + window])
            (count,) = cur.fetchone()
        if random.random() * PURGE_EVERY < 1:  # housekeeping: no need for a secure draw
            self.purge()
        return int(count)

    def reset(self, key: str) -> None:
        Throttle.objects.filter(key=key).delete()

    def purge(self) -> int:
        deleted, _ = Throttle.objects.filter(expires__lte=_now()).delete()
        return deleted


class _Cache:
    """Counters in a shared Django cache (Redis); the cache expires them itself."""

    def __init__(self, cache: BaseCache) -> None:
        self.cache = cache

    def get(self, key: str) -> tuple[int, float]:
        got = self.cache.get_many([key, f"{key}:until"])
        if key not in got:
            return 0, 0.0
        return int(got[key]), float(got.get(f"{key}:until") or _now())

    def _start(self, key: str, window: int) -> None:
        self.cache.set(f"{key}:until", int(_now()) + window, window)

    def hit(self, key: str, window: int) -> int:
        if self.cache.add(key, 1, window):
            self._start(key, window)
            return 1
        try:
            return int(self.cache.incr(key))  # atomic in Redis (INCR)
        except ValueError:  # the window ended between add and incr
            self.cache.set(key, 1, window)
            self._start(key, window)
            return 1

    def reset(self, key: str) -> None:
        self.cache.delete_many([key, f"{key}:until"])

    def purge(self) -> int:
        return 0


_DATABASE = _Database()


def _store() -> _Store:
    alias = settings.XINFANG.get("THROTTLE_CACHE") or ""
    return _Cache(caches[alias]) if alias else _DATABASE


def count(key: str) -> int:
    """Hits on ``key`` in its current window (0 when none is open)."""
    return _store().get(_safe(key))[0]


def hit(key: str, window: int) -> int:
    """Count one hit on ``key`` and return the count in its window."""
    return _store().hit(_safe(key), int(window))


def reset(key: str) -> None:
    """Forget ``key``'s window (a success, or an administrator's unlock). Reads first:
    most successes follow no failure, and a read takes no write lock."""
    store, key = _store(), _safe(key)
    if store.get(key)[0]:
        store.reset(key)


def retry_after(key: str) -> int:
    """Seconds until ``key``'s window ends (0 when none is open)."""
    n, until = _store().get(_safe(key))
    return max(math.ceil(until - _now()), 0) if n else 0


def purge() -> int:
    """Delete the rows of ended windows; returns how many (a cache expires its own)."""
    return _store().purge()


def client_address(request: Any) -> str:
    """The client's address as a trusted proxy reports it, or "" when it is not known.

    ``XINFANG['TRUSTED_PROXY_HEADER']`` names the header the proxy sets (``X-Forwarded-For``,
    ``X-Real-IP``); the address is the entry ``TRUSTED_PROXY_HOPS`` from the right, the one
    the outermost trusted proxy saw (entries to its left are whatever the client sent).
    ``REMOTE_ADDR`` means clients connect directly. Unset, there is no client address.
    """
    cfg = settings.XINFANG
    header = str(cfg.get("TRUSTED_PROXY_HEADER") or "").strip()
    if not header or request is None:
        return ""
    if header.upper() == "REMOTE_ADDR":
        raw = str(request.META.get("REMOTE_ADDR") or "")
    else:
        value = request.META.get("HTTP_" + header.upper().replace("-", "_"))
        entries = [e.strip() for e in str(value or "").split(",")]
        hops = max(int(cfg.get("TRUSTED_PROXY_HOPS") or 1), 1)
        if not value or len(entries) < hops:
            return ""
        raw = entries[-hops]
    try:
        return str(ipaddress.ip_address(raw.strip()))
    except ValueError:
        return ""


def address_key(address: str) -> str:
    """What a limit per address counts: the IPv4 address, or the /64 network of an IPv6
    one (a subscriber holds a whole /64 and could change address on every try)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return address
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.ip_network(f"{ip}/64", strict=False))
    return str(ip)
