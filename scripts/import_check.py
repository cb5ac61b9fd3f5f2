"""Every module of the project imports on its own in a fresh interpreter, first of the
project's modules after Django's setup: no import cycle is left for a function-local import
to hide. (The layers are checked by ``lint-imports``.) Run by ``make test``."""

from __future__ import annotations

import os
import pkgutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

PROBE = """
import importlib, os, sys
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xinfang.settings")
import django
django.setup()
importlib.import_module(sys.argv[1])
"""


def modules() -> list[str]:
    import xinfang

    return sorted(
        m.name
        for m in pkgutil.walk_packages(xinfang.__path__, "xinfang.")
        if ".migrations" not in m.name and m.name not in ("xinfang.wsgi", "xinfang.cli")
    )


def probe(name: str) -> str:
    env = {**os.environ, "DATABASE_URL": ""}
    r = subprocess.run(
        [sys.executable, "-c", PROBE, name], capture_output=True, text=True, env=env, timeout=120
    )
    return "" if r.returncode == 0 else f"{name}: {r.stderr.strip().splitlines()[-1]}"


def main() -> int:
    names = modules()
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        failed = [f for f in pool.map(probe, names) if f]
    for f in failed:
        print(f)
    print(f"    {len(names) - len(failed)} / {len(names)} modules import on their own")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
