"""Playback benchmark: `nemo-tui play` on a pseudo-terminal, in half blocks. Prints a table.

Run on demand: `.venv/bin/python tests/bench/playback_bench.py [--seconds 8] [--keys 20]`.

A 720p, 30 fps, 20 s test pattern plays at 80x24 and at 200x60 cells. For `--seconds` of
playback at each size the table gives the frames the terminal was sent per second (each picture
change is one synchronized update with half blocks in it; the player aims at 15), the frames
dropped per second (the 15 a second it aims at, minus those shown), and the app's CPU (user +
system, all its threads and its decoding child process) as a share of one core.

Then, still playing, key to screen: space is pressed `--keys` times, 0.3 s apart; each press is
timed from the byte written to the terminal until the terminal is sent the bar's new state (⏸ on
pause, ▶ on resume). Goal: p95 <= 50 ms.
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

# The pseudo-terminal is shared with the tests; run as a script, this file sees only its own
# folder, so the repository root goes on the path first.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from nemo_tui.engine.media import samples
from nemo_tui.tui.player import MAX_FPS
from tests.terminal import PLAIN_TERMINAL, Terminal

SYNC_START = b"\x1b[?2026h"
# A terminal that says it has synchronized output: the app then sends each screen update between
# SYNC_START and its end, which is how the frames are counted.
SYNC_TERMINAL = {**PLAIN_TERMINAL, b"\x1b[?2026$p": b"\x1b[?2026;2$y"}
HALF_BLOCK = "▀".encode()
PAUSED, PLAYING = re.compile("⏸".encode()), re.compile("▶".encode())
NEMO_TUI = str(Path(sys.executable).parent / "nemo-tui")


def frames_sent(terminal: Terminal, since: float) -> int:
    """Synchronized updates sent after `since` that draw half blocks: pictures, not the bar."""
    text = b"".join(data for at, data in terminal.chunks if at >= since)
    return sum(1 for update in text.split(SYNC_START)[1:] if HALF_BLOCK in update)


def cpu_seconds(process: psutil.Process) -> float:
    """User + system time of the app and its decoding child."""
    total = 0.0
    for each in (process, *process.children(recursive=True)):
        times = each.cpu_times()
        total += times.user + times.system
    return total


def playback(video: Path, size: tuple[int, int], seconds: float, keys: int) -> dict[str, float]:
    terminal = Terminal(
        [NEMO_TUI, "play", str(video)], os.environ, size=size, answers=SYNC_TERMINAL
    )
    try:
        terminal.wait(re.compile(HALF_BLOCK), timeout=60)
        time.sleep(0.5)  # past start-up
        process = psutil.Process(terminal.process.pid)
        started, cpu_before = time.perf_counter(), cpu_seconds(process)
        time.sleep(seconds)
        elapsed = time.perf_counter() - started
        cpu = (cpu_seconds(process) - cpu_before) / elapsed
        shown = frames_sent(terminal, started) / elapsed
        latencies = []
        for press in range(keys):
            sent = terminal.send(b" ")
            latencies.append(terminal.wait(PAUSED if press % 2 == 0 else PLAYING, sent) - sent)
            time.sleep(0.3)
        terminal.send(b"q")
        terminal.process.wait(timeout=15)
    finally:
        terminal.close()
    return {
        "shown": shown,
        "dropped": max(MAX_FPS - shown, 0.0),
        "cpu": cpu * 100,
        "p95": statistics.quantiles(latencies, n=20, method="inclusive")[-1] * 1000,
        "median": statistics.median(latencies) * 1000,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="playback measured per size")
    parser.add_argument("--keys", type=int, default=20, help="space presses timed per size")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="nemo-playback-") as work:
        video = samples.make_clip(Path(work) / "pattern.mp4", 20.0, 1280, 720, audio=False)
        print(
            f"nemo-tui play, half blocks, 1280x720 30 fps source, {psutil.cpu_count()} CPUs, "
            f"load {os.getloadavg()[0]:.1f}"
        )
        print(f"{'terminal':<10} {'shown/s':>8} {'dropped/s':>10} {'CPU %':>7} {'key p95':>9}")
        for size in ((80, 24), (200, 60)):
            row = playback(video, size, args.seconds, args.keys)
            verdict = "ok" if row["p95"] <= 50 else "OVER GOAL"
            print(
                f"{size[0]}x{size[1]:<7} {row['shown']:8.1f} {row['dropped']:10.1f} "
                f"{row['cpu']:7.0f} {row['p95']:6.0f} ms  (median {row['median']:.0f} ms, "
                f"goal p95 <= 50 ms: {verdict})"
            )


if __name__ == "__main__":
    main()
