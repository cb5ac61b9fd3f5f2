"""Fuzz the JSON API with schemathesis against its own OpenAPI schema.

    .venv/bin/python bench/fuzz_api.py [--seconds 120]

Builds a scratch demo database, starts gunicorn on 127.0.0.1, creates a registrar token,
runs schemathesis (installed into its own venv under var/, on first use) with the checks
not_a_server_error, status_code_conformance, content_type_conformance and
response_schema_conformance, bounded in time, stops the server, and prints and writes
(bench/results/fuzz_api.json) the figures: test cases generated, failures, server errors.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / "var" / "bench-schemathesis"
PORT = 8731


def schemathesis() -> Path:
    exe = VENV / "bin" / "schemathesis"
    if not exe.exists():
        print("==> installing schemathesis into", VENV, flush=True)
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(VENV / "bin" / "pip"), "install", "-q", "schemathesis>=4,<5"], check=True
        )
    return exe


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=120)
    args = ap.parse_args()
    exe = schemathesis()
    data = Path(tempfile.mkdtemp(prefix="xinfang-fuzz-"))
    env = {**os.environ, "XINFANG_DATA_DIR": str(data), "DATABASE_URL": ""}
    x = [sys.executable, "-m", "xinfang.cli"]
    subprocess.run([*x, "migrate", "-v0"], env=env, check=True)
    subprocess.run(
        [*x, "demo", "--matters", "200", "--verbosity", "0"],
        env=env,
        check=True,
        stdout=subprocess.DEVNULL,
    )
    token = subprocess.run(
        [*x, "token", "registrar"], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            "2",
            "-b",
            f"127.0.0.1:{PORT}",
            "xinfang.wsgi",
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        url = f"http://127.0.0.1:{PORT}/api/v1/openapi.json"
        for _ in range(50):
            try:
                urllib.request.urlopen(url, timeout=1)
                break
            except OSError:
                time.sleep(0.2)
        t0 = time.monotonic()
        run = subprocess.run(
            [
                str(exe),
                "run",
                url,
                "-H",
                f"Authorization: Bearer {token}",
                "--max-time",
                str(args.seconds),
                "--checks",
                "not_a_server_error,status_code_conformance,content_type_conformance,"
                "response_schema_conformance",
                "--no-color",
            ],
            capture_output=True,
            text=True,
        )
        took = time.monotonic() - t0
    finally:
        server.terminate()
        server.wait(10)
    out = run.stdout + run.stderr
    generated = re.search(r"(\d+) generated", out)
    failures = re.search(r"(\d+) unique failures", out)
    result = {
        "tool": "schemathesis",
        "seconds": round(took, 1),
        "cases": int(generated.group(1)) if generated else None,
        "unique_failures": int(failures.group(1)) if failures else 0,
        "server_errors": out.count("Server error"),
        "exit_code": run.returncode,
    }
    print(out[-3000:])
    print(json.dumps(result, ensure_ascii=False))
    (ROOT / "bench" / "results").mkdir(parents=True, exist_ok=True)
    (ROOT / "bench" / "results" / "fuzz_api.json").write_text(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
