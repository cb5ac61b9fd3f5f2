"""Backup and restore: the database and the uploads in one archive, checked against the keys.

An archive is a tar file, mode 0600, holding

- ``manifest.json``: the format, the time, the database's vendor, the fingerprints of the
  field, index and audit keys (``core.crypto.key_fingerprints``: an HMAC of a fixed text,
  never a key) and what the caller adds (the audit witness's newest seal);
- ``database.sqlite3`` (SQLite's online backup, consistent while the server runs) or
  ``database.pgdump`` (``pg_dump --format=custom``);
- ``media/``: ``MEDIA_ROOT`` (uploads). It is copied after the database, so every upload
  the copied database names is in it (uploads are written once; one removed in between, by
  retention, is not).

A restore checks everything before it changes anything: the archive (its names, the
database's integrity), the vendor, and that the keys in force are the ones the data was
written under. With other keys the restored phone and ID numbers could not be decrypted,
the blind indexes would find nothing and every audit hash would differ, so it refuses
unless forced, and then says which of these will follow. Stop the web workers first.
"""

from __future__ import annotations

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, Any

from django.conf import settings
from django.db import connection
from django.utils import timezone

from .crypto import key_fingerprints
from .errors import UserError

FORMAT = 1
MANIFEST = "manifest.json"
DATABASE = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"

# What cannot be read after a restore under other keys, per key.
UNREADABLE = {
    "field": "电话和身份证号码将无法解密（显示为“（无法解密）”）：备份时的字段加密密钥不在 "
    "XINFANG_FIELD_KEYS 中",
    "index": "按电话或身份证号码将查不到恢复的信访人，直到运行 xinfang rebuild_blind_indexes："
    "XINFANG_INDEX_KEY 与备份时不同",
    "audit": "xinfang audit verify 将把恢复的每条事件和访问日志报告为被修改：XINFANG_AUDIT_KEY "
    "与备份时不同",
}


@dataclass
class Result:
    path: Path
    media_files: int = 0
    manifest: dict[str, Any] = field(default_factory=dict)
    unreadable: list[str] = field(default_factory=list)  # forced past these


def _pg_env(db: dict[str, Any]) -> tuple[list[str], dict[str, str]]:
    args = [
        "-h",
        str(db.get("HOST") or "127.0.0.1"),
        "-p",
        str(db.get("PORT") or 5432),
        "-U",
        str(db.get("USER") or "postgres"),
        "-d",
        str(db["NAME"]),
    ]
    env = dict(os.environ)
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = str(db["PASSWORD"])
    return args, env


def _tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        raise UserError(
            "no_tool",
            f"未找到 {name}，请安装 PostgreSQL 客户端",
            f"{name} not found: install the PostgreSQL client",
        )
    return path


def _vendor() -> str:
    if connection.vendor not in DATABASE:
        raise UserError("vendor", f"不支持的数据库：{connection.vendor}", "Unsupported database")
    return connection.vendor


def _private_file(path: Path) -> int:
    """A new file only this account may read (0600), whatever the umask."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    os.fchmod(fd, 0o600)
    return fd


@contextmanager
def _scratch(near: Path) -> Iterator[Path]:
    """A private directory (0700) on the same file system as ``near``, removed afterwards."""
    near.mkdir(parents=True, exist_ok=True)
    d = Path(tempfile.mkdtemp(prefix=".xinfang-", dir=near))
    try:
        yield d
    finally:
        shutil.rmtree(d, ignore_errors=True)


def _dump_database(to: Path) -> None:
    os.close(_private_file(to))
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with sqlite3.connect(to) as dst:
            connection.connection.backup(dst)
        dst.close()
        return
    args, env = _pg_env(connection.settings_dict)
    subprocess.run(
        [_tool("pg_dump"), "--format=custom", "--no-owner", "-f", str(to), *args],
        check=True,
        env=env,
        capture_output=True,
    )


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size, info.mode, info.mtime = len(data), 0o600, int(timezone.now().timestamp())
    tar.addfile(info, io.BytesIO(data))


def backup(target: Path, *, extra: dict[str, Any] | None = None) -> Result:
    """Write the archive to ``target`` (replaced only once it is complete)."""
    vendor = _vendor()
    target.parent.mkdir(parents=True, exist_ok=True)
    manifest = {
        "format": FORMAT,
        "created_at": timezone.now().isoformat(),
        "vendor": vendor,
        "keys": key_fingerprints(),
        **(extra or {}),
    }
    media = Path(settings.MEDIA_ROOT)
    partial = target.with_name(f".{target.name}.{uuid.uuid4().hex[:8]}.partial")
    result = Result(target, manifest=manifest)
    try:
        with _scratch(target.parent) as tmp:
            db_file = tmp / DATABASE[vendor]
            _dump_database(db_file)  # first: then every upload it names is in media/
            with os.fdopen(_private_file(partial), "wb") as out:
                with tarfile.open(fileobj=out, mode="w") as tar:
                    _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
                    tar.add(db_file, arcname=DATABASE[vendor])
                    for path in sorted(media.rglob("*")) if media.is_dir() else []:
                        if path.is_file() and not path.is_symlink():
                            tar.add(path, arcname=f"{MEDIA}/{path.relative_to(media).as_posix()}")
                            result.media_files += 1
                out.flush()
                os.fsync(out.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return result


def _refuse(zh: str, en: str, code: str = "backup") -> UserError:
    return UserError(code, zh + "。未作任何更改", en + ". Nothing was changed")


def unreadable_after_restore(keys: dict[str, list[str]]) -> list[str]:
    """What the keys in force could not read of data written under ``keys`` (fingerprints)."""
    now = key_fingerprints()
    out = []
    for name in ("field", "index", "audit"):
        if not set(keys.get(name) or []) <= set(now[name]):
            out.append(UNREADABLE[name])
    return out


def _media_name(member: tarfile.TarInfo) -> PurePosixPath | None:
    """The member's path under media/, or None if it is not a plain file or folder there."""
    p = PurePosixPath(member.name)
    if p.is_absolute() or ".." in p.parts or p.parts[:1] != (MEDIA,):
        return None
    if not (member.isfile() or member.isdir()):
        return None
    return PurePosixPath(*p.parts[1:]) if len(p.parts) > 1 else PurePosixPath()


def _folders(root: Path, rel: PurePosixPath) -> None:
    """``root/rel``'s folders, each 0700 (``mkdir(parents=True)`` gives parents 0755)."""
    d = root
    for part in rel.parts:
        d = d / part
        if not d.is_dir():
            d.mkdir(mode=0o700)


def _copy(src: IO[bytes], to: Path) -> None:
    with os.fdopen(_private_file(to), "wb") as out:
        shutil.copyfileobj(src, out, 1 << 20)


def _check_database(vendor: str, path: Path) -> None:
    if vendor == "sqlite":
        try:
            with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
                ok = db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
            db.close()
        except sqlite3.DatabaseError:
            ok = False
    else:
        ok = (
            subprocess.run(
                [_tool("pg_restore"), "--list", str(path)], capture_output=True
            ).returncode
            == 0
        )
    if not ok:
        raise _refuse("备份中的数据库已损坏", "The backup's database is corrupt", "corrupt")


def _load_database(vendor: str, path: Path) -> None:
    if vendor == "sqlite":
        with sqlite3.connect(path) as src:
            connection.ensure_connection()
            src.backup(connection.connection)
        src.close()
        return
    args, env = _pg_env(connection.settings_dict)
    connection.close()
    subprocess.run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            *args,
            str(path),
        ],
        check=True,
        env=env,
        capture_output=True,
    )


def restore(source: Path, *, force: bool = False) -> Result:
    """Replace the database and the uploads with the archive's. Refuses, changing nothing,
    if the archive is damaged, is for another database, or was written under other keys
    (unless ``force``: the result then lists what will be unreadable)."""
    if not source.is_file():
        raise UserError("no_file", f"备份文件不存在：{source}", f"No backup file at {source}")
    vendor = _vendor()
    if not tarfile.is_tarfile(source):
        return _restore_legacy(source, vendor, force=force)
    media = Path(settings.MEDIA_ROOT)
    with tarfile.open(source, "r:") as tar, _scratch(media.parent) as tmp:
        try:
            manifest = json.load(tar.extractfile(MANIFEST) or io.BytesIO(b"{}"))
        except (KeyError, ValueError):
            raise _refuse("不是 xinfang backup 生成的备份", "Not a Xinfang backup") from None
        if manifest.get("format") != FORMAT:
            raise _refuse(
                f"不支持的备份格式：{manifest.get('format')}", "Unsupported backup format"
            )
        if manifest.get("vendor") != vendor:
            raise _refuse(
                f"备份来自 {manifest.get('vendor')} 数据库，当前为 {vendor}",
                "The backup is of another database system",
            )
        unreadable = unreadable_after_restore(manifest.get("keys") or {})
        if unreadable and not force:
            raise _refuse(
                "当前密钥与备份时不同，恢复后：\n- "
                + "\n- ".join(unreadable)
                + "\n请设置备份时的密钥后再恢复；确需以当前密钥恢复，请加 --force",
                "The keys differ from the backup's",
                "keys",
            )
        db_file = tmp / DATABASE[vendor]
        new_media = tmp / MEDIA
        new_media.mkdir(mode=0o700)
        files = 0
        for member in tar:
            if member.name in (MANIFEST, DATABASE[vendor]):
                continue
            rel = _media_name(member)
            if rel is None:
                raise _refuse(f"备份中有不应有的条目：{member.name}", "Unexpected archive member")
            if member.isdir():
                _folders(new_media, rel)
                continue
            _folders(new_media, rel.parent)
            _copy(tar.extractfile(member), new_media / rel)  # type: ignore[arg-type]
            files += 1
        try:
            _copy(tar.extractfile(DATABASE[vendor]), db_file)  # type: ignore[arg-type]
        except KeyError:
            raise _refuse("备份中没有数据库", "The backup holds no database") from None
        _check_database(vendor, db_file)
        # Everything is checked: from here on it changes.
        _load_database(vendor, db_file)
        old = media.with_name(f".{media.name}.replaced-{uuid.uuid4().hex[:8]}")
        if media.exists():
            media.rename(old)
        new_media.rename(media)
        shutil.rmtree(old, ignore_errors=True)
    return Result(source, media_files=files, manifest=manifest, unreadable=unreadable)


def _restore_legacy(source: Path, vendor: str, *, force: bool) -> Result:
    """A database-only backup of earlier versions: no uploads, no key fingerprints."""
    if not force:
        raise _refuse(
            "这是旧格式的备份：只有数据库，没有上传文件和密钥指纹，无法核对密钥；"
            "确需只恢复数据库，请加 --force",
            "An old database-only backup; use --force to restore the database alone",
            "legacy",
        )
    _check_database(vendor, source)
    _load_database(vendor, source)
    return Result(source, unreadable=["上传文件未恢复，密钥未核对（旧格式的备份）"])
