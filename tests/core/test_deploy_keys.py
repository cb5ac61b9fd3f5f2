"""Production never runs on the repository's published keys (issue: secrets stay secret).

Run as subprocesses, because settings are read once per process.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cryptography.fernet import Fernet

FIELD_KEY = Fernet.generate_key().decode()
SECRET = "s" * 20 + "-production-only-" + "x9Z" * 12
INDEX_KEY = "i" * 40
AUDIT_KEY = "a" * 40


def _run(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if k != "DJANGO_ALLOW_ASYNC_UNSAFE" and not k.startswith("XINFANG_")
    }
    base.update(
        {
            "XINFANG_ALLOWED_HOSTS": "xinfang.example.gov.cn",
            "XINFANG_DATA_DIR": str(tmp_path),
            "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        }
    )
    base.update(env)
    return subprocess.run(
        [sys.executable, "-m", "xinfang.cli", *args],
        env=base,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_its_own_keys(tmp_path: Path) -> None:
    r = _run(tmp_path, "check", XINFANG_DEBUG="0")
    assert r.returncode != 0
    assert "ImproperlyConfigured" in r.stderr
    assert (
        "XINFANG_SECRET_KEY、XINFANG_FIELD_KEYS、XINFANG_INDEX_KEY、XINFANG_AUDIT_KEY" in r.stderr
    )


def test_production_refuses_a_missing_field_key(tmp_path: Path) -> None:
    r = _run(
        tmp_path,
        "check",
        XINFANG_DEBUG="0",
        XINFANG_SECRET_KEY=SECRET,
        XINFANG_INDEX_KEY=INDEX_KEY,
        XINFANG_AUDIT_KEY=AUDIT_KEY,
    )
    assert r.returncode != 0 and "缺少：XINFANG_FIELD_KEYS。" in r.stderr


def test_production_refuses_the_published_development_key(tmp_path: Path) -> None:
    r = _run(
        tmp_path,
        "check",
        XINFANG_DEBUG="0",
        XINFANG_SECRET_KEY="dev-only-insecure-key-change-me-in-production-xinfang-0000",
        XINFANG_FIELD_KEYS=FIELD_KEY,
        XINFANG_INDEX_KEY=INDEX_KEY,
        XINFANG_AUDIT_KEY=AUDIT_KEY,
    )
    assert r.returncode != 0 and "ImproperlyConfigured" in r.stderr


def test_production_starts_with_its_own_keys(tmp_path: Path) -> None:
    r = _run(
        tmp_path,
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        XINFANG_DEBUG="0",
        XINFANG_SECRET_KEY=SECRET,
        XINFANG_FIELD_KEYS=FIELD_KEY,
        XINFANG_INDEX_KEY=INDEX_KEY,
        XINFANG_AUDIT_KEY=AUDIT_KEY,
    )
    assert r.returncode == 0, r.stdout + r.stderr
    assert "xinfang.E00" not in r.stdout + r.stderr


def test_check_deploy_fails_on_development_keys_even_when_allowed_to_start(
    tmp_path: Path,
) -> None:
    r = _run(tmp_path, "check", "--deploy", XINFANG_DEBUG="0", XINFANG_ALLOW_DEV_KEYS="1")
    out = r.stdout + r.stderr
    assert r.returncode != 0
    for code in ("xinfang.E001", "xinfang.E002", "xinfang.E004", "xinfang.E005", "xinfang.E006"):
        assert code in out, out


def test_check_deploy_rejects_a_malformed_field_key(tmp_path: Path) -> None:
    r = _run(
        tmp_path,
        "check",
        "--deploy",
        XINFANG_DEBUG="0",
        XINFANG_SECRET_KEY=SECRET,
        XINFANG_FIELD_KEYS="not-a-fernet-key",
        XINFANG_INDEX_KEY=INDEX_KEY,
        XINFANG_AUDIT_KEY=AUDIT_KEY,
    )
    assert r.returncode != 0 and "xinfang.E003" in r.stdout + r.stderr


def test_production_refuses_a_missing_audit_key(tmp_path: Path) -> None:
    r = _run(
        tmp_path,
        "check",
        XINFANG_DEBUG="0",
        XINFANG_SECRET_KEY=SECRET,
        XINFANG_FIELD_KEYS=FIELD_KEY,
        XINFANG_INDEX_KEY=INDEX_KEY,
    )
    assert r.returncode != 0 and "缺少：XINFANG_AUDIT_KEY。" in r.stderr


def test_production_has_no_demo_or_benchmark_tools(tmp_path: Path) -> None:
    keys = {
        "XINFANG_SECRET_KEY": SECRET,
        "XINFANG_FIELD_KEYS": FIELD_KEY,
        "XINFANG_INDEX_KEY": INDEX_KEY,
        "XINFANG_AUDIT_KEY": AUDIT_KEY,
    }
    r = _run(tmp_path, "help", "demo", XINFANG_DEBUG="0", **keys)
    assert r.returncode != 0 and "Unknown command: 'demo'" in r.stderr
    r = _run(tmp_path, "help", "bench", XINFANG_DEBUG="0", **keys)
    assert r.returncode != 0 and "Unknown command: 'bench'" in r.stderr
    # the benchmarks name them explicitly
    r = _run(tmp_path, "help", "bench", XINFANG_DEBUG="0", XINFANG_TOOLS="1", **keys)
    assert r.returncode == 0, r.stderr
