"""The benchmark suite: one command, figures printed and written as JSON.

    .venv/bin/python bench/run.py --matters 100000 [--db sqlite|postgres] [--only NAME ...]

Seeds the database with ``xinfang bench seed`` if it does not hold N matters yet (SQLite
files under ``var/bench/``; PostgreSQL database ``xinfang_bench_<N>`` on
``$XINFANG_BENCH_PG``, default ``postgres://postgres@127.0.0.1:5432``), starts gunicorn on
127.0.0.1 only, and measures each operation after a warm-up: median and p95 over repeated
runs (or throughput for registration). Load is bounded in requests and seconds. Results go
to ``bench/results/<date>-<db>-<N>.json`` (git-ignored). See docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"
OPS = [
    "register",
    "queue",
    "matter",
    "overdue",
    "rates",
    "rates_page",
    "dashboard",
    "search",
    "similar",
    "sweep",
    "excel",
    "rss",
]


# --- helpers --------------------------------------------------------------------------


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    if not s:
        return float("nan")
    k = (len(s) - 1) * p
    lo, hi = int(k), min(int(k) + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def summary(xs: list[float]) -> dict[str, Any]:
    ms = [x * 1000 for x in xs]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(pct(ms, 0.95), 2),
        "p99_ms": round(pct(ms, 0.99), 2),
        "min_ms": round(min(ms), 2),
        "max_ms": round(max(ms), 2),
    }


def machine() -> dict[str, Any]:
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = int(line.split()[1]) // 1024
    return {
        "cores": os.cpu_count(),
        "ram_mib": mem,
        "python": platform.python_version(),
        "load": os.getloadavg(),
    }


def commit() -> str:
    out = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    dirty = subprocess.run(
        ["git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
    ).stdout.strip()
    return out.stdout.strip() + ("+dirty" if dirty else "")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def database_url(db: str, n: int) -> str:
    if db == "sqlite":
        d = ROOT / "var" / "bench"
        d.mkdir(parents=True, exist_ok=True)
        return f"sqlite:///{d / f'sqlite-{n}.sqlite3'}"
    base = os.environ.get("XINFANG_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")
    return f"{base}/xinfang_bench_{n}"


def ensure_pg_database(url: str) -> None:
    import psycopg

    u = urllib.parse.urlparse(url)
    name = u.path.lstrip("/")
    admin = url.rsplit("/", 1)[0] + "/postgres"
    with psycopg.connect(admin, autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')


def xinfang(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(VENV / "xinfang"), *args], env=env, check=True)


# --- HTTP -----------------------------------------------------------------------------


class Client:
    """A keep-alive HTTP/1.1 client with cookies, enough for Django's login and CSRF."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)

    def request(
        self,
        method: str,
        path: str,
        body: bytes | None = None,
        headers: dict[str, str] | None = None,
    ) -> tuple[int, bytes, float]:
        h = {"Host": "127.0.0.1"}
        if self.cookies:
            h["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        h.update(headers or {})
        t = time.perf_counter()
        for attempt in range(2):
            try:
                self.conn.request(method, path, body=body, headers=h)
                r = self.conn.getresponse()
                data = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
                if attempt:
                    raise
        dt = time.perf_counter() - t
        for k, v in r.getheaders():
            if k.lower() == "set-cookie":
                name, _, rest = v.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        return r.status, data, dt

    def get(self, path: str) -> tuple[int, bytes, float]:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> tuple[int, bytes, float]:
        body = urllib.parse.urlencode(
            {**fields, "csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
        ).encode()
        return self.request(
            "POST",
            path,
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "X-CSRFToken": self.cookies.get("csrftoken", ""),
                "Referer": f"http://127.0.0.1:{self.port}{path}",
            },
        )

    def login(self, username: str, password: str) -> None:
        status, body, _ = self.get("/login/")
        m = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        token = m.group(1).decode() if m else self.cookies.get("csrftoken", "")
        status, _, _ = self.request(
            "POST",
            "/login/",
            urllib.parse.urlencode(
                {"username": username, "password": password, "csrfmiddlewaretoken": token}
            ).encode(),
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Referer": f"http://127.0.0.1:{self.port}/login/",
            },
        )
        if status != 302 or "sessionid" not in self.cookies:
            raise SystemExit(f"login as {username} failed: HTTP {status}")


class Server:
    """gunicorn on 127.0.0.1 with the benchmark database; stopped on exit."""

    def __init__(self, env: dict[str, str], workers: int, threads: int) -> None:
        self.port = free_port()
        self.proc = subprocess.Popen(
            [
                str(VENV / "gunicorn"),
                "xinfang.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(workers),
                "--threads",
                str(threads),
                "--worker-class",
                "gthread" if threads > 1 else "sync",
                "--timeout",
                "300",
                "--log-level",
                "warning",
            ],
            env=env,
            cwd=ROOT,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                time.sleep(0.2)
        raise SystemExit("gunicorn did not start")

    def worker_rss(self) -> list[int]:
        """Peak resident set (VmHWM, MiB) of each worker process."""
        out = []
        kids = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        for pid in kids.read_text().split() if kids.exists() else []:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    out.append(int(line.split()[1]) // 1024)
        return out

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


WORKERS = [1]  # the server's worker processes (Suite sets it)


def timed_gets(c: Client, paths: Callable[[int], str], warm: int, runs: int) -> list[float]:
    """``runs`` timed GETs of ``paths(i)`` after ``warm`` rounds of warm-up (``timed``)."""
    return timed(c, lambda k, i: k.get(paths(i)), warm, runs, lambda i: f"GET {paths(i)}")


def timed(
    c: Client,
    send: Callable[[Client, int], tuple[int, bytes, float]],
    warm: int,
    runs: int,
    what: Callable[[int], str],
) -> list[float]:
    """``runs`` timed requests ``send(client, i)`` after ``warm`` rounds of warm-up, each
    round one request per worker at once: with sync workers the kernel, not the client,
    picks the worker, and a worker's first sight of a page costs ten times a warm one
    (templates, URL patterns, SQLite's page cache of that worker's connection). Warmed one
    after another, requests may all reach one worker, and each other worker's first
    request is then timed (a suggestion: 345–356 ms against a median of 31 ms)."""
    errors: list[str] = []

    def one(i: int) -> None:
        k = Client(c.port)
        k.cookies = dict(c.cookies)
        status, _, _ = send(k, i)
        if status != 200:
            errors.append(f"{what(i)} answered {status}")

    for i in range(warm):
        threads = [threading.Thread(target=one, args=(i,)) for _ in range(WORKERS[0])]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if errors:
            raise SystemExit(errors[0])
    out = []
    for i in range(runs):
        status, _, dt = send(c, warm + i)
        if status != 200:
            raise SystemExit(f"{what(warm + i)} answered {status}")
        out.append(dt)
    return out


# --- the suite ------------------------------------------------------------------------


class Suite:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.url = database_url(args.db, args.matters)
        self.env = {
            **os.environ,
            "DATABASE_URL": self.url,
            "XINFANG_DEBUG": "0",
            "XINFANG_ALLOW_DEV_KEYS": "1",  # production settings on throwaway data
            "XINFANG_TOOLS": "1",  # the seeder
            "XINFANG_SSL_REDIRECT": "0",
            "XINFANG_LOG_LEVEL": "ERROR",
        }
        self.results: dict[str, Any] = {}
        self.server: Server | None = None

    # Django in this process, for fixtures (users, tokens) and in-process operations.
    def django(self) -> None:
        os.environ.update(self.env)
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()

    def prepare(self) -> None:
        if self.args.db == "postgres":
            ensure_pg_database(self.url)
        xinfang(self.env, "migrate", "-v0")
        self.django()
        from xinfang.bench import org, seed

        have = seed.seeded_originals(org.build()) if not self.args.no_seed else self.args.matters
        if have < self.args.matters:
            print(f"seeding {self.args.matters - have} matters …", flush=True)
            t = time.monotonic()
            xinfang(
                self.env,
                "bench",
                "seed",
                "--matters",
                str(self.args.matters),
                "--until",
                self.args.until,
                *(["--resume"] if have else []),
            )
            self.results["seed_seconds"] = round(time.monotonic() - t, 1)

    def header(self) -> dict[str, Any]:
        from django.db import connection

        from xinfang.cases.models import Event, Matter

        with connection.cursor() as cur:
            if connection.vendor == "sqlite":
                cur.execute("select sqlite_version()")
                version = "SQLite " + cur.fetchone()[0]
            else:
                cur.execute("show server_version")
                version = "PostgreSQL " + cur.fetchone()[0]
        size = 0
        autovacuum = None
        if connection.vendor == "postgresql":
            with connection.cursor() as cur:
                cur.execute("show autovacuum")
                autovacuum = cur.fetchone()[0]
        if connection.vendor == "sqlite":
            size = Path(connection.settings_dict["NAME"]).stat().st_size
        else:
            with connection.cursor() as cur:
                cur.execute("select pg_database_size(current_database())")
                size = cur.fetchone()[0]
        return {
            "commit": commit(),
            "database": version,
            "matters": Matter.objects.count(),
            "events": Event.objects.count(),
            "open": Matter.objects.open().count(),
            "db_size_mib": size // (1024 * 1024),
            "autovacuum": autovacuum,
            "machine": machine(),
            "when": datetime.now().isoformat(timespec="seconds"),
        }

    # --- actors ---------------------------------------------------------------------

    def actors(self) -> dict[str, Any]:
        """The busiest handler's unit, a county and a province supervisor, a registrar."""
        from django.db.models import Count

        from xinfang.bench import org
        from xinfang.cases.models import Matter
        from xinfang.org.models import Level, Role, User

        dep = org.load()
        busiest = (
            Matter.objects.open()
            .exclude(lead_unit=None)
            .values("lead_unit")
            .annotate(n=Count("id"))
            .order_by("-n")
            .first()
        )
        assert busiest is not None
        handler = User.objects.filter(
            memberships__unit_id=busiest["lead_unit"], memberships__role=Role.HANDLER
        ).first()
        county_office = max(
            (o for o in dep.offices if o.unit.level == Level.COUNTY and o.supervisors),
            key=lambda o: Matter.objects.filter(registered_unit=o.unit).count(),
        )
        province_office = next(o for o in dep.offices if o.unit.level == Level.PROVINCE)
        assert handler is not None
        return {
            "handler": handler.username,
            "handler_unit": busiest["lead_unit"],
            "handler_open": busiest["n"],
            "county_supervisor": User.objects.get(pk=county_office.supervisors[0]).username,
            "province_supervisor": User.objects.get(pk=province_office.supervisors[0]).username,
            "registrar": User.objects.get(pk=county_office.registrars[0]),
            "office": county_office,
            "dep": dep,
        }

    def client(self, username: str) -> Client:
        from xinfang.bench.org import PASSWORD

        assert self.server is not None
        c = Client(self.server.port)
        c.login(username, PASSWORD)
        return c

    # --- operations -----------------------------------------------------------------

    def op_register(self, a: dict[str, Any]) -> dict[str, Any]:
        from xinfang.api.models import ApiToken
        from xinfang.bench import texts

        _, token = ApiToken.issue(a["registrar"], "bench")
        office = a["office"]
        dep = a["dep"]
        towns = office.towns
        clients, total, seconds = 8, self.args.requests, self.args.seconds
        lat: list[float] = []
        errors: list[str] = []
        lock = threading.Lock()
        counter = iter(range(10**9))

        def body(i: int) -> bytes:
            rng = random.Random(i)
            town = rng.choice(towns)
            # every topic, as an office receives them: with one topic the benchmark's own
            # registrations (~3,000 a run) made the newest ids all wage complaints, which
            # the search and suggestion pages measured after it then had to read through
            topic = rng.choice(texts.TOPICS)
            title, content, facts = texts.complaint(rng, topic, dep.places[town])
            return json.dumps(
                {
                    "unit": office.unit.pk,
                    "channel": "letter",
                    "category": "claim",
                    "title": title,
                    "content": content,
                    "facts": facts,
                    "received_at": datetime.now().astimezone().isoformat(),
                    "topic": topic,
                    "area": town,
                    "petitioners": [
                        {"name": texts.person(rng), "phone": texts.phone(rng), "address": "某地"}
                    ],
                },
                ensure_ascii=False,
            ).encode()

        # the bodies before the clock starts: the load generator shares the server's two
        # cores, and writing Chinese complaints is not the work being measured
        warm = 40
        bodies = [body(i) for i in range(warm + total)]
        assert self.server is not None
        port = self.server.port
        stop_at = [0.0]

        def worker(n_warm: int) -> None:
            c = Client(port)
            hdr = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
            while True:
                i = next(counter)
                if n_warm:
                    if i >= n_warm:
                        return
                elif i >= total or time.monotonic() > stop_at[0]:
                    return
                b = bodies[i if n_warm else warm + i]  # the timed run has its own bodies
                status, data, dt = c.request("POST", "/api/v1/matters", b, hdr)
                with lock:
                    if status != 201:
                        errors.append(f"{status} {data[:200]!r}")
                    elif not n_warm:
                        lat.append(dt)

        threads = [threading.Thread(target=worker, args=(warm,)) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        counter = iter(range(10**9))
        stop_at[0] = time.monotonic() + seconds
        t0 = time.perf_counter()
        threads = [threading.Thread(target=worker, args=(0,)) for _ in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        wall = time.perf_counter() - t0
        return {
            "clients": clients,
            "requests": len(lat),
            "errors": len(errors),
            "first_error": errors[0] if errors else "",
            "per_second": round(len(lat) / wall, 1),
            **summary(lat),
        }

    def op_queue(self, a: dict[str, Any]) -> dict[str, Any]:
        """Every open matter the handler may see (``view=open``: the list earlier runs
        timed as "/"), and the default page, what waits for the handler grouped by step."""
        c = self.client(a["handler"])
        r = summary(timed_gets(c, lambda i: "/?view=open", 5, self.args.runs))
        todo = summary(timed_gets(c, lambda i: "/", 5, self.args.runs))
        return {**r, "todo": todo, "user": a["handler"], "open_in_unit": a["handler_open"]}

    def op_matter(self, a: dict[str, Any]) -> dict[str, Any]:
        from xinfang.cases.access import visible
        from xinfang.org.models import User

        user = User.objects.get(username=a["handler"])
        ids = list(visible(user).order_by("-pk").values_list("pk", flat=True)[:500])
        rng = random.Random(7)
        c = self.client(a["handler"])
        return summary(timed_gets(c, lambda i: f"/matters/{rng.choice(ids)}/", 5, self.args.runs))

    def op_overdue(self, a: dict[str, Any]) -> dict[str, Any]:
        from django.utils import timezone

        from xinfang.cases.access import visible
        from xinfang.org.models import User

        user = User.objects.get(username=a["county_supervisor"])
        n = visible(user).overdue(timezone.localdate()).count()
        c = self.client(a["county_supervisor"])
        r = summary(timed_gets(c, lambda i: "/?view=open&overdue=1", 3, self.args.runs))
        return {**r, "user": a["county_supervisor"], "overdue_visible": n}

    def op_rates(self, a: dict[str, Any]) -> dict[str, Any]:
        from xinfang.reports.queries import Period
        from xinfang.supervision import rates

        p = Period.year(int(self.args.until[:4]) - 1)
        rates.compute(p.start_dt, p.end_dt)
        xs = []
        rows = 0
        for _ in range(max(5, self.args.runs // 4)):
            t = time.perf_counter()
            rows = len(rates.compute(p.start_dt, p.end_dt))
            xs.append(time.perf_counter() - t)
        return {**summary(xs), "units": rows, "year": p.start.year}

    def op_rates_page(self, a: dict[str, Any]) -> dict[str, Any]:
        year = int(self.args.until[:4]) - 1
        c = self.client(a["province_supervisor"])
        return summary(
            timed_gets(c, lambda i: f"/reports/rates/?year={year}", 2, max(5, self.args.runs // 4))
        )

    def op_dashboard(self, a: dict[str, Any]) -> dict[str, Any]:
        """统计分析 (/reports/, the last 12 months) for the province supervisor, who sees
        every matter (the monthly counters), and the county supervisor (their matters)."""
        out = {}
        for who in ("province_supervisor", "county_supervisor"):
            c = self.client(a[who])
            runs = max(5, self.args.runs // 4)
            out[who.split("_")[0]] = summary(timed_gets(c, lambda i: "/reports/", 2, runs))
        return out

    def op_search(self, a: dict[str, Any]) -> dict[str, Any]:
        try:
            import xinfang.search.queries  # noqa: F401
        except ImportError:
            return {"available": False}
        c = self.client(a["county_supervisor"])
        out = {}
        for label, terms in (
            ("2char", ["拆迁", "物业", "工资", "低保"]),
            ("4char", ["拖欠工资", "噪音扰民", "安置补偿", "停车收费"]),
        ):
            qs = [urllib.parse.quote(t) for t in terms]
            out[label] = summary(
                timed_gets(c, lambda i, qs=qs: f"/search/?q={qs[i % len(qs)]}", 4, self.args.runs)
            )
        return out

    def op_similar(self, a: dict[str, Any]) -> dict[str, Any]:
        try:
            import xinfang.search.similar  # noqa: F401
        except ImportError:
            return {"available": False}
        from xinfang.bench import texts

        office, dep = a["office"], a["dep"]
        c = self.client(a["registrar"].username)
        c.get("/matters/new/")
        rng = random.Random(11)
        forms = []
        for _ in range(5 + self.args.runs):
            town = rng.choice(office.towns)
            title, content, facts = texts.complaint(rng, rng.choice(texts.TOPICS), dep.places[town])
            forms.append(
                {
                    "title": title,
                    "content": content,
                    "facts": facts,
                    "area": str(town),
                    "p0_name": texts.person(rng),
                    "p0_phone": texts.phone(rng),
                }
            )

        def send(k: Client, i: int) -> tuple[int, bytes, float]:
            return k.post_form("/search/similar/", forms[i])

        return summary(timed(c, send, 5, self.args.runs, lambda i: "POST /search/similar/"))

    def op_sweep(self, a: dict[str, Any]) -> dict[str, Any]:
        """The sweep over all open matters in a child process, rolled back each time so
        every run does the same work; time and peak RSS of the process."""
        code = (
            "import os,time,json,resource,django;"
            "os.environ.setdefault('DJANGO_SETTINGS_MODULE','xinfang.settings');django.setup();"
            "from django.db import transaction;from xinfang.supervision.services import sweep;"
            "from xinfang.cases.models import Matter;"
            "n=Matter.objects.open().count();t=time.perf_counter()\n"
            "with transaction.atomic():\n"
            " r=sweep();dt=time.perf_counter()-t\n"
            " t=time.perf_counter();sweep();dt2=time.perf_counter()-t\n"
            " transaction.set_rollback(True)\n"
            "print(json.dumps({'seconds':dt,'again':dt2,'open':n,'scanned':r.scanned,"
            "'alerts':r.warnings+r.overdue,'escalated':r.escalated,"
            "'notifications':r.notifications,'visits':r.visits,"
            "'rss_mib':resource.getrusage(resource.RUSAGE_SELF).ru_maxrss//1024}))"
        )
        runs = []
        for _ in range(self.args.sweeps):
            out = subprocess.run(
                [str(VENV / "python"), "-c", code],
                env=self.env,
                cwd=ROOT,
                capture_output=True,
                text=True,
                check=True,
            )
            runs.append(json.loads(out.stdout.strip().splitlines()[-1]))
        secs = [r["seconds"] for r in runs]
        return {
            "runs": len(runs),
            "median_s": round(statistics.median(secs), 2),
            "max_s": round(max(secs), 2),
            # the same day again: every alert exists, only the scan and checks remain
            "again_median_s": round(statistics.median(r["again"] for r in runs), 2),
            "escalated": runs[0]["escalated"],
            "open": runs[0]["open"],
            "scanned": runs[0]["scanned"],
            "alerts": runs[0]["alerts"],
            "notifications": runs[0]["notifications"],
            "visits": runs[0]["visits"],
            "peak_rss_mib": max(r["rss_mib"] for r in runs),
        }

    def op_excel(self, a: dict[str, Any]) -> dict[str, Any]:
        until = date.fromisoformat(self.args.until)
        last = until.replace(day=1) - timedelta(days=1)
        c = self.client(a["province_supervisor"])
        path = f"/reports/monthly.xlsx?year={last.year}&month={last.month}"
        xs = timed_gets(c, lambda i: path, 1, 3)
        size = len(c.get(path)[1])
        return {**summary(xs), "bytes": size, "user": a["province_supervisor"]}

    def op_rss(self, a: dict[str, Any]) -> dict[str, Any]:
        assert self.server is not None
        rss = self.server.worker_rss()
        return {"workers": len(rss), "peak_rss_mib": max(rss) if rss else None, "each": rss}

    def vacuum_written(self) -> float:
        """``VACUUM (ANALYZE)`` of the tables registration writes, where the server runs
        without autovacuum (as CI's does) and a deployment's would have done it: without
        it the pending-terms table keeps every dead row (a reader listed 12,032 of them,
        2.6–3.3 ms), the GIN pending lists are cleaned only by the inserts, and the
        planner's statistics age. Returns the seconds it took (not part of any figure)."""
        from django.db import connection

        t = time.monotonic()
        with connection.cursor() as cur:
            cur.execute(
                "VACUUM (ANALYZE) search_searchtermdelta, search_searchterm, search_searchdoc, "
                "cases_matter, cases_event, cases_petitioner, cases_receiptcounter, "
                "reports_monthcount"
            )
        return round(time.monotonic() - t, 1)

    # --- run ------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        self.prepare()
        head = self.header()
        print(json.dumps(head, ensure_ascii=False, indent=1), flush=True)
        a = self.actors()
        only = self.args.only or OPS
        self.server = Server(self.env, self.args.workers, self.args.threads)
        WORKERS[0] = self.args.workers
        try:
            for name in OPS:
                if name not in only:
                    continue
                t = time.monotonic()
                res = getattr(self, f"op_{name}")(a)
                if name == "register" and head.get("autovacuum") == "off":
                    res["vacuumed_after_s"] = self.vacuum_written()
                res["took_s"] = round(time.monotonic() - t, 1)
                self.results[name] = res
                print(f"{name:12s} {json.dumps(res, ensure_ascii=False)}", flush=True)
        finally:
            self.server.stop()
        out = {"header": head, "args": vars(self.args), "results": self.results}
        d = ROOT / "bench" / "results"
        d.mkdir(exist_ok=True)
        tag = f"-{self.args.tag}" if self.args.tag else ""
        path = d / f"{date.today().isoformat()}-{self.args.db}-{self.args.matters}{tag}.json"
        path.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str))
        print(f"written {path.relative_to(ROOT)}")
        return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--matters", type=int, default=100_000)
    p.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    p.add_argument("--only", nargs="*", choices=OPS)
    p.add_argument("--runs", type=int, default=40, help="timed requests per page")
    p.add_argument("--requests", type=int, default=3000, help="registration: at most")
    p.add_argument("--seconds", type=float, default=30, help="registration: at most")
    p.add_argument("--sweeps", type=int, default=3)
    # the README's production command (``gunicorn -w 4``: sync workers, two a core): with
    # threads, a worker holding SQLite's write lock waits for the GIL behind its own other
    # requests (1 M, 8 clients: 2 × 4 gthread 112/s p99 135 ms, 4 sync 113–152/s p99 102–203 ms)
    p.add_argument("--workers", type=int, default=4)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--until", default=date.today().isoformat(), help="last seeded day")
    p.add_argument("--no-seed", action="store_true", help="use the database as it is")
    p.add_argument("--tag", default="", help="suffix of the result file (e.g. before, after)")
    Suite(p.parse_args()).run()


if __name__ == "__main__":
    main()
