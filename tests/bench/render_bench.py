"""Render benchmark: the renderer against a hand-written ffmpeg command for the same timeline.

The timeline is the 30-second 1080p promo: five 3000x2000 photos with four 0.5 s crossfades, a
30 s voice track and a centred title for the first 3 s. Both sides use the same x264 preset and
CRF, run through the same `run_ffmpeg`, alternate within one process, and the table reports both
medians, their ratio (goal: <= 1.10) and each ffmpeg child's peak memory.

Run on demand: `.venv/bin/python tests/bench/render_bench.py [--runs N] [--preset P] [--crf C]`
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import av
import psutil

from nemo_tui.api.draft import Draft, Segment, SegmentMeta, Track, TrackMeta, Transition
from nemo_tui.engine.media import samples
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.engine.media.probe import probe_media
from nemo_tui.engine.render.ffmpeg import run_ffmpeg
from nemo_tui.engine.render.fonts import default_font
from nemo_tui.engine.render.renderer import RenderOptions, render

WIDTH, HEIGHT, FPS = 1920, 1080, 30
PHOTOS = 5
PHOTO_MS = 6400  # 5 x 6.4 s minus 4 x 0.5 s of crossfade = 30 s
FADE_MS = 500
TOTAL_MS = PHOTOS * PHOTO_MS - (PHOTOS - 1) * FADE_MS
TITLE = "Urban Dreams"
TITLE_MS = 3000
POLL_SECONDS = 0.05


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # the ffmpeg child's user + system time: steadier on a busy machine
    peak_rss: int
    duration: float


def make_media(folder: Path) -> dict[str, MediaInfo]:
    paths = [
        samples.make_photo(folder / f"photo{index + 1}.jpg", 3000, 2000, index)
        for index in range(PHOTOS)
    ]
    paths.append(samples.make_tone(folder / "voice.m4a", seconds=TOTAL_MS / 1000))
    media = {}
    for path in paths:
        media[path.stem] = probe_media(path.stem, path, path.name)
    return media


def promo_draft() -> Draft:
    draft = Draft.blank(WIDTH, HEIGHT, FPS)
    photos = [
        Segment(
            id=f"s{index + 1}",
            d=PHOTO_MS,
            m=SegmentMeta(src=f"photo{index + 1}", transition=Transition(type="fade", d=FADE_MS)),
        )
        for index in range(PHOTOS)
    ]
    draft.t += [
        Track(id="v1", tt=0, m=TrackMeta(name="Video"), sg=photos),
        Track(
            id="a1",
            tt=1,
            m=TrackMeta(name="Voice", role="voice"),
            sg=[Segment(id="a", st=0, d=TOTAL_MS, m=SegmentMeta(src="voice"))],
        ),
        Track(
            id="x1",
            tt=7,
            m=TrackMeta(name="Title"),
            sg=[Segment(id="t", st=0, d=TITLE_MS, m=SegmentMeta(text=TITLE, pos="center"))],
        ),
    ]
    return draft


def hand_written_args(folder: Path, out: Path, preset: str, crf: int) -> list[str]:
    """What a person fluent in ffmpeg would type for this timeline: each photo decoded and scaled
    once then repeated, a chain of xfades, one drawtext, the voice mapped straight through."""
    frames = PHOTO_MS * FPS // 1000
    inputs: list[str] = []
    chains: list[str] = []
    for index in range(PHOTOS):
        inputs += ["-framerate", str(FPS), "-i", str(folder / f"photo{index + 1}.jpg")]
        chains.append(
            f"[{index}:v]scale={WIDTH}:{HEIGHT}:force_original_aspect_ratio=increase,"
            f"crop={WIDTH}:{HEIGHT},setsar=1,format=yuv420p,"
            f"loop=loop={frames - 1}:size=1:start=0,setpts=N/{FPS}/TB[p{index}]"
        )
    previous = "p0"
    for index in range(1, PHOTOS):
        offset = (index * (PHOTO_MS - FADE_MS)) / 1000
        chains.append(
            f"[{previous}][p{index}]xfade=transition=fade:duration={FADE_MS / 1000}"
            f":offset={offset}[x{index}]"
        )
        previous = f"x{index}"
    chains.append(
        f"[{previous}]drawtext=fontfile={default_font()}:text='{TITLE}':fontsize=96"
        ":fontcolor=white:x=(w-text_w)/2:y=(h-text_h)/2:box=1:boxcolor=black@0.35"
        f":boxborderw=24:enable='between(t,0,{TITLE_MS / 1000})'[v]"
    )
    inputs += ["-i", str(folder / "voice.m4a")]
    return [
        *inputs,
        "-filter_complex",
        ";".join(chains),
        "-map",
        "[v]",
        "-map",
        f"{PHOTOS}:a",
        "-c:v",
        "libx264",
        "-preset",
        preset,
        "-crf",
        str(crf),
        "-pix_fmt",
        "yuv420p",
        "-r",
        str(FPS),
        "-c:a",
        "aac",
        "-b:a",
        "160k",
        "-movflags",
        "+faststart",
        str(out),
    ]


async def measured(job: Callable[[], Awaitable[object]], out: Path) -> Run:
    """Run `job` while polling this process's children for the largest resident set."""
    me = psutil.Process()
    peak = 0
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    task = asyncio.ensure_future(job())
    started = time.perf_counter()
    while not task.done():
        for child in me.children(recursive=True):
            try:
                peak = max(peak, child.memory_info().rss)
            except psutil.NoSuchProcess:
                continue
        await asyncio.wait({task}, timeout=POLL_SECONDS)
    seconds = time.perf_counter() - started
    task.result()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    with av.open(str(out)) as container:
        duration = container.duration / av.time_base
    out.unlink()
    return Run(seconds, cpu, peak, duration)


def print_table(renderer: list[Run], hand: list[Run], preset: str, crf: int) -> None:
    def median(runs: list[Run], cpu: bool = False) -> float:
        return statistics.median(r.cpu_seconds if cpu else r.seconds for r in runs)

    def row(name: str, runs: list[Run]) -> str:
        times = " ".join(f"{r.seconds:6.2f}" for r in runs)
        peak = max(r.peak_rss for r in runs) / 2**20
        return (
            f"{name:<12} {median(runs):8.2f} s {median(runs, cpu=True):8.2f} s "
            f"{peak:7.0f} MB {runs[0].duration:7.2f} s   {times}"
        )

    ratio = median(renderer) / median(hand)
    cpu_ratio = median(renderer, cpu=True) / median(hand, cpu=True)
    print(
        f"30 s promo, {WIDTH}x{HEIGHT} @ {FPS} fps, x264 {preset} crf {crf}, "
        f"{psutil.cpu_count()} CPUs, {len(renderer)} runs each"
    )
    print(f"{'':<12} {'wall':>10} {'cpu':>10} {'peak RSS':>10} {'output':>9}   wall per run (s)")
    print(row("renderer", renderer))
    print(row("hand-written", hand))
    verdict = "ok" if ratio <= 1.10 else "OVER GOAL"
    print(
        f"ratio renderer / hand-written: wall {ratio:.3f} (goal <= 1.10: {verdict}), "
        f"cpu {cpu_ratio:.3f}"
    )


async def main(runs: int, preset: str, crf: int) -> None:
    with tempfile.TemporaryDirectory(prefix="nemo-bench-") as work:
        folder = Path(work)
        media = make_media(folder)
        draft = promo_draft()
        options = RenderOptions(height=None, preset=preset, crf=crf)
        renderer_out, hand_out = folder / "renderer.mp4", folder / "hand.mp4"
        renderer_runs: list[Run] = []
        hand_runs: list[Run] = []
        for _ in range(runs):
            renderer_runs.append(
                await measured(lambda: render(draft, media, renderer_out, options), renderer_out)
            )
            hand_runs.append(
                await measured(
                    lambda: run_ffmpeg(
                        hand_written_args(folder, hand_out, preset, crf), TOTAL_MS / 1000, None
                    ),
                    hand_out,
                )
            )
        print_table(renderer_runs, hand_runs, preset, crf)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    parser.add_argument("--crf", type=int, default=20, help="x264 CRF (default 20)")
    arguments = parser.parse_args()
    asyncio.run(main(arguments.runs, arguments.preset, arguments.crf))
