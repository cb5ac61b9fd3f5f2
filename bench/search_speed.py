"""Search and same-matter latency on a seeded deployment.

Seeds a throwaway database with ``xinfang bench seed --matters N`` (which indexes what it
writes; ``xinfang reindex`` runs if the index is incomplete), then times, in process and
after a warm-up:

- the first page of ``search`` (20 hits and the capped count, as the page shows) for
  2-character terms (拆迁 欠薪 物业 低保) and 4-character terms (拖欠工资 补偿标准 噪音扰民
  停车收费), newest and relevance orders, as a county supervisor and as a township handler;
- ``similar_matters`` for new complaint texts (xinfang.bench.texts) as a county registrar.

Prints commit, database and version, N, machine, and median/p95/max per operation, and
writes the same as JSON under bench/results/.

    .venv/bin/python bench/search_speed.py --matters 100000 [--db sqlite|postgres]
    .venv/bin/python bench/search_speed.py --matters 1000000 --database-url sqlite:////path.sqlite3
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
XINFANG = str(ROOT / ".venv" / "bin" / "xinfang")
TERMS = {
    "2char": ["拆迁", "欠薪", "物业", "低保"],
    "4char": ["拖欠工资", "补偿标准", "噪音扰民", "停车收费"],
}
PG = "postgres://postgres@127.0.0.1:5432"


def env_for(args: argparse.Namespace) -> dict[str, str]:
    # production settings: no debug cursor recording every query
    env = {
        **os.environ,
        "XINFANG_DEBUG": "0",
        "XINFANG_SSL_REDIRECT": "0",
        "XINFANG_ALLOW_DEV_KEYS": "1",  # throwaway data
        "XINFANG_TOOLS": "1",  # the seeder
    }
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
        return env
    data = Path(args.data_dir or f"/tmp/xinfang-search-speed/{args.db}-{args.matters}")
    data.mkdir(parents=True, exist_ok=True)
    env["XINFANG_DATA_DIR"] = str(data)
    if args.db == "sqlite":
        env["DATABASE_URL"] = ""
    else:
        name = f"xinfang_search_speed_{args.matters}"
        import psycopg

        with psycopg.connect(f"{PG}/postgres", autocommit=True) as c:
            if not c.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                c.execute(f'CREATE DATABASE "{name}"')
        env["DATABASE_URL"] = f"{PG}/{name}"
    return env


def run(cmd: list[str], env: dict[str, str]) -> None:
    print("$", " ".join(cmd), flush=True)
    subprocess.run(cmd, env=env, check=True, cwd=ROOT)


def prepare(args: argparse.Namespace, env: dict[str, str]) -> None:
    """Migrate, seed up to N matters, and make sure the index covers them."""
    if args.database_url and args.no_seed:
        return
    run([XINFANG, "migrate", "-v0"], env)
    code = (
        "import django,os;os.environ.setdefault('DJANGO_SETTINGS_MODULE','xinfang.settings');"
        "django.setup();from xinfang.cases.models import Matter;print(Matter.objects.count())"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=ROOT, capture_output=True, text=True, check=True
    )
    have = int(out.stdout.strip().splitlines()[-1])
    if have < args.matters and not args.no_seed:
        cmd = [XINFANG, "bench", "seed", "--matters", str(args.matters), "--quiet"]
        run(cmd + (["--resume"] if have else []), env)


def setup(env: dict[str, str]) -> None:
    os.environ.update(env)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def ensure_index(env: dict[str, str], *, readonly: bool) -> None:
    from xinfang.cases.models import Matter
    from xinfang.search.models import SearchDoc

    n, docs = Matter.objects.count(), SearchDoc.objects.count()
    if docs != n and readonly:
        print(f"index has {docs} of {n} matters (not rebuilt: --no-seed)", flush=True)
    elif docs != n:
        print(f"index has {docs} of {n} matters: reindexing", flush=True)
        run([XINFANG, "reindex", "-v0"], env)
    if not readonly:
        from xinfang.search.services import analyze

        analyze()


def header(n: int) -> dict[str, Any]:
    from django.db import connection

    rev = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--", "xinfang/search", "bench/search_speed.py"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout.strip()
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("select sqlite_version()")
            db = f"SQLite {cur.fetchone()[0]}"
        else:
            cur.execute("show server_version")
            db = f"PostgreSQL {cur.fetchone()[0]}"
    mem = 0
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal"):
                mem = int(line.split()[1]) // 1024
    return {
        "commit": rev + ("+dirty" if dirty else ""),
        "database": db,
        "matters": n,
        "machine": {
            "cores": os.cpu_count(),
            "ram_mib": mem,
            "python": platform.python_version(),
            "load": [round(x, 2) for x in os.getloadavg()],
        },
        "when": datetime.now().isoformat(timespec="seconds"),
    }


def summary(xs: list[float]) -> dict[str, float]:
    xs = sorted(xs)
    ms = [x * 1000 for x in xs]
    return {
        "n": len(ms),
        "median_ms": round(statistics.median(ms), 2),
        "p95_ms": round(ms[min(len(ms) - 1, int(len(ms) * 0.95))], 2),
        "min_ms": round(ms[0], 2),
        "max_ms": round(ms[-1], 2),
    }


def actors() -> dict[str, Any]:
    from django.db.models import Count

    from xinfang.bench import org
    from xinfang.cases.models import Matter
    from xinfang.org.models import Level, Role, UnitKind, User

    dep = org.load()
    county_office = max(
        (o for o in dep.offices if o.unit.level == Level.COUNTY and o.supervisors),
        key=lambda o: Matter.objects.filter(registered_unit=o.unit).count(),
    )
    busiest = (
        Matter.objects.filter(lead_unit__kind=UnitKind.GOVERNMENT, lead_unit__level=Level.TOWNSHIP)
        .values("lead_unit")
        .annotate(n=Count("id"))
        .order_by("-n")
        .first()
    )
    assert busiest is not None
    handler = User.objects.filter(
        memberships__unit_id=busiest["lead_unit"], memberships__role=Role.HANDLER
    ).first()
    assert handler is not None
    return {
        "county_supervisor": User.objects.get(pk=county_office.supervisors[0]),
        "township_handler": handler,
        "registrar": User.objects.get(pk=county_office.registrars[0]),
        "office": county_office,
        "dep": dep,
    }


def time_search(a: dict[str, Any], runs: int) -> dict[str, Any]:
    """The first page as the page asks for it (20 hits, no count), then the count the
    page fetches afterwards (capped at 1000, "N+")."""
    from xinfang.search.queries import count, search

    out: dict[str, Any] = {}
    for who in ("county_supervisor", "township_handler"):
        user = a[who]
        for label, terms in TERMS.items():
            for order in ("newest", "relevance"):
                for q in terms:  # warm-up: one pass
                    search(user, q, order=order, count=False)
                xs = []
                hits = {}
                for i in range(runs):
                    q = terms[i % len(terms)]
                    t = time.perf_counter()
                    res = search(user, q, order=order, count=False)
                    xs.append(time.perf_counter() - t)
                    hits[q] = len(res.hits)
                key = f"page.{label}.{order}.{who}"
                out[key] = {**summary(xs), "hits": hits}
                print_row(key, out[key], hits)
            xs = []
            counts = {}
            for i in range(runs):
                q = terms[i % len(terms)]
                t = time.perf_counter()
                n, more = count(user, q)
                xs.append(time.perf_counter() - t)
                counts[q] = f"{n}+" if more else str(n)
            key = f"count.{label}.{who}"
            out[key] = {**summary(xs), "counts": counts}
            print_row(key, out[key], counts)
    return out


def time_similar(a: dict[str, Any], runs: int) -> dict[str, Any]:
    from xinfang.bench import texts
    from xinfang.org.models import Unit
    from xinfang.search.similar import THRESHOLD, similar_matters

    office, dep = a["office"], a["dep"]
    rng = random.Random(11)
    xs = []
    found = 0
    for i in range(5 + runs):
        town = rng.choice(office.towns)
        title, content, facts = texts.complaint(rng, rng.choice(texts.TOPICS), dep.places[town])
        t = time.perf_counter()
        rows = similar_matters(
            user=a["registrar"],
            title=title,
            text=f"{content}\n{facts}",
            petitioners=[{"name": texts.person(rng), "phone": texts.phone(rng)}],
            area=Unit(pk=town),
        )
        dt = time.perf_counter() - t
        if i >= 5:
            xs.append(dt)
            found += sum(1 for r in rows if r.score >= THRESHOLD)
    res = {**summary(xs), "above_threshold_per_call": round(found / runs, 2)}
    print_row("similar_matters", res, {})
    return {"similar_matters": res}


def print_row(key: str, r: dict[str, Any], what: dict[str, Any]) -> None:
    extra = " ".join(f"{q}={c}" for q, c in what.items())
    print(
        f"{key:<40} median {r['median_ms']:>7.1f} ms  p95 {r['p95_ms']:>7.1f} ms  "
        f"max {r['max_ms']:>7.1f} ms  {extra}",
        flush=True,
    )


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--matters", type=int, default=100000)
    ap.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    ap.add_argument("--data-dir", default="", help="throwaway data directory")
    ap.add_argument("--database-url", default="", help="an already seeded database")
    ap.add_argument("--no-seed", action="store_true", help="measure what is there")
    ap.add_argument("--runs", type=int, default=40)
    ap.add_argument("--json", default="")
    args = ap.parse_args()
    env = env_for(args)
    prepare(args, env)
    setup(env)
    ensure_index(env, readonly=args.no_seed)
    from xinfang.cases.models import Matter

    head = header(Matter.objects.count())
    print(
        f"commit {head['commit']} · {head['database']} · {head['matters']} matters · "
        f"{head['machine']['cores']} cores, {head['machine']['ram_mib']} MiB · "
        f"load {head['machine']['load']}"
    )
    a = actors()
    print(
        f"county supervisor {a['county_supervisor'].username}, "
        f"township handler {a['township_handler'].username}, registrar {a['registrar'].username}"
    )
    results = {**time_search(a, args.runs), **time_similar(a, args.runs)}
    path = Path(
        args.json
        or ROOT
        / "bench"
        / "results"
        / f"search-speed-{head['database'].split()[0].lower()}-{head['matters']}-"
        f"{datetime.now():%Y%m%d-%H%M%S}.json"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"header": head, "results": results}, ensure_ascii=False, indent=1))
    print(f"written {path}")


if __name__ == "__main__":
    main()
