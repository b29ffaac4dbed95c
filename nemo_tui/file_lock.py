"""Exclusive locks on files shared by several processes of the app (`fcntl.flock`: released by
the kernel when the process dies, so a crash never leaves a stale lock)."""

from __future__ import annotations

import asyncio
import fcntl
import os
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

# How often a lock held by another process is asked for again while waiting without blocking.
ASYNC_RETRY_SECONDS = 0.1


def _open(path: Path) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


@contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created 0600) for the block, waiting for it. For short
    critical sections: a read, a merge and a write."""
    fd = _open(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@asynccontextmanager
async def locked_async(path: Path) -> AsyncIterator[None]:
    """`locked`, waited for without blocking the event loop (another process may hold it for
    minutes, e.g. while it downloads)."""
    fd = _open(path)
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                await asyncio.sleep(ASYNC_RETRY_SECONDS)
        yield
    finally:
        os.close(fd)


def is_locked(path: Path) -> bool:
    """True while another holder has `path` locked (a file that does not exist is not)."""
    if not path.exists():
        return False
    fd = _open(path)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return True
    finally:
        os.close(fd)
    return False
