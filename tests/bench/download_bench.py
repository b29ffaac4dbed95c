"""Download benchmark: a large render fetched by `NemoClient.download` and by `curl`, the client's
peak memory growth, and a resume after an interruption that must fetch only the missing bytes.

Run on demand: `.venv/bin/python tests/bench/download_bench.py [--seconds 20] [--runs 2]`. Prints a
table. The render is made big on purpose (lossless H.264, `NEMO_ENGINE_RENDER_CRF=0`, of a moving
1080p test pattern) so the transfer, not the set-up, is what is timed.
"""

from __future__ import annotations

import argparse
import asyncio
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from upload_bench import MB, PeakRss, engine_process

from nemo_tui.api.client import NemoClient
from nemo_tui.api.draft import TRACK_VIDEO, Draft, Segment, SegmentMeta, Track, TrackMeta
from nemo_tui.api.models import RenderStatus
from nemo_tui.api.transport import MemoryCredentials
from nemo_tui.engine.media import samples


async def big_render(client: NemoClient, folder: Path, seconds: float) -> RenderStatus:
    clip = samples.make_clip(folder / "pattern.mp4", seconds=seconds, width=1920, height=1080)
    session = await client.create_session("en")
    uploaded = await client.upload(session.session_id, [clip])
    media_id = uploaded.files[0].model_extra["id"]  # the engine's media id rides along
    draft = Draft.blank()
    segment = Segment(
        id="s1", st=0, d=int(seconds * 1000), m=SegmentMeta(name=clip.name, src=media_id, in_ms=0)
    )
    draft.t.append(Track(id="v1", tt=TRACK_VIDEO, m=TrackMeta(name="Video"), sg=[segment]))
    draft.d = segment.d
    submitted = await client.submit_render(session.session_id, draft)
    return await client.wait_for_render(submitted.id, poll_interval=0.5)


def curl_download(curl: str, url: str, token: str, dest: Path) -> float:
    started = time.perf_counter()
    subprocess.run(
        [curl, "-sS", "--fail", "-o", str(dest), "-H", f"Authorization: Bearer {token}", url],
        check=True,
    )
    return time.perf_counter() - started


async def run(seconds: float, runs: int) -> None:
    with tempfile.TemporaryDirectory(prefix="download-bench-") as folder:
        root = Path(folder)
        credentials = MemoryCredentials()
        rows: list[tuple[str, float, float | None]] = []
        env = {"NEMO_ENGINE_RENDER_CRF": "0", "NEMO_ENGINE_RENDER_PRESET": "ultrafast"}
        with engine_process(root / "engine", **env) as base:
            async with NemoClient(base, credentials=credentials) as client:
                status = await big_render(client, root, seconds)
                assert status.output is not None and status.output.size
                size = status.output.size
                url = client.download_url(status)
                curl = shutil.which("curl")
                for number in range(1, runs + 1):
                    dest = root / f"client-{number}.mp4"
                    with PeakRss() as rss:
                        started = time.perf_counter()
                        await client.download(status, dest)
                        elapsed = time.perf_counter() - started
                    rows.append((f"NemoClient.download #{number}", elapsed, rss.growth_mb))
                    if number > 1:
                        # Piled-up files would leave dirty pages that slow the later runs.
                        dest.unlink()
                    if curl:
                        copy = root / "curl.mp4"
                        took = curl_download(curl, url, credentials.token or "", copy)
                        rows.append((f"curl #{number}", took, None))
                        copy.unlink()
                original = (root / "client-1.mp4").read_bytes()

                # An interruption: a .part holding the first 40% is left behind.
                kept = int(len(original) * 0.4)
                (root / "resumed.mp4.part").write_bytes(original[:kept])
                progress: list[int] = []
                await client.download(
                    status, root / "resumed.mp4", lambda done, _: progress.append(done)
                )
                fetched = progress[-1] - kept if progress else 0
                identical = (root / "resumed.mp4").read_bytes() == original

        size_mb = size / MB
        print(f"\nDownload of a {size_mb:.0f} MB render from a local engine (loopback)\n")
        print(f"{'how':<26}{'seconds':>9}{'MB/s':>9}{'peak RSS growth':>18}")
        for name, took, growth in rows:
            rss_text = f"{growth:.1f} MB" if growth is not None else "-"
            print(f"{name:<26}{took:>9.2f}{size_mb / took:>9.0f}{rss_text:>18}")
        print()
        curl_times = [t for n, t, _ in rows if n.startswith("curl")]
        client_times = [t for n, t, _ in rows if n.startswith("NemoClient")]
        if curl_times:
            ratio = statistics.median(curl_times) / statistics.median(client_times)
            print(f"client throughput vs curl (medians): {ratio:.2f}x (goal >= 0.8x)")
        else:
            print("curl is not installed: no comparison (apt-get install -y curl to add it)")
        growth = max(g for _, _, g in rows if g is not None)
        print(f"client peak RSS growth: {growth:.1f} MB (goal < 64 MB)")
        print(
            f"resume after 40%: kept {kept} bytes, fetched {fetched} bytes, missing were "
            f"{size - kept}; result identical: {identical}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=20, help="length of the render")
    parser.add_argument("--runs", type=int, default=5, help="downloads per method")
    args = parser.parse_args()
    asyncio.run(run(args.seconds, args.runs))


if __name__ == "__main__":
    main()
