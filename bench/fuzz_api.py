"""Fuzz the JSON API with schemathesis against its own OpenAPI schema: the longer run.

    .venv/bin/python bench/fuzz_api.py [--examples 300] [--seed 25] [--database-url URL]

Runs the suite's fuzz test (tests/api/test_fuzz.py: positive and negative data for every
operation and a stateful run, in-process against the WSGI app, with the checks
not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance) with a larger bound than ``make test`` uses, and prints and
writes (bench/results/fuzz_api.json) the figures: operations, examples per operation,
failures, server errors, seconds. schemathesis comes with the dev extras.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--examples", type=int, default=300, help="examples per operation")
    ap.add_argument("--seed", type=int, default=25)
    ap.add_argument("--database-url", default="", help="default: SQLite")
    args = ap.parse_args()
    env = {
        **os.environ,
        "DATABASE_URL": args.database_url,
        "XINFANG_FUZZ_EXAMPLES": str(args.examples),
        "XINFANG_FUZZ_SEED": str(args.seed),
    }
    t0 = time.monotonic()
    run = subprocess.run(
        [
            str(Path(sys.executable).parent / "pytest"),
            "-p",
            "no:cacheprovider",
            "-rA",
            "tests/api/test_fuzz.py",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    took = time.monotonic() - t0
    out = run.stdout + run.stderr
    result = {
        "tool": "schemathesis",
        "examples_per_operation": args.examples,
        "seed": args.seed,
        "seconds": round(took, 1),
        "tests_passed": len(re.findall(r"^PASSED ", out, re.M)),
        "tests_failed": len(re.findall(r"^FAILED ", out, re.M)),
        "server_errors": out.count("Server error"),
        "exit_code": run.returncode,
    }
    print(out[-3000:])
    print(json.dumps(result, ensure_ascii=False))
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "fuzz_api.json").write_text(json.dumps(result, indent=1))
    sys.exit(run.returncode)


if __name__ == "__main__":
    main()
