"""Who runs on a data folder: one engine per folder, the others attach.

The engine that serves a folder holds an exclusive `fcntl.flock` on `engine.lock` in it for its
whole life; the lock dies with its process, so a crash never leaves a stale owner. The same file
records, once the engine answers, what a client needs to reach it (URL, instance id, pid), mode
0600. Only the holder may re-queue interrupted renders, stop orphaned ffmpeg or remove partial
files, because only it knows none of that work is another live engine's.

Processes that use the engine without serving it (a TUI, `run`, `renders`...) hold a shared lock
on `clients.lock` while they run. An engine started for them in the background asks that lock,
not a heartbeat, whether anyone is still there: it exits when idle only once no client holds it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import IO

LOCK_NAME = "engine.lock"
CLIENTS_LOCK_NAME = "clients.lock"
# A runtime record is a few hundred bytes; anything bigger is not ours.
MAX_RECORD_BYTES = 4096


class FolderInUse(Exception):
    """Another live engine serves this data folder; `str()` names it and says what to do."""

    def __init__(self, data_dir: Path, record: EngineRecord | None) -> None:
        self.record = record
        where = f" at {record.url} (pid {record.pid})" if record and record.url else ""
        super().__init__(
            f"another engine{where} already serves {data_dir}; use it (nemo-tui --local attaches "
            "to it), stop it, or give another --data folder"
        )


@dataclass(frozen=True)
class EngineRecord:
    """What the lock file says about the engine holding it."""

    pid: int
    url: str | None = None
    instance_id: str | None = None


def read_record(data_dir: Path) -> EngineRecord | None:
    """The record in the folder's lock file, None when there is none or it is not ours."""
    try:
        with (data_dir / LOCK_NAME).open("rb") as handle:
            raw = json.loads(handle.read(MAX_RECORD_BYTES) or b"null")
    except (OSError, ValueError):
        return None
    if not isinstance(raw, dict) or not isinstance(raw.get("pid"), int):
        return None
    url, instance = raw.get("url"), raw.get("instance_id")
    return EngineRecord(
        raw["pid"],
        url if isinstance(url, str) else None,
        instance if isinstance(instance, str) else None,
    )


def _open_lock_file(path: Path) -> IO[bytes]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    return os.fdopen(fd, "r+b")


def is_served(data_dir: Path) -> bool:
    """True while some live process holds the folder's engine lock."""
    path = data_dir / LOCK_NAME
    if not path.exists():
        return False
    with _open_lock_file(path) as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


class FolderLock:
    """The exclusive hold on a data folder, taken by `acquire()` before the engine touches it."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self._handle: IO[bytes] | None = None

    def acquire(self) -> None:
        """Take the folder, or raise FolderInUse naming the engine that has it."""
        handle = _open_lock_file(self.data_dir / LOCK_NAME)
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.close()
            raise FolderInUse(self.data_dir, read_record(self.data_dir)) from None
        self._handle = handle
        self._write(EngineRecord(os.getpid()))

    def announce(self, url: str, instance_id: str) -> None:
        """Record where the engine answers, once it does."""
        self._write(EngineRecord(os.getpid(), url, instance_id))

    def _write(self, record: EngineRecord) -> None:
        # Rewritten in place, not replaced: the lock belongs to this open file, and a rename
        # would leave readers looking at a new, unlocked one.
        assert self._handle is not None
        self._handle.seek(0)
        self._handle.truncate()
        self._handle.write(json.dumps(asdict(record)).encode())
        self._handle.flush()

    def release(self) -> None:
        if self._handle is None:
            return
        with contextlib.suppress(OSError):
            self._handle.seek(0)
            self._handle.truncate()
        self._handle.close()  # closing drops the lock
        self._handle = None


def close_if_no_clients(data_dir: Path) -> IO[bytes] | None:
    """When no client holds the folder, hold it against new ones and return the hold (kept until
    this process exits, so a client arriving while the engine shuts down waits for it to be gone,
    then starts a new one); None while some client is there."""
    handle = _open_lock_file(data_dir / CLIENTS_LOCK_NAME)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        return None
    return handle


class ClientLease:
    """A client's shared hold on a data folder: while held, an engine started in the background
    for it stays up."""

    def __init__(self, data_dir: Path) -> None:
        self._handle = _open_lock_file(data_dir / CLIENTS_LOCK_NAME)
        fcntl.flock(self._handle, fcntl.LOCK_SH)

    def release(self) -> None:
        self._handle.close()
