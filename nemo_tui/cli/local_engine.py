"""`--local`: the engine of the user's data folder, attached to when one runs, else started.

One engine serves a folder (`engine.ownership`). A `--local` process first takes a client's
shared hold on the folder, then reads the folder's lock file: when a live engine holds it and
answers there, the process uses it. Otherwise it starts `nemo-tui serve` in the background, in a
session of its own so a Ctrl+C in this terminal does not reach it, and waits for it to announce
itself. That engine outlives the process that started it: a render any client asked for runs to
the end whoever quits, and the engine exits by itself once it has had no client, request or
render for `local_engine_idle_seconds`.
"""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from nemo_tui.engine.ownership import ClientLease, EngineRecord, is_served, read_record

START_TIMEOUT_SECONDS = 30.0
POLL_SECONDS = 0.05
HEALTH_TIMEOUT = httpx.Timeout(2.0)
LOG_NAME = "engine.log"
# The background engine's log is started afresh past this size, so it never grows without end.
MAX_LOG_BYTES = 5 * 1024 * 1024


class LocalEngineFailed(Exception):
    """The local engine could not be reached or started; `str()` says why and what to do."""


def _answers(record: EngineRecord | None) -> str | None:
    """The record's URL when the engine there answers `/health` as itself."""
    if record is None or not record.url:
        return None
    try:
        reply = httpx.get(f"{record.url}/health", timeout=HEALTH_TIMEOUT, trust_env=False)
        body = reply.json()
    except (httpx.HTTPError, ValueError):
        return None
    data = body.get("data") if isinstance(body, dict) else None
    instance = data.get("instance_id") if isinstance(data, dict) else None
    return record.url if reply.status_code == 200 and instance == record.instance_id else None


def _start_background_engine(data_dir: Path, idle_seconds: float) -> subprocess.Popen[bytes]:
    log_path = data_dir / LOG_NAME
    if log_path.exists() and log_path.stat().st_size > MAX_LOG_BYTES:
        log_path.unlink()
    command = [sys.executable, "-m", "nemo_tui", "serve", "--data", str(data_dir)]
    with log_path.open("ab") as log:
        return subprocess.Popen(
            [*command, "--idle-exit", str(idle_seconds)],
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=log,
            start_new_session=True,
        )


def _last_log_line(data_dir: Path) -> str:
    try:
        lines = (data_dir / LOG_NAME).read_text(errors="replace").strip().splitlines()
    except OSError:
        return ""
    return lines[-1][:200] if lines else ""


def find_or_start(data_dir: Path, idle_seconds: float) -> str:
    """The URL of the folder's engine, started in the background when none serves it. The caller
    holds a `ClientLease` on the folder, so a running engine cannot decide to leave meanwhile."""
    data_dir.mkdir(parents=True, exist_ok=True)
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    started: subprocess.Popen[bytes] | None = None
    while time.monotonic() < deadline:
        if is_served(data_dir):
            # Held: answering already, or still starting up (then its record has no URL yet).
            if url := _answers(read_record(data_dir)):
                return url
        elif started is None:
            # Nobody serves the folder: start an engine (one started at the same time by another
            # client finds the folder taken and exits; both then use the one that won).
            started = _start_background_engine(data_dir, idle_seconds)
        elif started.poll() is not None:
            break  # ours could not start, and no other engine took the folder
        time.sleep(POLL_SECONDS)
    detail = _last_log_line(data_dir)
    raise LocalEngineFailed(
        f"the local engine on {data_dir} did not start"
        + (f" ({detail})" if detail else "")
        + f"; see {data_dir / LOG_NAME}"
    )


@contextmanager
def attached(data_dir: Path, idle_seconds: float) -> Iterator[str]:
    """The URL of the engine on `data_dir`, held as a client for the block: the engine stays
    while it runs."""
    data_dir.mkdir(parents=True, exist_ok=True)
    lease = ClientLease(data_dir)
    try:
        yield find_or_start(data_dir, idle_seconds)
    finally:
        lease.release()
