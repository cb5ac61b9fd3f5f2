"""The witness: the heads of the audit chains, appended to a file outside the database.

The keyed chains (``cases.chain``, ``AccessLog.compute_hash``) show an edited or deleted row
to whoever lacks the audit key, but not a deleted tail whose head was set back, nor a whole
matter deleted with its events, nor a chain recomputed by someone who holds the key. The
witness does: ``xinfang audit witness`` (every minute with ``--every 60``) appends, for each
matter with events written since its last run, the newest (matter, seq, hash), and the access
log's (count, hash), then a seal; ``xinfang audit verify`` compares the database with it.

One file, ``$XINFANG_WITNESS_DIR/chain.log`` (default ``$XINFANG_DATA_DIR/witness``), opened
in append mode only (``chattr +a`` may enforce it), mode 0600 in a 0700 directory. One line
per record, tab-separated::

    W  id  created                       the witness's identity (first line)
    E  matter  seq  hash                 a matter's head
    A  count  hash                       the access log's head
    R  seal                              the database was restored to the state of that seal
    K  fingerprint                       the chains were re-keyed (``xinfang audit rekey``)
    S  n  at  high  holes  access  mac   seal n

A seal's ``mac`` is an HMAC under the audit key of the previous seal's mac and every line
since it, so lines can be neither changed nor forged without the key (and a copy kept
elsewhere, ``xinfang audit witness-copy``, shows a truncation). ``high`` is the event id up
to which every committed event has been witnessed; ``holes`` are the ids below it not yet
seen (a transaction still open at the last run, or one rolled back), looked for again until
they are ``HOLD`` seconds old.

Registration and transitions write nothing here and wait for nothing: the guarantee is for
events older than the last run. A newer event is protected by its keyed chain only (an edit
or a deletion in the middle shows; a deleted tail with its head set back does not) until the
next run, and a crash loses at most one run's unsealed lines, which the next run writes again.
"""

from __future__ import annotations

import fcntl
import hashlib
import hmac
import os
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import connection
from django.db.models import Q

from xinfang.audit.models import AccessLog, ChainHead
from xinfang.cases.models import Event, Matter
from xinfang.core.crypto import audit_key, fingerprint

FILE = "chain.log"
HOLD = 600  # seconds an unseen event id is waited for (a transaction still open)
CHUNK = 20_000  # events read per query
CHECK = 2_000  # witnessed heads compared with the database per query


def witness_dir() -> Path:
    return Path(settings.XINFANG_WITNESS_DIR)


def witness_path(where: Path | None = None) -> Path:
    """The witness file in ``where`` (a directory or the file itself; default: this
    deployment's)."""
    p = where or witness_dir()
    return p / FILE if p.is_dir() or not p.suffix else p


@dataclass
class State:
    """What the newest seal says, and the lines written after it (sealed by the next)."""

    ident: str = ""
    seal: int = 0
    mac: str = ""
    high: int = 0
    holes: list[list[int]] = field(default_factory=list)  # [first id, last id, first seen]
    access: int = 0
    pending: bytes = b""


def _holes_text(holes: list[list[int]]) -> str:
    return ",".join(f"{a}-{b}@{t}" for a, b, t in holes) or "-"


def _holes(text: str) -> list[list[int]]:
    out = []
    for part in text.split(",") if text != "-" else []:
        span, t = part.split("@")
        a, b = span.split("-")
        out.append([int(a), int(b), int(t)])
    return out


def _seal_parts(line: str) -> tuple[int, int, list[list[int]], int, str]:
    _, n, _at, high, holes, access, mac = line.split("\t")
    return int(n), int(high), _holes(holes), int(access), mac


def read_state(path: Path) -> State:
    """The newest seal's state, read from the end of the file (its first line for the
    identity), without reading the whole file."""
    st = State()
    if not path.exists():
        return st
    with path.open("rb") as f:
        first = f.readline().decode()
        if first.startswith("W\t"):
            st.ident = first.split("\t")[1]
        size = f.seek(0, os.SEEK_END)
        block, pos, tail = 1 << 16, size, b""
        while pos > 0:
            step = min(block, pos)
            pos -= step
            f.seek(pos)
            tail = f.read(step) + tail
            at = tail.rfind(b"\nS\t")
            if at >= 0 or (pos == 0 and tail.startswith(b"S\t")):
                start = at + 1 if at >= 0 else 0
                end = tail.index(b"\n", start)
                st.seal, st.high, st.holes, st.access, st.mac = _seal_parts(
                    tail[start:end].decode()
                )
                st.pending = tail[end + 1 :]
                return st
        st.pending = tail  # no seal yet
    return st


@contextmanager
def _locked(path: Path, mode: int = fcntl.LOCK_EX) -> Iterator[int]:
    """The witness file opened for appending (0600 in a 0700 directory), locked."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, mode)
        yield fd
    finally:
        os.close(fd)  # releases the lock


class _Writer:
    """Appends lines and seals them (one fsync per seal, never per event)."""

    def __init__(self, fd: int, st: State) -> None:
        self.fd, self.st = fd, st
        self.mac = hmac.new(audit_key(), st.mac.encode() + b"\n" + st.pending, hashlib.sha256)
        self.buf: list[str] = []
        self.lines = 0

    def line(self, *parts: object) -> None:
        self.buf.append("\t".join(str(p) for p in parts) + "\n")
        self.lines += 1
        if len(self.buf) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if self.buf:
            data = "".join(self.buf).encode()
            self.mac.update(data)
            os.write(self.fd, data)
            self.buf = []

    def seal(self, *, high: int, holes: list[list[int]], access: int) -> None:
        self.flush()
        st = self.st
        n = st.seal + 1
        at = datetime.now(UTC).isoformat(timespec="seconds")
        text = f"S\t{n}\t{at}\t{high}\t{_holes_text(holes)}\t{access}"
        self.mac.update(text.encode())
        mac = self.mac.hexdigest()
        os.write(self.fd, f"{text}\t{mac}\n".encode())
        os.fsync(self.fd)
        st.seal, st.mac, st.high, st.holes, st.access, st.pending = n, mac, high, holes, access, b""
        self.mac = hmac.new(audit_key(), mac.encode() + b"\n", hashlib.sha256)


def _start(fd: int, path: Path) -> tuple[State, _Writer]:
    st = read_state(path)
    w = _Writer(fd, st)
    if not st.ident and not st.pending and st.seal == 0:
        st.ident = uuid.uuid4().hex
        w.line("W", st.ident, datetime.now(UTC).isoformat(timespec="seconds"))
    elif st.pending and not st.pending.endswith(b"\n"):
        w.line("")  # a line cut short by a crash ends here; the seal covers it
    return st, w


@dataclass
class Run:
    heads: int = 0  # matters' heads written
    access: bool = False  # the access log's head written
    seal: int = 0  # the seal written, 0 if nothing was new


def witness_once(*, path: Path | None = None, now: float | None = None) -> Run:
    """Append the heads of every matter with events written since the last run, and the
    access log's head, then a seal. Safe to run from several processes (a file lock)."""
    path = witness_path(path)
    now = int(now if now is not None else time.time())
    run = Run()
    with _locked(path) as fd:
        st, w = _start(fd, path)
        heads: dict[int, tuple[int, str]] = {}

        def keep(rows: list[tuple[int, int, int, str]]) -> None:
            for _id, matter, seq, h in rows:
                if heads.get(matter, (0, ""))[0] < seq:
                    heads[matter] = (seq, h)

        def write_heads() -> None:
            for matter, (seq, h) in heads.items():
                w.line("E", matter, seq, h)
            run.heads += len(heads)
            heads.clear()

        cols = ("id", "matter_id", "seq", "hash")
        holes = [list(h) for h in st.holes]
        if holes:
            cond = Q()
            for a, b, _t in holes:
                cond |= Q(id__range=(a, b))
            found = list(Event.objects.filter(cond).values_list(*cols))
            keep(found)
            holes = _without(holes, sorted(r[0] for r in found))
        holes = [h for h in holes if now - h[2] < HOLD]
        high = st.high
        while True:
            rows = list(Event.objects.filter(id__gt=high).order_by("id").values_list(*cols)[:CHUNK])
            if not rows:
                break
            for r in rows:
                if r[0] > high + 1 and high:  # (below the first id ever seen: none)
                    holes.append([high + 1, r[0] - 1, now])
                high = r[0]
            keep(rows)
            if len(heads) >= CHUNK:
                write_heads()
        write_heads()
        access = st.access
        head = ChainHead.objects.filter(name="access").values_list("count", "hash").first()
        if head is not None and head[0] != st.access:
            access = head[0]
            w.line("A", head[0], head[1])
            run.access = True
        if w.lines or high != st.high or holes != st.holes or access != st.access:
            w.seal(high=high, holes=holes, access=access)
            run.seal = st.seal
    return run


def _without(holes: list[list[int]], ids: list[int]) -> list[list[int]]:
    """The holes less the ids now seen (sorted)."""
    out = []
    for a, b, t in holes:
        start = a
        for i in ids:
            if start <= i <= b:
                if i > start:
                    out.append([start, i - 1, t])
                start = i + 1
        if start <= b:
            out.append([start, b, t])
    return out


def state_for_backup() -> dict[str, Any]:
    """The witness's newest seal, recorded in a backup taken after it, so that a restore
    can say which of the witness's records the restored database still holds."""
    path = witness_path()
    if not path.exists():
        return {"id": "", "seal": 0, "high": 0, "holes": "-", "access": 0}
    with _locked(path, fcntl.LOCK_SH):
        st = read_state(path)
    return {
        "id": st.ident,
        "seal": st.seal,
        "high": st.high,
        "holes": _holes_text(st.holes),
        "access": st.access,
    }


def mark_restored(backup_state: dict[str, Any]) -> int:
    """After a restore: the witness records that the database is now as at the backup's
    seal; what it witnessed after that seal is no longer expected (verify skips it), and
    the next run witnesses the restored events from that seal's state. A backup from
    another witness (another deployment) restores to seal 0: nothing before is expected."""
    path = witness_path()
    with _locked(path) as fd:
        st, w = _start(fd, path)
        same = backup_state.get("id") == st.ident and 0 < int(backup_state["seal"]) <= st.seal
        seal = int(backup_state["seal"]) if same else 0
        w.line("R", seal)
        w.seal(
            high=int(backup_state["high"]) if same else 0,
            holes=_holes(str(backup_state["holes"])) if same else [],
            access=int(backup_state["access"]) if same else 0,
        )
        return seal


def mark_rekeyed() -> None:
    """After ``xinfang audit rekey``: earlier records hold the old hashes and are no
    longer compared; the next run witnesses every chain again."""
    path = witness_path()
    with _locked(path) as fd:
        _st, w = _start(fd, path)
        w.line("K", fingerprint(audit_key()))
        w.seal(high=0, holes=[], access=0)


# --- verification ---------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    text: str
    problem: bool = True

    def __str__(self) -> str:
        return self.text


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open("rb") as f:
        for no, raw in enumerate(f, 1):
            yield no, raw.decode("utf-8", "replace").rstrip("\n")


def verify_witness(path: Path | None = None) -> Iterator[Check]:
    """Compare the database with the witness (this deployment's, or a copy).

    Reported: a witness line changed, forged or removed between seals (a seal does not
    match); a matter witnessed but gone (deleted with its events); a witnessed event gone
    (a deleted tail, even with the matter's head set back); a witnessed hash that differs
    (a chain recomputed, with or without the key); the access log shorter than witnessed.
    Memory stays flat: the file is read twice, the database is asked in batches."""
    path = witness_path(path)
    if not path.exists():
        if Event.objects.exists() or AccessLog.objects.exists():
            yield Check(
                f"见证文件不存在（{path}）：无法发现末尾被删除的记录，请运行 xinfang audit witness"
            )
        return
    # First pass: the seals, the restores and the last re-keying.
    key = audit_key()
    mac = hmac.new(key, b"\n", hashlib.sha256)
    seal_lines: dict[int, int] = {}  # seal n → its line, for restores only
    restores: list[tuple[int, int]] = []  # (line of R, seal restored to)
    bad_macs: list[tuple[int, int]] = []  # (line, seal n)
    last_k = last_seal_line = unsealed = 0
    expected = 1
    last_high = 0
    for no, line in _lines(path):
        kind = line[:2]
        if kind == "S\t":
            try:
                n, high, _, _, got = _seal_parts(line)
            except ValueError:
                yield Check(f"见证第 {no} 行格式错误")
                continue
            mac.update(line.rsplit("\t", 1)[0].encode())
            if not hmac.compare_digest(mac.hexdigest(), got):
                bad_macs.append((no, n))
            if n != expected:
                yield Check(f"见证封记编号不连续：第 {no} 行为第 {n} 号，应为第 {expected} 号")
            expected = n + 1
            seal_lines[n] = no
            last_seal_line, last_high, unsealed = no, high, 0
            mac = hmac.new(key, got.encode() + b"\n", hashlib.sha256)
            continue
        mac.update((line + "\n").encode())
        unsealed += 1
        if kind == "R\t":
            restores.append((no, int(line.split("\t")[1])))
        elif kind == "K\t":
            last_k = no
    for no, n in bad_macs:
        if no > last_k:
            yield Check(f"见证第 {n} 号封记（第 {no} 行）不符：见证文件被修改或伪造")
    if bad_macs and bad_macs[0][0] < last_k:
        yield Check("重新设定审计密钥之前的见证封记未校验（旧密钥）", problem=False)
    void = [(seal_lines.get(n, 0), r) for r, n in restores]
    # Second pass: every sealed head against the database.
    batch: list[tuple[int, int, str]] = []
    access: tuple[int, str] | None = None
    reported: set[int] = set()
    for no, line in _lines(path):
        if no > last_seal_line:
            break
        if no < last_k or any(a < no < b for a, b in void):
            continue
        parts = line.split("\t")
        if parts[0] == "E" and len(parts) == 4:
            batch.append((int(parts[1]), int(parts[2]), parts[3]))
            if len(batch) >= CHECK:
                yield from _compare(batch, reported)
                batch = []
        elif parts[0] == "A" and len(parts) == 3 and (access is None or int(parts[1]) >= access[0]):
            # the longest witnessed log: its head's hash covers every row before it
            access = (int(parts[1]), parts[2])
    yield from _compare(batch, reported)
    if access is not None and access[0] > 0:
        yield from _compare_access(*access)
    if unsealed:
        yield Check(f"见证末尾有 {unsealed} 行尚未封记（未校验）", problem=False)
    newer = Event.objects.filter(id__gt=last_high).count()
    if newer:
        yield Check(f"{newer} 条事件写于最近一次见证之后（尚未写入见证）", problem=False)


def _compare(batch: list[tuple[int, int, str]], reported: set[int]) -> Iterator[Check]:
    if not batch:
        return
    values = ", ".join(["(%s, %s)"] * len(batch))
    table = Event._meta.db_table
    with connection.cursor() as cur:
        cur.execute(
            f"WITH w(m, s) AS (VALUES {values}) "  # values are placeholders
            f"SELECT w.m, w.s, e.hash FROM w LEFT JOIN {table} e "
            "ON e.matter_id = w.m AND e.seq = w.s",
            [v for m, s, _h in batch for v in (m, s)],
        )
        found = {(m, s): h for m, s, h in cur.fetchall()}
    bad = {m for m, s, h in batch if found.get((m, s)) != h and m not in reported}
    if not bad:
        return
    receipts = dict(Matter.objects.filter(pk__in=bad).values_list("pk", "receipt_no"))
    for m, s, h in batch:
        got = found.get((m, s))
        if m in reported or got == h:
            continue
        reported.add(m)
        if m not in receipts:
            yield Check(f"事项 #{m} 已被删除（见证至第 {s} 条事件）")
        elif got is None:
            yield Check(f"{receipts[m]}#{s}: 见证过的事件已被删除")
        else:
            yield Check(f"{receipts[m]}#{s}: 与见证不符（事件链被重算）")


def _compare_access(count: int, h: str) -> Iterator[Check]:
    row = AccessLog.objects.order_by("id").values_list("hash", flat=True)[count - 1 : count]
    got = next(iter(row), None)
    if got is None:
        yield Check(f"访问日志少于见证的 {count} 行（末尾被删除）")
    elif got != h:
        yield Check(f"访问日志第 {count} 行与见证不符（日志被重算）")


# --- copies elsewhere -----------------------------------------------------------------


def copy_witness(dest: Path) -> int:
    """Append to ``dest`` (a directory, e.g. another machine's mount or write-once
    storage) what the witness gained since the last copy. Refuses when the copy is not a
    beginning of the witness (the witness was truncated or rewritten). Returns bytes
    copied."""
    src = witness_path()
    if not src.exists():
        raise FileNotFoundError(src)
    dest.mkdir(mode=0o700, parents=True, exist_ok=True)
    target = dest / FILE
    with _locked(src, fcntl.LOCK_SH), src.open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        have = target.stat().st_size if target.exists() else 0
        if have > size:
            raise ValueError("副本比见证文件长：见证文件被截断或替换")
        if have:
            # The copy's first line and last 1 MiB must be the witness's.
            with target.open("rb") as g:
                first = g.readline()
                back = min(have, 1 << 20)
                g.seek(have - back)
                tail = g.read(back)
            f.seek(0)
            ok = f.readline() == first
            f.seek(have - back)
            if not ok or f.read(back) != tail:
                raise ValueError("副本与见证文件的开头不同：见证文件被改写")
        f.seek(have)
        fd = os.open(target, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
        try:
            copied = 0
            while chunk := f.read(1 << 20):
                os.write(fd, chunk)
                copied += len(chunk)
            os.fsync(fd)
        finally:
            os.close(fd)
    return copied
