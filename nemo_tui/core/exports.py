"""Following an export: poll the render job, estimate the time left, download the MP4.

Kept apart from the controller because it is the longest-running thing the app does and the one
that must survive a restart: it needs only a render id, which the controller persists.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from nemo_tui.api.client import NemoClient
from nemo_tui.api.models import RenderStatus
from nemo_tui.core.updates import DownloadProgress, RenderProgress, Update


class EtaEstimator:
    """Seconds left from the progress rate since the job started moving."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._start: tuple[float, float] | None = None

    def eta(self, progress: float) -> float | None:
        now = self._clock()
        if self._start is None:
            if progress > 0:
                self._start = (now, progress)
            return None
        started_at, started_progress = self._start
        done = progress - started_progress
        if done <= 0:
            return None
        return (now - started_at) * (100 - progress) / done


def _slug(text: str, limit: int) -> str:
    """Letters, digits, `_` and `-` only: no separator, no dot, nothing a path could climb with."""
    return re.sub(r"[^\w-]+", "-", text.strip()).strip("-")[:limit]


def export_filename(title: str | None, render_id: str) -> str:
    """`<title>-<render id>.mp4`, both reduced to safe characters (the title to 'nemo' if none):
    the render id comes from the server, so it may hold `/`, `..` or control characters."""
    slug = _slug((title or "").lower(), 40) or "nemo"
    return f"{slug}-{_slug(render_id, 80) or 'render'}.mp4"


def inside(folder: Path, name: str) -> Path:
    """`folder / name`, checked to stay directly inside `folder` (ValueError otherwise)."""
    path = folder / name
    if name in ("", ".", "..") or path.resolve().parent != folder.resolve():
        raise ValueError(f"{name!r} is not a plain file name inside {folder}")
    return path


@dataclass(frozen=True)
class Polling:
    """How a render is followed: the first wait, the longest it backs off to, and when following
    is given up (SPEC 7: the cloud every 10-30 s, for 15 minutes)."""

    first: float
    longest: float
    give_up_after: float


async def follow_render(
    client: NemoClient,
    render_id: str,
    dest: Path,
    polling: Polling,
    emit: Callable[[Update], None],
) -> Path:
    """Poll until the job completes, then download it to `dest`. Raises RenderFailed,
    RenderCancelled, or RenderStillRunning when following is given up."""
    estimator = EtaEstimator()

    def on_status(status: RenderStatus) -> None:
        emit(
            RenderProgress(
                render_id,
                status.status,
                status.progress,
                eta=estimator.eta(status.progress) if status.status == "processing" else None,
                error=status.error,
                finalising=status.finalising,
            )
        )

    finished = await client.wait_for_render(
        render_id,
        polling.first,
        on_status,
        longest_interval=polling.longest,
        give_up_after=polling.give_up_after,
    )

    def on_bytes(received: int, total: int | None) -> None:
        emit(DownloadProgress(render_id, received, total, dest))

    path = await client.download(finished, dest, on_bytes)
    size = path.stat().st_size
    emit(DownloadProgress(render_id, size, size, path, done=True))
    return path
