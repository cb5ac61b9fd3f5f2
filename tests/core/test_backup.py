"""Backup → damage → restore gives back every row of every table and every upload (SQLite
and PostgreSQL); a restore under other keys is refused and changes nothing; the files are
private (issue 25, finding 7 and the files found world-readable)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tarfile
from pathlib import Path
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from xinfang.audit.models import AccessLog
from xinfang.cases.models import Attachment, Event, Matter
from xinfang.ops import witness

from ..factories import answered, build_world, handled, login, register

PDF = b"%PDF-1.4 a scanned letter\n" + bytes(range(256)) * 40


@pytest.fixture(autouse=True)
def _own_files(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "data" / "media"
    settings.XINFANG_WITNESS_DIR = tmp_path / "data" / "witness"


def snapshot() -> dict[str, list[dict[str, Any]]]:
    out = {}
    for model in apps.get_models():
        out[model._meta.label] = list(model._default_manager.order_by("pk").values())
    return out


def media_files(settings: Any) -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def modes(settings: Any) -> set[int]:
    """The modes of the uploads and their folders."""
    return {p.stat().st_mode & 0o777 for p in Path(settings.MEDIA_ROOT).rglob("*")}


@pytest.mark.django_db(transaction=True)
def test_round_trip(tmp_path: Path, settings) -> None:
    w = build_world()
    answered(w)
    handled(w)
    m = register(w, attachments=[SimpleUploadedFile("来信.pdf", PDF, "application/pdf")])
    a = Attachment.objects.get(matter=m)
    witness.witness_once()
    before, files = snapshot(), media_files(settings)
    assert sum(len(v) for v in before.values()) > 50 and len(files) == 1
    assert modes(settings) == {0o600, 0o700}  # uploads: the service account's alone
    target = tmp_path / "xinfang.backup"
    call_command("backup", str(target))
    assert target.stat().st_size > len(PDF)
    # damage: new rows, deleted rows, edited rows, uploads lost
    handled(w)
    AccessLog.objects.all().delete()
    Event.objects.filter(action="accept").update(reason="changed")
    for p in Path(settings.MEDIA_ROOT).rglob("*"):
        if p.is_file():
            p.unlink()
    assert snapshot() != before
    with pytest.raises(FileNotFoundError):  # a 500, as after a backup without uploads
        login(w.registrar).get(f"/matters/{m.pk}/files/{a.pk}/")
    call_command("restore", str(target))
    assert snapshot() == before
    assert media_files(settings) == files and modes(settings) == {0o600, 0o700}
    assert Matter.objects.count() == 3
    r = login(w.registrar).get(f"/matters/{m.pk}/files/{a.pk}/")
    assert r.status_code == 200 and b"".join(r.streaming_content) == PDF  # type: ignore[attr-defined]
    # the witness knows the database went back: what it saw since the backup is not missed
    assert [c.text for c in witness.verify_witness() if c.problem] == []


@pytest.mark.django_db(transaction=True)
def test_restore_under_another_key_is_refused_and_changes_nothing(
    tmp_path: Path, settings, monkeypatch
) -> None:
    w = build_world()
    register(w, attachments=[SimpleUploadedFile("来信.pdf", PDF, "application/pdf")])
    target = tmp_path / "xinfang.backup"
    call_command("backup", str(target))
    handled(w)  # the database moves on
    before, files = snapshot(), media_files(settings)
    monkeypatch.setenv("XINFANG_FIELD_KEYS", Fernet.generate_key().decode())
    monkeypatch.setenv("XINFANG_AUDIT_KEY", "another-audit-key-" + "a" * 30)
    with pytest.raises(CommandError) as e:
        call_command("restore", str(target))
    msg = str(e.value)
    assert "当前密钥与备份时不同" in msg and "电话和身份证号码将无法解密" in msg
    assert "XINFANG_AUDIT_KEY" in msg and "XINFANG_INDEX_KEY" not in msg
    assert "--force" in msg and "未作任何更改" in msg
    assert snapshot() == before and media_files(settings) == files
    assert not Path(settings.XINFANG_WITNESS_DIR, "chain.log").exists()


@pytest.mark.django_db(transaction=True)
def test_a_forced_restore_says_what_is_unreadable(tmp_path: Path, monkeypatch, capsys) -> None:
    w = build_world()
    register(w)
    target = tmp_path / "xinfang.backup"
    call_command("backup", str(target))
    monkeypatch.setenv("XINFANG_INDEX_KEY", "another-index-key-" + "i" * 30)
    call_command("restore", str(target), "--force")
    err = capsys.readouterr().err
    assert "xinfang rebuild_blind_indexes" in err and "无法解密" not in err


@pytest.mark.django_db(transaction=True)  # a backup runs outside a transaction
def test_the_archive_records_fingerprints_never_keys(tmp_path: Path, monkeypatch) -> None:
    key = Fernet.generate_key().decode()
    monkeypatch.setenv("XINFANG_FIELD_KEYS", key)
    monkeypatch.setenv("XINFANG_AUDIT_KEY", "audit-key-" + "z" * 40)
    target = tmp_path / "xinfang.backup"
    call_command("backup", str(target))
    with tarfile.open(target) as tar:
        names = tar.getnames()
        manifest = json.load(tar.extractfile("manifest.json"))  # type: ignore[arg-type]
    assert names[0] == "manifest.json" and names[1].startswith("database.")
    assert set(manifest["keys"]) == {"field", "index", "audit"}
    raw = target.read_bytes()
    assert key.encode() not in raw and b"z" * 40 not in raw


@pytest.mark.django_db(transaction=True)  # a backup runs outside a transaction
def test_an_archive_with_a_path_outside_media_is_refused(tmp_path: Path, settings) -> None:
    target = tmp_path / "xinfang.backup"
    call_command("backup", str(target))
    with tarfile.open(target, "a") as tar:
        info = tarfile.TarInfo("media/../../evil")
        info.size = 1
        import io

        tar.addfile(info, io.BytesIO(b"x"))
    with pytest.raises(CommandError, match="不应有的条目"):
        call_command("restore", str(target))
    assert not (tmp_path / "evil").exists()


@pytest.mark.django_db
def test_restore_missing_file(tmp_path: Path) -> None:
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "nope"))


@pytest.mark.django_db
def test_an_old_database_only_backup_needs_force(tmp_path: Path) -> None:
    old = tmp_path / "old.sqlite3"
    old.write_bytes(b"SQLite format 3\x00" + b"\x00" * 100)
    with pytest.raises(CommandError, match="旧格式"):
        call_command("restore", str(old))


@pytest.mark.django_db(transaction=True)  # a backup runs outside a transaction
def test_backup_files_are_private(tmp_path: Path) -> None:
    target = tmp_path / "xinfang.backup"
    old_umask = os.umask(0o022)
    try:
        call_command("backup", str(target))
    finally:
        os.umask(old_umask)
    assert target.stat().st_mode & 0o777 == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_the_data_directory_and_the_sqlite_files_are_private(tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir(mode=0o755)
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("XINFANG_")},
        "XINFANG_DATA_DIR": str(data),
        "DATABASE_URL": "",
    }
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
    r = subprocess.run(
        [sys.executable, "-m", "xinfang.cli", "showmigrations", "audit"],
        env={**env, "UMASK": "022"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert r.returncode == 0, r.stderr
    assert data.stat().st_mode & 0o777 == 0o700
    db = sorted(p.name for p in data.iterdir() if p.name.startswith("xinfang.sqlite3"))
    assert db and db[0] == "xinfang.sqlite3"
    for name in db:
        assert (data / name).stat().st_mode & 0o777 == 0o600, name
