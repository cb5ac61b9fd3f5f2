"""Side by side: Xinfang and django-helpdesk holding the same N tickets, timed in one run.

    .venv/bin/python bench/helpdesk/run.py --tickets 100000 [--db sqlite|postgres]

1. Creates ``bench/helpdesk/.venv`` (git-ignored) with django-helpdesk from PyPI, on the
   same Django series as Xinfang, plus gunicorn and psycopg.
2. Loads Xinfang (``xinfang_side.py load``: the demo county and a few hundred matters
   through the real services, copied in bulk to N with fresh texts), exports every matter
   and loads the same texts, statuses, units-as-queues and event-as-follow-up rows into a
   minimal helpdesk project written under ``bench/results/`` (``helpdesk_side.py``).
   Loading is skipped when the work directory already holds N of each.
3. Starts both on 127.0.0.1 with gunicorn (same worker count, DEBUG off), and times with
   real HTTP from one client, alternating A/B then B/A, after a warm-up:

   create       POST /api/v1/matters (bearer)     POST /api/tickets/ (DRF token)
   list_json    GET /api/v1/matters?limit=25      datatables JSON, open+reopened, 25
   queue_page   GET / (我的待办, open, 50, count)  GET /tickets/ + its datatables JSON
   dashboard    GET /reports/ (统计分析)            GET /dashboard/
   search_*     GET /api/v1/search?q=TERM          datatables JSON with search_string

   Reads are made as a supervisor who sees every matter (Xinfang) and a superuser
   (helpdesk); writes as a registrar (Xinfang) and the same superuser (helpdesk).
4. Prints medians, p95 and the ratio Xinfang ÷ helpdesk, writes JSON to bench/results/,
   and stops both servers (also on Ctrl-C or error). Bounded: --reps samples per side
   and operation, at most --op-seconds per side and operation, --max-minutes overall.
"""

from __future__ import annotations

import argparse
import atexit
import base64
import contextlib
import http.client
import json
import math
import os
import platform
import random
import signal
import statistics
import subprocess
import sys
import time
import urllib.parse
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = ROOT / "bench" / "results"
VENV = HERE / ".venv"
XPY = Path(sys.executable)
PG = "postgres://postgres@127.0.0.1:5432"
PORTS = {"xinfang": 8751, "helpdesk": 8752}
REQUIREMENTS = [
    "django-helpdesk>=2.6,<2.7",
    "Django>=5.2,<5.3",
    "gunicorn>=23",
    "psycopg[binary]>=3.2",
]
TARGET = {"read": 0.1, "write": 0.5}
SERVERS: list[subprocess.Popen[bytes]] = []


# --- setup ------------------------------------------------------------------------------


def ensure_venv() -> Path:
    py = VENV / "bin" / "python"
    if not (VENV / "bin" / "gunicorn").exists():
        print("==> creating", VENV, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run([str(VENV / "bin" / "pip"), "install", "-q", *REQUIREMENTS], check=True)
    return py


def write_project(work: Path, db_url: str | None) -> Path:
    """A minimal helpdesk project: the package's own urls at /, token and session auth
    for its API, e-mail discarded, SQLite with the same PRAGMAs as Xinfang."""
    proj = work / "hdproj"
    proj.mkdir(parents=True, exist_ok=True)
    (proj / "__init__.py").write_text("")
    if db_url:
        u = urllib.parse.urlparse(db_url)
        pg = {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": u.path.lstrip("/"),
            "USER": u.username,
            "HOST": u.hostname,
            "PORT": str(u.port or 5432),
            "CONN_MAX_AGE": 60,
        }
        db = repr(pg)
    else:
        lite = {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(work / "helpdesk.sqlite3"),
            "OPTIONS": {
                "timeout": 30,
                "init_command": "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;",
            },
        }
        db = repr(lite)
    (proj / "settings.py").write_text(
        f"""SECRET_KEY = "bench-only-not-secret-0123456789abcdefghijklmnopqrstuvwxyz"
DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
INSTALLED_APPS = [
    "django.contrib.admin", "django.contrib.auth", "django.contrib.contenttypes",
    "django.contrib.sessions", "django.contrib.messages", "django.contrib.staticfiles",
    "django.contrib.sites", "django.contrib.humanize",
    "rest_framework", "rest_framework.authtoken", "helpdesk",
]
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]
ROOT_URLCONF = "hdproj.urls"
WSGI_APPLICATION = "hdproj.wsgi.application"
TEMPLATES = [{{
    "BACKEND": "django.template.backends.django.DjangoTemplates", "DIRS": [], "APP_DIRS": True,
    "OPTIONS": {{"context_processors": [
        "django.template.context_processors.request",
        "django.contrib.auth.context_processors.auth",
        "django.contrib.messages.context_processors.messages",
        "django.template.context_processors.i18n",
    ]}},
}}]
DATABASES = {{"default": {db}}}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
SITE_ID = 1
LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
STATIC_URL = "/static/"
LOGIN_URL = "/login/"
EMAIL_BACKEND = "django.core.mail.backends.dummy.EmailBackend"
HELPDESK_TEAMS_MODE_ENABLED = False
REST_FRAMEWORK = {{"DEFAULT_AUTHENTICATION_CLASSES": [
    "rest_framework.authentication.TokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]}}
"""
    )
    (proj / "urls.py").write_text(
        "from django.urls import include, path\n\n"
        'urlpatterns = [path("", include("helpdesk.urls", namespace="helpdesk"))]\n'
    )
    (proj / "wsgi.py").write_text(
        "import os\n\nfrom django.core.wsgi import get_wsgi_application\n\n"
        'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hdproj.settings")\n'
        "application = get_wsgi_application()\n"
    )
    return proj


def ensure_pg_database(name: str) -> None:
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
        if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            c.execute(f'CREATE DATABASE "{name}"')


def db_version(url: str | None) -> str:
    if not url:
        import sqlite3

        return f"SQLite {sqlite3.sqlite_version}"
    import psycopg

    with psycopg.connect(url) as c:
        row = c.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0] if row else '?'}"


def run(cmd: list[str], env: dict[str, str], cwd: Path | None = None) -> str:
    out = subprocess.run(cmd, env=env, cwd=cwd, check=True, capture_output=True, text=True)
    if out.stderr.strip():
        print(out.stderr.strip()[-2000:], file=sys.stderr)
    return out.stdout


def seeder_available() -> bool:
    return (ROOT / "xinfang" / "bench" / "management" / "commands" / "bench.py").exists() or (
        ROOT / "xinfang" / "bench" / "__init__.py"
    ).exists()


# --- servers ------------------------------------------------------------------------------


def stop_servers() -> None:
    for p in SERVERS:
        if p.poll() is None:
            try:
                os.killpg(p.pid, signal.SIGTERM)
                p.wait(10)
            except (ProcessLookupError, subprocess.TimeoutExpired):
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(p.pid, signal.SIGKILL)
    SERVERS.clear()


def start(
    name: str, exe: Path, app: str, env: dict[str, str], cwd: Path, workers: int, log: Path
) -> None:
    p = subprocess.Popen(
        [str(exe), "-w", str(workers), "-b", f"127.0.0.1:{PORTS[name]}", "--timeout", "600", app],
        env=env,
        cwd=cwd,
        stdout=log.open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    SERVERS.append(p)
    for _ in range(150):
        try:
            c = http.client.HTTPConnection("127.0.0.1", PORTS[name], timeout=2)
            c.request("GET", "/login/")
            c.getresponse().read()
            return
        except OSError:
            if p.poll() is not None:
                raise RuntimeError(f"{name} server exited; see {log}") from None
            time.sleep(0.2)
    raise RuntimeError(f"{name} server did not answer; see {log}")


# --- client --------------------------------------------------------------------------------


def request(
    name: str, method: str, path: str, headers: dict[str, str], body: bytes | None = None
) -> tuple[float, int, int]:
    """One request on a fresh connection (gunicorn's sync workers close after each)."""
    c = http.client.HTTPConnection("127.0.0.1", PORTS[name], timeout=600)
    t = time.perf_counter()
    c.request(method, path, body=body, headers={"Host": "127.0.0.1", **headers})
    r = c.getresponse()
    data = r.read()
    took = time.perf_counter() - t
    c.close()
    return took, r.status, len(data)


def b64(q: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(q).encode()).decode()


def hd_list_path(search: str = "", length: int = 25) -> str:
    q = {
        "filtering": {"status__in": [1, 2]},
        "filtering_null": {},
        "sorting": "created",
        "sortreverse": False,
        "search_string": search,
    }
    return f"/datatables_ticket_list/{b64(q)}?draw=1&start=0&length={length}"


class Ops:
    """Each operation: (kind, xinfang call, helpdesk call); a call returns (s, status, bytes)."""

    def __init__(
        self,
        xc: dict[str, Any],
        hc: dict[str, Any],
        corpus: list[dict[str, Any]],
        terms: list[str],
        fts: bool,
    ):
        self.fts = fts
        self.xc, self.hc, self.corpus = xc, hc, corpus
        self.rng = random.Random(7)
        self.xs = {"Cookie": f"sessionid={xc['session']}"}
        self.hs = {"Cookie": f"sessionid={hc['session']}"}
        self.text: dict[str, Any] = {}
        self.terms = terms

    def _next_text(self) -> dict[str, Any]:
        return self.rng.choice(self.corpus)

    def x_create(self) -> tuple[float, int, int]:
        r = self.text = self._next_text()
        content, _, facts = r["description"].partition("\n")
        body = {
            "unit": self.xc["unit"],
            "channel": "letter",
            "category": "claim",
            "title": r["title"][:120],
            "content": content,
            "facts": facts,
            "received_at": datetime.now(UTC).isoformat(),
            "petitioners": [
                {"name": "王建国", "phone": "13800001111", "address": "青山县城关镇人民路1号"}
            ],
        }
        return request(
            "xinfang",
            "POST",
            "/api/v1/matters",
            {"Authorization": f"Bearer {self.xc['token']}", "Content-Type": "application/json"},
            json.dumps(body, ensure_ascii=False).encode(),
        )

    def h_create(self) -> tuple[float, int, int]:
        r = self.text or self._next_text()
        body = {
            "queue": self.rng.choice(self.hc["queues"]),
            "title": r["title"][:200],
            "description": r["description"],
            "submitter_email": "citizen@example.invalid",
            "priority": 3,
        }
        return request(
            "helpdesk",
            "POST",
            "/api/tickets/",
            {"Authorization": f"Token {self.hc['token']}", "Content-Type": "application/json"},
            json.dumps(body, ensure_ascii=False).encode(),
        )

    def table(self) -> list[tuple[str, str, Any, Any]]:
        ops: list[tuple[str, str, Any, Any]] = [
            ("create", "write", self.x_create, self.h_create),
            (
                "list_json",
                "read",
                lambda: request("xinfang", "GET", "/api/v1/matters?limit=25", self.xs),
                lambda: request("helpdesk", "GET", hd_list_path(), self.hs),
            ),
            (
                "queue_page",
                "read",
                lambda: request("xinfang", "GET", "/", self.xs),
                self.h_queue_page,
            ),
            (
                "dashboard",
                "read",
                lambda: request("xinfang", "GET", "/reports/", self.xs),
                lambda: request("helpdesk", "GET", "/dashboard/", self.hs),
            ),
        ]
        for i, term in enumerate(self.terms):
            qx = urllib.parse.quote(term)
            # Full-text search where Xinfang has it (GET /api/v1/search), else the list's
            # title/receipt filter.
            path = f"/api/v1/search?limit=25&q={qx}" if self.fts else f"/api/v1/matters?q={qx}"
            ops.append(
                (
                    f"search_{i + 1}",
                    "read",
                    lambda path=path: request("xinfang", "GET", path, self.xs),
                    lambda term=term: request("helpdesk", "GET", hd_list_path(term), self.hs),
                )
            )
        return ops

    def h_queue_page(self) -> tuple[float, int, int]:
        a = request("helpdesk", "GET", "/tickets/", self.hs)
        b = request("helpdesk", "GET", hd_list_path(), self.hs)
        return a[0] + b[0], a[1] if a[1] != 200 else b[1], a[2] + b[2]


def p95(xs: list[float]) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, max(0, math.ceil(0.95 * len(s)) - 1))]


def measure(ops: Ops, reps: int, op_seconds: float, deadline: float) -> list[dict[str, Any]]:
    out = []
    for name, kind, fx, fh in ops.table():
        sides = {"xinfang": fx, "helpdesk": fh}
        samples: dict[str, list[float]] = {"xinfang": [], "helpdesk": []}
        errors: dict[str, list[int]] = {"xinfang": [], "helpdesk": []}
        sizes: dict[str, int] = {}
        spent = {"xinfang": 0.0, "helpdesk": 0.0}
        warm = {}
        for side, f in sides.items():  # warm-up, not counted
            warm[side], st, size = f()
            sizes[side] = size
            if st >= 400:
                errors[side].append(st)
        # An operation slower than a third of its budget gets one timed sample per side.
        n_reps = 1 if max(warm.values()) > op_seconds / 3 else reps
        for i in range(n_reps):
            order = ["xinfang", "helpdesk"] if i % 2 == 0 else ["helpdesk", "xinfang"]
            for side in order:
                took, st, _ = sides[side]()
                spent[side] += took
                if st >= 400:
                    errors[side].append(st)
                else:
                    samples[side].append(took)
            if i >= 2 and (max(spent.values()) > op_seconds or time.monotonic() > deadline):
                break
        row: dict[str, Any] = {"op": name, "kind": kind}
        for side in sides:
            xs = samples[side]
            row[side] = {
                "n": len(xs),
                "median_ms": round(statistics.median(xs) * 1000, 1) if xs else None,
                "p95_ms": round(p95(xs) * 1000, 1) if xs else None,
                "min_ms": round(min(xs) * 1000, 1) if xs else None,
                "max_ms": round(max(xs) * 1000, 1) if xs else None,
                "bytes": sizes.get(side),
                "errors": errors[side],
            }
        xm, hm = row["xinfang"]["median_ms"], row["helpdesk"]["median_ms"]
        row["ratio"] = round(xm / hm, 3) if xm and hm else None
        row["target"] = TARGET[kind]
        row["meets"] = row["ratio"] is not None and row["ratio"] <= TARGET[kind]
        out.append(row)
        print(
            f"  {name:<11} xinfang {xm} ms  helpdesk {hm} ms  ratio {row['ratio']}"
            + (f"  errors {errors}" if any(errors.values()) else ""),
            flush=True,
        )
    return out


# --- main -------------------------------------------------------------------------------------


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("--tickets", type=int, default=100_000)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--workers", type=int, default=1)
    ap.add_argument("--reps", type=int, default=15)
    ap.add_argument("--op-seconds", type=float, default=90.0)
    ap.add_argument("--max-minutes", type=float, default=45.0, help="for the timing phase")
    ap.add_argument("--templates", type=int, default=400)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--terms", default="物业,拖欠农民工工资")
    ap.add_argument(
        "--seeder",
        choices=["auto", "bench", "copy"],
        default="auto",
        help="bench: `xinfang bench seed`; copy: demo matters copied in bulk; auto: bench if any",
    )
    ap.add_argument(
        "--xinfang-db",
        default="",
        help="SQLite: copy this database seeded by `xinfang bench seed` instead of seeding",
    )
    ap.add_argument(
        "--reload", action="store_true", help="load again even if the work dir has data"
    )
    a = ap.parse_args()
    t_start = time.monotonic()
    atexit.register(stop_servers)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))

    hpy = ensure_venv()
    n = a.tickets
    work = RESULTS / f"helpdesk-{a.db}-{n}"
    work.mkdir(parents=True, exist_ok=True)
    xdata = work / "xinfang"
    xdata.mkdir(exist_ok=True)
    x_url = h_url = None
    if a.db == "postgres":
        x_url, h_url = f"{PG}/bench_xinfang_{n}", f"{PG}/bench_helpdesk_{n}"
        ensure_pg_database(f"bench_xinfang_{n}")
        ensure_pg_database(f"bench_helpdesk_{n}")
    write_project(work, h_url)
    xenv = {
        **os.environ,
        "XINFANG_DATA_DIR": str(xdata),
        "DATABASE_URL": x_url or "",
        "XINFANG_DEBUG": "0",
        "XINFANG_ALLOW_DEV_KEYS": "1",  # production settings on throwaway data
        "XINFANG_TOOLS": "1",  # the seeder
        "XINFANG_SSL_REDIRECT": "0",
    }
    henv = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hdproj.settings",
        "PYTHONPATH": str(work),
    }
    henv.pop("DATABASE_URL", None)
    marker = work / "loaded.json"
    export = work / "corpus.jsonl"
    side_x = [str(XPY), str(HERE / "xinfang_side.py")]
    side_h = [str(hpy), str(HERE / "helpdesk_side.py")]
    loaded = json.loads(marker.read_text()) if marker.exists() and not a.reload else None
    if loaded is None:
        if a.db == "sqlite":
            for f in [*xdata.glob("xinfang.sqlite3*"), *work.glob("helpdesk.sqlite3*")]:
                f.unlink()
        t = time.monotonic()
        seeder = a.seeder
        if seeder == "auto":
            seeder = "bench" if seeder_available() else "copy"
        if a.xinfang_db:
            seeder = "given"
        print(f"==> loading Xinfang with {n} matters ({seeder})", flush=True)
        if seeder == "given":
            # a database ``xinfang bench seed`` already built (seeding 1 M takes most of
            # an hour here): SQLite's online backup copies it whole, then it is migrated
            import sqlite3

            with (
                sqlite3.connect(a.xinfang_db) as src,
                sqlite3.connect(xdata / "xinfang.sqlite3") as dst,
            ):
                src.backup(dst)
            run([*side_x[:1], "-m", "xinfang.cli", "migrate", "-v0"], xenv)
        elif seeder == "bench":
            run([*side_x[:1], "-m", "xinfang.cli", "migrate", "-v0"], xenv)
            cmd = ["-m", "xinfang.cli", "bench", "seed", "--matters", str(n), "--quiet"]
            print(run([*side_x[:1], *cmd], xenv)[-400:], end="", flush=True)
        else:
            cmd = [
                *side_x[1:],
                "load",
                "--matters",
                str(n),
                "--templates",
                str(a.templates),
                "--seed",
                str(a.seed),
            ]
            print(run([*side_x[:1], *cmd], xenv), end="", flush=True)
        tx = time.monotonic() - t
        run([*side_x, "export", str(export)], xenv)
        t = time.monotonic()
        print(f"==> loading helpdesk with the same {n} tickets", flush=True)
        print(run([*side_h, "load", str(export)], henv, cwd=work), end="", flush=True)
        loaded = {
            "n": n,
            "xinfang_load_s": round(tx, 1),
            "helpdesk_load_s": round(time.monotonic() - t, 1),
            "seeder": {
                "bench": "xinfang bench seed",
                "given": f"copy of {a.xinfang_db}",
            }.get(seeder, "xinfang_side.py load"),
        }
        marker.write_text(json.dumps(loaded))
    indexed = json.loads(run([*side_x, "index"], xenv))
    if indexed.get("search"):
        print(f"==> search index: {indexed}", flush=True)
    xc = json.loads(run([*side_x, "credentials"], xenv))
    hc = json.loads(run([*side_h, "credentials"], henv, cwd=work))
    print(
        f"==> Xinfang holds {xc['matters']} matters ({xc['visible']} visible to "
        f"{xc['supervisor']}), helpdesk {hc['tickets']} tickets",
        flush=True,
    )
    corpus = []
    with export.open(encoding="utf-8") as f:
        for i, line in enumerate(f):
            if i % max(1, n // 2000) == 0:
                corpus.append(json.loads(line))

    start(
        "xinfang",
        XPY.parent / "gunicorn",
        "xinfang.wsgi",
        xenv,
        ROOT,
        a.workers,
        work / "xinfang.log",
    )
    start(
        "helpdesk",
        hpy.parent / "gunicorn",
        "hdproj.wsgi",
        henv,
        work,
        a.workers,
        work / "helpdesk.log",
    )
    print(f"==> timing ({a.reps} samples per side and operation, alternating)", flush=True)
    ops = Ops(xc, hc, corpus, [t for t in a.terms.split(",") if t], bool(indexed.get("search")))
    rows = measure(ops, a.reps, a.op_seconds, time.monotonic() + a.max_minutes * 60)
    stop_servers()

    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "xinfang"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    if dirty:
        commit += "+uncommitted"
    hd_version = subprocess.run(
        [
            str(hpy),
            "-c",
            "import importlib.metadata as m; "
            "print(m.version('django-helpdesk'), m.version('Django'))",
        ],
        capture_output=True,
        text=True,
    ).stdout.split()
    mem = next(
        (
            int(line.split()[1]) // 1024 // 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemTotal")
        ),
        None,
    )
    result = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": commit,
        "database": db_version(x_url),
        "tickets": n,
        "machine": {"cores": os.cpu_count(), "ram_gib": mem, "python": platform.python_version()},
        "helpdesk": {
            "django_helpdesk": hd_version[0] if hd_version else None,
            "django": hd_version[1] if len(hd_version) > 1 else None,
        },
        "workers": a.workers,
        "load": loaded,
        "search_index": indexed,
        "xinfang_users": {"reads": xc["supervisor"], "writes": xc["registrar"]},
        "visible_to_reader": xc["visible"],
        "terms": ops.terms,
        "ops": rows,
        "seconds": round(time.monotonic() - t_start, 1),
    }
    print()
    print(
        f"commit {commit} · {result['database']} · {n} tickets · "
        f"{os.cpu_count()} cores, {mem} GiB · "
        f"django-helpdesk {result['helpdesk']['django_helpdesk']} · gunicorn -w {a.workers}"
    )
    print(
        f"{'operation':<12}{'Xinfang med':>12}{'p95':>9}{'helpdesk med':>14}{'p95':>9}"
        f"{'ratio':>8}{'target':>8}  n"
    )
    for r in rows:
        x, h = r["xinfang"], r["helpdesk"]
        print(
            f"{r['op']:<12}{x['median_ms']!s:>12}{x['p95_ms']!s:>9}"
            f"{h['median_ms']!s:>14}{h['p95_ms']!s:>9}"
            f"{r['ratio']!s:>8}{'≤' + str(r['target']):>8}  {x['n']}/{h['n']}"
            + ("" if r["meets"] else "  MISSED")
        )
    out = RESULTS / f"helpdesk-{a.db}-{n}-{datetime.now().strftime('%Y%m%d-%H%M%S')}.json"
    out.write_text(json.dumps(result, indent=1, ensure_ascii=False))
    print(f"\nwritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
