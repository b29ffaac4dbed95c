"""Link benchmark: the player and a streamed answer over slow links. Prints a table.

Run on demand: `.venv/bin/python tests/bench/link_bench.py [--seconds 6] [--keys 10]`.

Each program runs on a pseudo-terminal whose output is read at a bounded rate (`tests/drained.py`:
4 MB/s, 1 MB/s, 250 KB/s, 100 KB/s, as an SSH link carries it), so what the program writes faster
than that backs up into its own writes.

- The player (`nemo-tui play`, half blocks, a 1280x720 25 fps test pattern) at 120x40 and 200x60:
  over `--seconds` from `WARMUP` s after the first picture (the player adapts meanwhile), the
  bytes a second the terminal was sent, the pictures it was sent a second and the rest of the 15
  the player aims at (dropped); the lag of the position on screen behind the clock (the bar's
  `MM:SS` as it reaches the terminal, against the moment the first picture did plus those
  seconds; the worst since the first picture); key to effect (space pressed `--keys` times,
  0.4 s apart, until the bar's ⏸ or ▶ arrives; p95; a key with no effect in `MISSED` s is
  counted as that and said); and `q` to the process's exit. The last thing the bar said about
  adapting while measured ("12 fps for the link") is shown too.
- A streamed answer of `--chunks` chunks (the chat app on 120x40, streamed from a loopback stub
  as in `ui_bench.py`, while a key is typed every 50 ms): bytes a second, the paints a second
  (synchronized updates), the seconds after the stream's start until its last words arrived,
  key to echo (p95), and ctrl+q to exit.

Goals at every rate: key p95 <= 200 ms, position lag <= 0.5 s, `q` exits within 0.5 s.
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
from tests.bench.playback_bench import HALF_BLOCK, PAUSED, PLAYING, SYNC_START, SYNC_TERMINAL
from tests.bench.ui_bench import STREAM_CHILD, media_folder, sse_server
from tests.drained import DrainedTerminal

RATES = ((4_000_000, "4 MB/s"), (1_000_000, "1 MB/s"), (250_000, "250 KB/s"), (100_000, "100 KB/s"))
NEMO_TUI = str(Path(sys.executable).parent / "nemo-tui")
BAR_TIME = re.compile(rb"[\xe2\x96\xb6\xe2\x8f\xb8]+ (\d\d):(\d\d) / ")
ADAPTING = re.compile(rb"(\d+ fps[^\x1b]*?for the link)")
KEY_GOAL, LAG_GOAL, EXIT_GOAL = 0.2, 0.5, 0.5
# Seconds after the first picture before the rates are measured: the player adapts meanwhile.
WARMUP = 3.0
MISSED = 10.0  # a key whose effect never came
LINE_MOVE = re.compile(rb"\x1b\[\d+;\d+H")
# A picture on its way: half blocks or, drawn coarser for a slow link (from the first picture
# on, once the first screen's paint timed the link), runs of coloured spaces.
PICTURE = re.compile(HALF_BLOCK + rb"|(?:\x1b\[48;2;[0-9;]+m +\x1b\[0m){6}")


def pictures_in(text: bytes) -> int:
    """Synchronized updates that draw a picture: many lines (the bar alone is one), in half
    blocks or, at lower detail, coloured spaces."""
    return sum(1 for update in text.split(SYNC_START)[1:] if len(LINE_MOVE.findall(update)) >= 10)


def effect_after(terminal: DrainedTerminal, keys: bytes, effect: re.Pattern[bytes]) -> float:
    """Seconds from `keys` written to the terminal until `effect` arrived (`MISSED`: never)."""
    pressed = terminal.send(keys)
    try:
        return terminal.wait(effect, pressed, timeout=MISSED) - pressed
    except TimeoutError:
        return MISSED


def toggled(terminal: DrainedTerminal) -> re.Pattern[bytes]:
    """What space should bring to the bar: the other of ⏸ and ▶ than it shows now."""
    output = terminal.output
    return PLAYING if output.rfind(PAUSED.pattern) > output.rfind(PLAYING.pattern) else PAUSED


def p95(values: list[float]) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=20, method="inclusive")[-1]


def received(terminal: DrainedTerminal, start: float, end: float) -> bytes:
    return b"".join(data for at, data in terminal.chunks if start <= at < end)


def position_lag(terminal: DrainedTerminal, first_picture: float, end: float) -> float:
    """The worst lag of the bar's time behind the clock: each new `MM:SS` should arrive when
    that many seconds have passed since the first picture did."""
    worst, last = 0.0, -1
    text, ends = b"", []
    for at, data in terminal.chunks:
        if at > end:
            break
        text += data
        ends.append((len(text), at))
    for found in BAR_TIME.finditer(text):
        seconds = int(found[1]) * 60 + int(found[2])
        if seconds <= last:
            continue
        last = seconds
        arrived = next(at for length, at in ends if length >= found.end())
        worst = max(worst, arrived - first_picture - seconds)
    # What the screen shows at the end is behind too, if the clock is past its next second.
    return max(worst, end - first_picture - (last + 1))


def exit_seconds(terminal: DrainedTerminal, keys: bytes) -> float:
    sent = terminal.send(keys)
    try:
        terminal.process.wait(timeout=30)
    except Exception:
        return float("inf")
    return time.perf_counter() - sent


def player_row(video: Path, size: tuple[int, int], rate: float, seconds: float, keys: int) -> dict:
    terminal = DrainedTerminal(
        [NEMO_TUI, "play", str(video)], os.environ, rate, size=size, answers=SYNC_TERMINAL
    )
    try:
        first_picture = terminal.wait(PICTURE, timeout=60)
        time.sleep(WARMUP)
        started = time.perf_counter()
        time.sleep(seconds)
        ended = time.perf_counter()
        sent = received(terminal, started, ended)
        pictures = pictures_in(sent)
        lag = position_lag(terminal, first_picture, ended)
        latencies = []
        for _ in range(keys):
            latencies.append(effect_after(terminal, b" ", toggled(terminal)))
            time.sleep(0.4)
        if toggled(terminal) is PLAYING:  # paused: play on until q
            effect_after(terminal, b" ", PLAYING)
        time.sleep(1.0)
        adapting = ADAPTING.findall(sent)  # what the bar said while measured
        quit_after = exit_seconds(terminal, b"q")
    finally:
        terminal.close()
    elapsed = ended - started
    return {
        "bytes": len(sent) / elapsed,
        "shown": pictures / elapsed,
        "dropped": max(MAX_FPS - pictures / elapsed, 0.0),
        "lag": lag,
        "key": p95(latencies),
        "missed": latencies.count(MISSED),
        "exit": quit_after,
        "note": adapting[-1].decode(errors="replace") if adapting else "",
    }


def answer_row(base_url: str, folder: Path, rate: float, chunks: int) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        mark = Path(scratch) / "started"
        bench_dir = str(Path(__file__).parent)
        argv = [sys.executable, "-c", STREAM_CHILD, base_url, str(folder), str(mark), bench_dir]
        terminal = DrainedTerminal(argv, os.environ, rate, answers=SYNC_TERMINAL)
        try:
            while not mark.exists() or not mark.read_text():
                time.sleep(0.005)
            started = float(mark.read_text())
            last_words = re.compile(f"word{chunks - 1}".encode())
            latencies: list[float] = []
            deadline = started + 120
            while terminal.seen(last_words, started) is None and time.perf_counter() < deadline:
                latencies.append(effect_after(terminal, b"q", re.compile(b"q")))
                time.sleep(0.05)
            shown = terminal.wait(last_words, started, timeout=5) - started
            sent = received(terminal, started, started + shown)
            paints = sent.count(SYNC_START)
            quit_after = exit_seconds(terminal, b"\x11")
        finally:
            terminal.close()
    return {
        "bytes": len(sent) / shown,
        "shown": paints / shown,
        "done": shown,
        "key": p95(latencies),
        "exit": quit_after,
    }


def verdict(key: float, exit_after: float, lag: float = 0.0) -> str:
    return "ok" if key <= KEY_GOAL and exit_after <= EXIT_GOAL and lag <= LAG_GOAL else "OVER"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=6.0, help="playback measured per row")
    parser.add_argument("--keys", type=int, default=10, help="space presses timed per row")
    parser.add_argument("--chunks", type=int, default=20_000, help="chunks of the answer")
    parser.add_argument("--only", choices=("player", "answer"), help="one half of the table")
    args = parser.parse_args()
    print(
        f"nemo-tui over a drained pseudo-terminal, {psutil.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}"
    )
    with tempfile.TemporaryDirectory(prefix="nemo-link-") as work:
        if args.only != "answer":
            video = samples.make_clip(Path(work) / "pattern.mp4", 30.0, 1280, 720, audio=False)
            print(
                f"{'player':<8} {'link':>9} {'KB/s':>7} {'shown/s':>8} {'dropped/s':>9} "
                f"{'lag s':>6} {'key p95':>8} {'q exit':>7}  goals  status"
            )
            for size in ((120, 40), (200, 60)):
                for rate, name in RATES:
                    row = player_row(video, size, rate, args.seconds, args.keys)
                    print(
                        f"{size[0]}x{size[1]:<5} {name:>9} {row['bytes'] / 1000:7.0f} "
                        f"{row['shown']:8.1f} {row['dropped']:9.1f} {row['lag']:6.2f} "
                        f"{row['key'] * 1000:5.0f} ms {row['exit']:6.2f}s  "
                        f"{verdict(row['key'], row['exit'], row['lag']):<5}  {row['note']}"
                        + (f" ({row['missed']} keys never acted)" if row["missed"] else ""),
                        flush=True,
                    )
        if args.only != "player":
            folder = media_folder(Path(work))
            print(
                f"{'answer':<8} {'link':>9} {'KB/s':>7} {'paints/s':>8} {'done s':>9} "
                f"{'':>6} {'key p95':>8} {'^q exit':>7}  goals"
            )
            with sse_server(args.chunks) as base_url:
                for rate, name in RATES:
                    row = answer_row(base_url, folder, rate, args.chunks)
                    print(
                        f"{args.chunks:<8} {name:>9} {row['bytes'] / 1000:7.0f} "
                        f"{row['shown']:8.1f} {row['done']:9.1f} {'':>6} "
                        f"{row['key'] * 1000:5.0f} ms {row['exit']:6.2f}s  "
                        f"{verdict(row['key'], row['exit'])}",
                        flush=True,
                    )


if __name__ == "__main__":
    main()
