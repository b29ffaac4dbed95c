"""Render benchmark: the renderer against hand-written ffmpeg commands and against x264 alone.

The timeline is the 30-second 1080p promo: five 3000x2000 photos with four 0.5 s crossfades, a
30 s voice track and a centred title for the first 3 s. Six things run, alternating, in one
process, all with the same x264 preset and CRF through the same `run_ffmpeg`:

- static: the promo without motion, by the renderer and by a hand-written command (goal: the
  renderer <= 1.10x the hand-written command);
- motion: the engine's default promo, whose photos zoom in and out, by the renderer and by a
  hand-written command (zoompan, as a person fluent in ffmpeg would type it);
- strict floor: the renderer's own motion frames, decoded once beforehand to raw yuv420p in a
  file, encoded by x264 alone reading that file, video only: the least any renderer must spend
  on this output (goal: motion <= 1.20x its wall time);
- preview: the motion promo as `output.quality: "preview"` (goal: <= 15 % of the full render).

The hand-written motion command runs in the first round only (it is slow; its size is what the
goal compares). Every output's size is printed too (goal: the motion render <= 1.15x the
hand-written motion command's). With `--reference FILE` (the motion promo rendered by an older
renderer, kept outside the repo, e.g. by `--keep` on an older checkout) it also prints the SSIM of
today's motion render against it (ffmpeg's ssim filter, all planes; goal: >= 0.98).

Run on demand: `.venv/bin/python tests/bench/render_bench.py [--runs N] [--preset P] [--crf C]
[--reference OLD.mp4] [--keep NEW.mp4]`
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

import av
import psutil

from nemo_tui.api.draft import Draft, Segment, SegmentMeta, Track, TrackMeta, Transition
from nemo_tui.engine.agent.build import PROMO_MOTIONS
from nemo_tui.engine.media import samples
from nemo_tui.engine.media.info import MediaInfo
from nemo_tui.engine.media.probe import probe_media
from nemo_tui.engine.render.ffmpeg import ffmpeg_exe, run_ffmpeg
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
# Sides run in the first round only: zoompan is slow, and only its size and time are compared.
RUN_ONCE = ("hand-written motion",)


@dataclass(frozen=True)
class Run:
    seconds: float  # wall clock
    cpu_seconds: float  # the ffmpeg child's user + system time: steadier on a busy machine
    peak_rss: int
    duration: float
    size: int  # bytes


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


def promo_draft(motion: bool = False) -> Draft:
    """The promo; with `motion`, its photos zoom in and out in turn, as the engine's agent makes
    a promo by default."""
    draft = Draft.blank(WIDTH, HEIGHT, FPS)
    photos = [
        Segment(
            id=f"s{index + 1}",
            d=PHOTO_MS,
            m=SegmentMeta(
                src=f"photo{index + 1}",
                transition=Transition(type="fade", d=FADE_MS),
                motion=PROMO_MOTIONS[index % len(PROMO_MOTIONS)] if motion else None,
            ),
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


def zoompan_filters(index: int, frames: int) -> str:
    """One photo zooming like the engine's promo, as a person fluent in ffmpeg would write it:
    scaled once to 1.25x the canvas, then zoompan (which crops at whole pixels) at 1x to 1.2x."""
    motion = PROMO_MOTIONS[index % len(PROMO_MOTIONS)]
    step = f"0.2*on/{frames - 1}"
    zoom = f"1+{step}" if motion == "zoom_in" else f"1.2-{step}"
    big_w, big_h = WIDTH * 5 // 4, HEIGHT * 5 // 4
    return (
        f"scale={big_w}:{big_h}:force_original_aspect_ratio=increase,crop={big_w}:{big_h},"
        f"setsar=1,zoompan=z='{zoom}':x='iw/2-(iw/zoom/2)':y='ih/2-(ih/zoom/2)'"
        f":d={frames}:s={WIDTH}x{HEIGHT}:fps={FPS},format=yuv420p"
    )


def hand_written_args(
    folder: Path, out: Path, preset: str, crf: int, motion: bool = False
) -> list[str]:
    """What a person fluent in ffmpeg would type for this timeline: each photo decoded and scaled
    once then repeated (or zoomed by zoompan, with `motion`), a chain of xfades, one drawtext,
    the voice mapped straight through."""
    frames = PHOTO_MS * FPS // 1000
    inputs: list[str] = []
    chains: list[str] = []
    for index in range(PHOTOS):
        photo = str(folder / f"photo{index + 1}.jpg")
        if motion:
            inputs += ["-i", photo]
            chains.append(f"[{index}:v]{zoompan_filters(index, frames)}[p{index}]")
            continue
        inputs += ["-framerate", str(FPS), "-i", photo]
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
    size = out.stat().st_size
    out.unlink()
    return Run(seconds, cpu, peak, duration, size)


def decode_raw(path: Path, raw: Path) -> None:
    """Every frame of `path` as raw yuv420p in the file `raw` (about 2.8 GB for the 1080p promo):
    decoded once, so the floor pays for no decoding and no pipe from this process."""
    command = [ffmpeg_exe(), "-v", "error", "-y", "-i", str(path), "-f", "rawvideo"]
    subprocess.run([*command, "-pix_fmt", "yuv420p", str(raw)], check=True)


def strict_floor_args(raw: Path, out: Path, preset: str, crf: int) -> list[str]:
    """x264 alone, reading the raw frames from a file, video only: the least any renderer must
    spend on this output."""
    return [
        *("-f", "rawvideo", "-pix_fmt", "yuv420p", "-s", f"{WIDTH}x{HEIGHT}", "-r", str(FPS)),
        *("-i", str(raw), "-c:v", "libx264", "-preset", preset, "-crf", str(crf)),
        *("-pix_fmt", "yuv420p", "-movflags", "+faststart", "-f", "mp4", str(out)),
    ]


def ssim(path: Path, reference: Path) -> float:
    """ffmpeg's SSIM (all planes) of `path` against `reference`, frame by frame."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-i", str(reference)]
    result = subprocess.run(
        [*command, "-lavfi", "ssim", "-f", "null", "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(re.findall(r"All:([0-9.]+)", result.stderr)[-1])


def median(runs: list[Run], cpu: bool = False) -> float:
    return statistics.median(r.cpu_seconds if cpu else r.seconds for r in runs)


def print_table(sides: dict[str, list[Run]], preset: str, crf: int) -> None:
    def row(name: str, runs: list[Run]) -> str:
        times = " ".join(f"{r.seconds:6.2f}" for r in runs)
        peak = max(r.peak_rss for r in runs) / 2**20
        return (
            f"{name:<20} {median(runs):8.2f} s {median(runs, cpu=True):8.2f} s "
            f"{peak:7.0f} MB {runs[0].duration:7.2f} s {runs[0].size / 1e6:7.2f} MB   {times}"
        )

    runs = len(next(iter(sides.values())))
    print(
        f"30 s promo, {WIDTH}x{HEIGHT} @ {FPS} fps, x264 {preset} crf {crf}, "
        f"{psutil.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}, {runs} runs each"
    )
    print(
        f"{'':<20} {'wall':>10} {'cpu':>10} {'peak RSS':>10} {'output':>9} {'size':>10}"
        "   wall per run (s)"
    )
    for name, side in sides.items():
        print(row(name, side))

    def verdict(value: float, goal: float | None) -> str:
        if goal is None:
            return ""
        return f" (goal <= {goal:.2f}: {'ok' if value <= goal else 'OVER GOAL'})"

    def ratio(name: str, over: str, goal: float | None) -> None:
        wall = median(sides[name]) / median(sides[over])
        cpu = median(sides[name], cpu=True) / median(sides[over], cpu=True)
        print(f"{name} / {over}: wall {wall:.3f}{verdict(wall, goal)}, cpu {cpu:.3f}", end="")
        if len(sides[name]) == len(sides[over]) > 1:
            # Each run's pair ran back to back: steadier than medians on a busy machine.
            pairs = zip(sides[name], sides[over], strict=True)
            each = ", ".join(
                f"{a.seconds / b.seconds:.2f}/{a.cpu_seconds / b.cpu_seconds:.2f}" for a, b in pairs
            )
            print(f"; each run (wall/cpu): {each}", end="")
        print()

    def size(name: str, over: str, goal: float | None) -> None:
        value = sides[name][0].size / sides[over][0].size
        print(f"size {name} / {over}: {value:.3f}{verdict(value, goal)}")

    ratio("static", "hand-written", 1.10)
    ratio("motion", "hand-written motion", None)
    ratio("motion", "strict floor", 1.20)
    ratio("preview", "motion", 0.15)
    size("motion", "hand-written motion", 1.15)
    size("motion", "hand-written", None)
    size("static", "hand-written", None)


async def main(runs: int, preset: str, crf: int, reference: Path | None, keep: Path | None) -> None:
    with tempfile.TemporaryDirectory(prefix="nemo-bench-") as work:
        folder = Path(work)
        media = make_media(folder)
        static, motion = promo_draft(), promo_draft(motion=True)
        options = RenderOptions(height=None, preset=preset, crf=crf)
        out = folder / "out.mp4"
        # The floor's input: the renderer's own motion frames, decoded once into a file.
        await render(motion, media, out, options)
        if reference is not None:
            print(f"SSIM of the motion render against {reference.name}: {ssim(out, reference):.4f}")
        if keep is not None:
            shutil.copyfile(out, keep)
        raw = folder / "motion.yuv"
        decode_raw(out, raw)
        seconds = TOTAL_MS / 1000
        jobs: dict[str, Callable[[], Awaitable[object]]] = {
            "static": lambda: render(static, media, out, options),
            "hand-written": lambda: run_ffmpeg(
                hand_written_args(folder, out, preset, crf), seconds, None
            ),
            "motion": lambda: render(motion, media, out, options),
            "strict floor": lambda: run_ffmpeg(
                strict_floor_args(raw, out, preset, crf), seconds, None
            ),
            "preview": lambda: render(motion, media, out, options.as_preview()),
            "hand-written motion": lambda: run_ffmpeg(
                hand_written_args(folder, out, preset, crf, motion=True), seconds, None
            ),
        }
        sides: dict[str, list[Run]] = {name: [] for name in jobs}
        for run in range(runs):
            for name, job in jobs.items():
                if name in RUN_ONCE and run > 0:
                    continue
                sides[name].append(await measured(job, out))
        print_table(sides, preset, crf)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each side (default 3)")
    parser.add_argument("--preset", default="veryfast", help="x264 preset (default veryfast)")
    parser.add_argument("--crf", type=int, default=20, help="x264 CRF (default 20)")
    parser.add_argument("--reference", type=Path, help="an older motion render to compare")
    parser.add_argument("--keep", type=Path, help="keep today's motion render here")
    arguments = parser.parse_args()
    asyncio.run(
        main(arguments.runs, arguments.preset, arguments.crf, arguments.reference, arguments.keep)
    )
