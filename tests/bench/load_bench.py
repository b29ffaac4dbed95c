"""Load benchmark: many people on one engine at once. Each session gets its own anonymous token,
uploads two photos, has one chat turn, exports a small render (180 pixels high), downloads it and
checks the MP4 with PyAV. Afterwards the engine's own database is read to prove nothing was lost
(one message and one completed render per session).

Run on demand: `.venv/bin/python tests/bench/load_bench.py [--sessions 20] [--renders 1]`.
The engine runs as its own process (`python -m nemo_tui serve`) so its resident memory is
measured apart from the clients; ffmpeg children are reported separately. Prints a table.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import av
import httpx
import psutil

from nemo_tui.api.client import NemoClient
from nemo_tui.api.errors import NemoError
from nemo_tui.api.transport import MemoryCredentials
from nemo_tui.engine.media import samples
from nemo_tui.engine.store import Store

MB = 1024 * 1024
MESSAGE = "create a slideshow video from these images"
OUTPUT_HEIGHT = 180
RSS_GOAL_MB = 400


@dataclass
class SessionResult:
    number: int
    turn_seconds: float | None = None
    render_seconds: float | None = None
    total_seconds: float | None = None
    session_id: str | None = None
    render_id: str | None = None
    error: str | None = None


@dataclass
class RssSampler:
    """Peak resident memory of one process (and, apart, of its children) every 20 ms."""

    pid: int
    peak: int = 0
    peak_children: int = 0
    _stop: threading.Event = field(default_factory=threading.Event)

    def _sample(self) -> None:
        process = psutil.Process(self.pid)
        while not self._stop.wait(0.02):
            try:
                self.peak = max(self.peak, process.memory_info().rss)
                children = 0
                for child in process.children(recursive=True):
                    try:
                        children += child.memory_info().rss
                    except psutil.NoSuchProcess:
                        continue
                self.peak_children = max(self.peak_children, children)
            except psutil.NoSuchProcess:
                return

    @contextmanager
    def running(self) -> Iterator[RssSampler]:
        thread = threading.Thread(target=self._sample, daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join()


@contextmanager
def engine(data_dir: Path, renders: int) -> Iterator[tuple[str, int]]:
    """`python -m nemo_tui serve` on a free port; yields its URL and pid."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("NEMO_")},
        "NEMO_ENGINE_MAX_CONCURRENT_RENDERS": str(renders),
        "NEMO_ENGINE_SEED": "7",
    }
    command = [sys.executable, "-m", "nemo_tui", "serve", "--data", str(data_dir)]
    child = subprocess.Popen(
        [*command, "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1, trust_env=False).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or child.poll() is not None:
                    raise RuntimeError("the engine did not start") from None
                time.sleep(0.1)
        yield base, child.pid
    finally:
        child.send_signal(signal.SIGTERM)
        child.wait(timeout=30)


def check_mp4(path: Path) -> None:
    with av.open(str(path)) as container:
        video = container.streams.video[0]
        if video.codec_context.name != "h264":
            raise AssertionError(f"{path.name}: codec {video.codec_context.name}")
        if min(video.codec_context.width, video.codec_context.height) != OUTPUT_HEIGHT:
            raise AssertionError(f"{path.name}: {video.codec_context.height} pixels high")
        if not container.duration or container.duration <= 0:
            raise AssertionError(f"{path.name}: no duration")


async def one_session(
    number: int, base: str, photos: list[Path], out: Path, start: asyncio.Event
) -> SessionResult:
    result = SessionResult(number)
    await start.wait()
    began = time.perf_counter()
    try:
        async with NemoClient(base, credentials=MemoryCredentials()) as client:
            session = await client.create_session("en")
            result.session_id = session.session_id
            await client.upload(session.session_id, photos)
            turn_began = time.perf_counter()
            async with client.run_sse(session.session_id, MESSAGE) as events:
                async for _ in events:
                    pass
            result.turn_seconds = time.perf_counter() - turn_began
            state = await client.state(session.session_id)
            render_began = time.perf_counter()
            submitted = await client.submit_render(
                session.session_id, state.state.draft, output_height=OUTPUT_HEIGHT
            )
            result.render_id = submitted.id
            finished = await client.wait_for_render(submitted.id, poll_interval=0.25)
            path = await client.download(finished, out / f"session-{number:02d}.mp4")
            result.render_seconds = time.perf_counter() - render_began
            check_mp4(path)
    except (NemoError, AssertionError, OSError, av.error.FFmpegError) as error:
        result.error = f"{type(error).__name__}: {error}"
    result.total_seconds = time.perf_counter() - began
    return result


def lost_work(data_dir: Path, results: list[SessionResult]) -> list[str]:
    """What the engine's database says went missing: each session must hold exactly one message
    and its render must be completed."""
    problems: list[str] = []
    store = Store(data_dir / "engine.sqlite3", data_dir / "media")
    try:
        for result in results:
            if result.session_id is None:
                problems.append(f"session {result.number}: never created")
                continue
            messages = store.messages(result.session_id)
            if messages != [MESSAGE]:
                problems.append(f"session {result.number}: {len(messages)} messages recorded")
            job = store.render(result.render_id) if result.render_id else None
            if job is None or job.status != "completed":
                status = job.status if job else "missing"
                problems.append(f"session {result.number}: render {status}")
    finally:
        store.close()
    return problems


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


async def run(sessions: int, renders: int) -> None:
    with tempfile.TemporaryDirectory(prefix="load-bench-") as folder:
        root = Path(folder)
        photos = [samples.make_photo(root / f"photo{i}.jpg", 480, 320, i) for i in range(2)]
        out = root / "downloads"
        out.mkdir()
        data_dir = root / "engine"
        with engine(data_dir, renders) as (base, pid):
            idle_rss = psutil.Process(pid).memory_info().rss
            with RssSampler(pid).running() as rss:
                start = asyncio.Event()
                tasks = [
                    asyncio.create_task(one_session(n, base, photos, out, start))
                    for n in range(1, sessions + 1)
                ]
                began = time.perf_counter()
                start.set()
                results = await asyncio.gather(*tasks)
                wall = time.perf_counter() - began
        lost = lost_work(data_dir, results)

    done = [r for r in results if r.error is None]
    turns = [r.turn_seconds for r in results if r.turn_seconds is not None]
    renders_taken = [r.render_seconds for r in done if r.render_seconds is not None]
    print(f"\n{sessions} concurrent sessions on one engine ({renders} render(s) at a time)\n")
    print(f"{'what':<36}{'value':>14}")
    rows = [
        ("completed", f"{len(done)}/{sessions}"),
        ("errors", str(sessions - len(done))),
        ("lost (messages, renders)", str(len(lost))),
        ("turn latency p50", f"{statistics.median(turns):.2f} s" if turns else "-"),
        ("turn latency p95", f"{percentile(turns, 0.95):.2f} s" if turns else "-"),
        ("export+download p50", f"{statistics.median(renders_taken):.2f} s" if done else "-"),
        ("export+download max", f"{max(renders_taken):.2f} s" if done else "-"),
        ("wall time", f"{wall:.1f} s"),
        ("engine RSS idle", f"{idle_rss / MB:.0f} MB"),
        ("engine RSS peak", f"{rss.peak / MB:.0f} MB"),
        ("ffmpeg children RSS peak", f"{rss.peak_children / MB:.0f} MB"),
    ]
    for name, value in rows:
        print(f"{name:<36}{value:>14}")
    for result in results:
        if result.error:
            print(f"  session {result.number}: {result.error}")
    for problem in lost:
        print(f"  lost: {problem}")
    verdict = len(done) == sessions and not lost and rss.peak / MB < RSS_GOAL_MB
    print(
        f"\ngoal: {sessions}/{sessions} complete, nothing lost, engine RSS < {RSS_GOAL_MB} MB: "
        + ("met" if verdict else "NOT met")
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=20, help="concurrent sessions")
    parser.add_argument("--renders", type=int, default=1, help="renders the engine runs at once")
    args = parser.parse_args()
    asyncio.run(run(args.sessions, args.renders))


if __name__ == "__main__":
    main()
