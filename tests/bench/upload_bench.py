"""Upload benchmark: a 400 MB media file sent to a local engine by `NemoClient.upload` and by
`curl -F files=@...`, with the client's peak memory growth while it streams.

Run on demand: `.venv/bin/python tests/bench/upload_bench.py [--mb 400] [--runs 2]`. Prints a table.
Goals: client throughput >= 0.8x curl's, peak RSS growth < 64 MB. The file is a WAV (PCM written in
chunks, so making it costs no encoding time) because the engine probes every upload with PyAV and
keeps only real media. The engine runs in its own process so its memory is not counted.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import wave
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import psutil

from nemo_tui.api.client import NemoClient
from nemo_tui.api.transport import MemoryCredentials

MB = 1024 * 1024


@contextmanager
def engine_process(data_dir: Path, **env: str) -> Iterator[str]:
    """A local engine in a child process on a free loopback port; yields its base URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code = (
        "from pathlib import Path\n"
        "from nemo_tui.engine.http.server import serve\n"
        "from nemo_tui.engine.settings import EngineSettings\n"
        f"serve(EngineSettings(data_dir=Path({str(data_dir)!r})), port={port})\n"
    )
    child = subprocess.Popen(
        [sys.executable, "-c", code],
        env={**os.environ, **env},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                httpx.get(f"{base}/health", timeout=1).raise_for_status()
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or child.poll() is not None:
                    raise RuntimeError("the engine did not start") from None
                time.sleep(0.1)
        yield base
    finally:
        child.terminate()
        child.wait(timeout=30)


class PeakRss:
    """Samples this process's resident memory every 5 ms; `growth` is the peak above the start."""

    def __init__(self) -> None:
        self._process = psutil.Process()
        self.baseline = self._process.memory_info().rss
        self.peak = self.baseline
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, self._process.memory_info().rss)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth_mb(self) -> float:
        return (self.peak - self.baseline) / MB


def make_wav(path: Path, megabytes: int) -> Path:
    """A PCM WAV of about `megabytes` MB, written a block at a time (noise, so nothing about it
    is compressible on the way)."""
    block = os.urandom(4 * MB)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(48000)
        for _ in range(megabytes // 4):
            out.writeframesraw(block)
    return path


def curl_upload(curl: str, base: str, token: str, session_id: str, path: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [
            curl, "-sS", "--fail", "-o", os.devnull,
            "-H", f"Authorization: Bearer {token}",
            "-H", "X-Skill-Source: create-a-video-using-ai",
            "-H", "X-Skill-Version: 1.0.0",
            "-H", "X-Skill-Platform: unknown",
            "-F", f"files=@{path}",
            f"{base}/api/upload-video/nemo_agent/me/{session_id}",
        ],
        check=True,
    )  # fmt: skip
    return time.perf_counter() - started


async def client_upload(client: NemoClient, session_id: str, path: Path) -> tuple[float, float]:
    """Seconds taken and peak RSS growth (MB) of one upload through the client."""
    with PeakRss() as rss:
        started = time.perf_counter()
        result = await client.upload(session_id, [path])
        elapsed = time.perf_counter() - started
    assert result.files and result.files[0].file_type == "audio"
    return elapsed, rss.growth_mb


async def run(megabytes: int, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="upload-bench-") as folder:
        root = Path(folder)
        source = make_wav(root / "long-take.wav", megabytes)
        size_mb = source.stat().st_size / MB
        credentials = MemoryCredentials()
        rows: list[tuple[str, float, float | None]] = []
        with engine_process(root / "engine") as base:
            async with NemoClient(base, credentials=credentials) as client:
                session = await client.create_session("en")
                token = credentials.token or ""
                curl = shutil.which("curl")
                for run_number in range(1, runs + 1):
                    seconds, growth = await client_upload(client, session.session_id, source)
                    rows.append((f"NemoClient.upload #{run_number}", seconds, growth))
                    if curl:
                        seconds = curl_upload(curl, base, token, session.session_id, source)
                        rows.append((f"curl -F #{run_number}", seconds, None))
        print(f"\nUpload of one {size_mb:.0f} MB file to a local engine (loopback)\n")
        print(f"{'how':<24}{'seconds':>9}{'MB/s':>9}{'peak RSS growth':>18}")
        for name, seconds, growth in rows:
            rss = f"{growth:.1f} MB" if growth is not None else "-"
            print(f"{name:<24}{seconds:>9.2f}{size_mb / seconds:>9.0f}{rss:>18}")
        client_times = [s for n, s, _ in rows if n.startswith("NemoClient")]
        curl_times = [s for n, s, _ in rows if n.startswith("curl")]
        worst_growth = max(g for _, _, g in rows if g is not None)
        print()
        if curl_times:
            ratio = statistics.median(curl_times) / statistics.median(client_times)
            print(f"client throughput vs curl (medians): {ratio:.2f}x (goal >= 0.8x)")
        else:
            print("curl is not installed: no comparison (apt-get install -y curl to add it)")
        print(f"client peak RSS growth: {worst_growth:.1f} MB (goal < 64 MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=400, help="size of the uploaded file in MB")
    parser.add_argument("--runs", type=int, default=2, help="uploads per method")
    args = parser.parse_args()
    asyncio.run(run(args.mb, args.runs))


if __name__ == "__main__":
    main()
