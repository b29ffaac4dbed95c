"""Running ffmpeg: where the binary is, filter-graph escaping, and one async
run with progress, a bounded error tail and no orphan child when the caller gives up.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import subprocess
from collections import deque
from collections.abc import Callable
from pathlib import Path

import imageio_ffmpeg

from nemo_tui.engine.render.lifetime import die_with_parent

# How many stderr lines an FfmpegError keeps: enough to see the cause, never the whole log.
STDERR_TAIL_LINES = 20

# Characters the filter-graph parser treats as syntax when it splits the graph into filters.
_GRAPH_SPECIAL = "\\'[],;"


class MissingToolError(RuntimeError):
    """ffmpeg, or a font for drawtext (engine.render.fonts), cannot be found on this machine."""


class FfmpegError(RuntimeError):
    """ffmpeg exited with an error. `str()` is one line; `stderr_tail` holds ffmpeg's last lines."""

    def __init__(self, message: str, stderr_tail: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.stderr_tail = stderr_tail


@functools.cache
def gathers_are_slow() -> bool:
    """True on AMD processors, whose AVX2 gather instructions are slow: ffmpeg's AVX2
    horizontal scaler is built on them, and its SSSE3 one scales a moving still for less CPU
    there (perf on the 30 s motion promo: the gather loop was the hottest code in the render)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as cpuinfo:
            return "AuthenticAMD" in cpuinfo.read(4096)
    except OSError:
        return False


@functools.cache
def ffmpeg_exe() -> str:
    """The ffmpeg binary shipped with imageio-ffmpeg (or the one it was told to use)."""
    try:
        exe: str = imageio_ffmpeg.get_ffmpeg_exe()  # the package is untyped
        return exe
    except RuntimeError as exc:
        raise MissingToolError(
            "ffmpeg was not found: reinstall imageio-ffmpeg or set IMAGEIO_FFMPEG_EXE"
        ) from exc


def filter_value(value: str) -> str:
    """`value` escaped for use as one option value inside a -filter_complex graph.

    The graph is unescaped twice: first when it is split into filters (where `[ ] , ; ' \\` are
    syntax), then when a filter's arguments are split at `:`. So the value is single-quoted for
    the inner level and every special character of the result is backslash-escaped for the outer.
    """
    quoted = "'" + value.replace("'", "'\\''") + "'"
    return "".join("\\" + char if char in _GRAPH_SPECIAL else char for char in quoted)


def _seconds_from_progress(key: str, value: str) -> float | None:
    # `out_time_ms` is in microseconds too (a long-standing ffmpeg quirk), like `out_time_us`.
    if key not in ("out_time_us", "out_time_ms"):
        return None
    try:
        return int(value) / 1_000_000
    except ValueError:
        return None


async def run_ffmpeg(
    args: list[str],
    total_seconds: float,
    on_progress: Callable[[float], None] | None = None,
    cwd: Path | None = None,
) -> None:
    """Run `ffmpeg <args>` and report percent done (0-100, never going back; 100 only on success).

    Raises FfmpegError with ffmpeg's last stderr lines when it exits non-zero. If the awaiting task
    is cancelled, ffmpeg is killed and reaped before the cancellation propagates.
    """
    command = [
        ffmpeg_exe(),
        "-hide_banner",
        "-nostdin",
        "-loglevel",
        "error",
        "-progress",
        "pipe:1",
        "-nostats",
        # Progress lines every 0.25 s instead of 0.5 s: smoother bars at no measurable cost.
        "-stats_period",
        "0.25",
        "-y",
        *args,
    ]
    process = await asyncio.create_subprocess_exec(
        *command,
        stdin=subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        cwd=cwd,
        preexec_fn=die_with_parent(),
    )
    stderr_tail: deque[str] = deque(maxlen=STDERR_TAIL_LINES)
    try:
        await asyncio.gather(
            _read_progress(process, total_seconds, on_progress),
            _read_stderr(process, stderr_tail),
        )
        returncode = await process.wait()
    finally:
        if process.returncode is None:
            process.kill()
            # Reap the child even while being cancelled, so no zombie or orphan is left behind.
            with contextlib.suppress(ProcessLookupError):
                await asyncio.shield(process.wait())
    if returncode != 0:
        last = stderr_tail[-1] if stderr_tail else f"exit code {returncode}"
        raise FfmpegError(f"ffmpeg failed: {last}", tuple(stderr_tail))
    if on_progress is not None:
        on_progress(100.0)


async def _read_progress(
    process: asyncio.subprocess.Process,
    total_seconds: float,
    on_progress: Callable[[float], None] | None,
) -> None:
    assert process.stdout is not None
    reported = 0.0
    async for raw in process.stdout:
        key, _, value = raw.decode("utf-8", "replace").strip().partition("=")
        seconds = _seconds_from_progress(key, value)
        if seconds is None or on_progress is None or total_seconds <= 0:
            continue
        # Capped at 99 until ffmpeg exits cleanly: the muxer still has work after the last frame.
        percent = round(min(99.0, max(0.0, seconds / total_seconds * 100)), 1)
        if percent > reported:
            reported = percent
            on_progress(percent)


async def _read_stderr(process: asyncio.subprocess.Process, tail: deque[str]) -> None:
    assert process.stderr is not None
    async for raw in process.stderr:
        line = raw.decode("utf-8", "replace").rstrip()
        if line:
            tail.append(line)
