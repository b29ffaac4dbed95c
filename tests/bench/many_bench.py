"""Many processes at once: N `nemo-tui run --local ... --export` on one HOME at the same moment,
for N in 1, 2, 4, 8. They share one local engine (the first starts it in the background, the
others attach) and one memory file.

Run on demand: `.venv/bin/python tests/bench/many_bench.py [--counts 1 2 4 8]`. Prints a table:
per N, exports completed and lost (a lost export: exit non-zero, no MP4, an MP4 that does not
open, or a render the memory file does not list as completed), and wall time per export.
Goal: 0 lost at every N.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import av

from nemo_tui.engine.media import samples


def environment(home: Path) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("NEMO_")}
    env.update(
        HOME=str(home),
        NEMO_CLIENT_ID_FILE=str(home / "client_id"),
        NEMO_ENGINE_RENDER_PRESET="ultrafast",
        NEMO_ENGINE_CHUNK_DELAY="0",
        NEMO_LOCAL_ENGINE_IDLE_SECONDS="2",
    )
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env.pop(name, None)
    return env


def opens_as_video(path: Path) -> bool:
    try:
        with av.open(str(path)) as container:
            return bool(container.streams.video) and container.duration is not None
    except (OSError, av.error.FFmpegError):
        return False


def completed_in_memory(home: Path) -> set[str]:
    """The export files the app's memory files list as completed."""
    done: set[str] = set()
    for path in home.rglob("*.json"):
        try:
            memory = json.loads(path.read_text())
        except (OSError, ValueError):
            continue
        if isinstance(memory, dict) and isinstance(memory.get("renders"), list):
            done |= {r["dest"] for r in memory["renders"] if r.get("status") == "completed"}
    return done


def run_many(count: int, photo: Path, home: Path) -> tuple[int, int, float]:
    outputs = [home / f"out{index}.mp4" for index in range(count)]
    started = time.perf_counter()
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "nemo_tui",
                "run",
                "--local",
                "--height",
                "180",
                "--files",
                str(photo),
                "--say",
                "animate this image into a 2-second video",
                "--export",
                str(output),
            ],
            env=environment(home),
            cwd=home,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        for output in outputs
    ]
    errors = [process.communicate(timeout=900)[1] for process in processes]
    codes = [process.returncode for process in processes]
    wall = time.perf_counter() - started
    for code, error in zip(codes, errors, strict=True):
        if code != 0:
            last = error.strip().splitlines()[-1] if error.strip() else "(nothing on stderr)"
            print(f"    exit {code}: {last[:150]}", file=sys.stderr)
    listed = completed_in_memory(home)
    completed = sum(
        code == 0 and opens_as_video(output) and str(output.absolute()) in listed
        for code, output in zip(codes, outputs, strict=True)
    )
    return completed, count - completed, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--counts", type=int, nargs="+", default=[1, 2, 4, 8])
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="many-bench-") as folder:
        photo = Path(folder) / "photo.jpg"
        samples.make_photo(photo, 480, 320, 1)
        print(f"{'N':>3} {'completed':>10} {'lost':>5} {'wall s':>8} {'s/export':>9}")
        for count in args.counts:
            home = Path(folder) / f"home{count}"
            home.mkdir()
            completed, lost, wall = run_many(count, photo, home)
            print(f"{count:>3} {completed:>10} {lost:>5} {wall:>8.1f} {wall / count:>9.2f}")
            time.sleep(3)  # the background engine of this N leaves before the next starts


if __name__ == "__main__":
    main()
