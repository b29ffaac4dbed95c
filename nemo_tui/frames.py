"""Pictures out of media files: a still that stands for a photo or a clip, frames spread over a
video, and a video's frames in order for playback, decoded with Pillow and PyAV. The front ends
draw them; they never decode video themselves.

Playback decodes in a child process (`FrameSource`): turning a frame into half-block runs is
pure Python, and in a thread of the UI's process it would hold the GIL for tens of milliseconds
a frame, so keys and ticks would wait for it.

Everything here reads files and decodes, so callers run it in a thread worker, never on a UI loop.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import queue
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import av
from PIL import Image

from nemo_tui.skills import media_kind_of


def load_still(path: Path) -> Image.Image | None:
    """A picture that stands for the file: the image itself, or a clip's frame one second in
    (the first frame is often black). None for audio and anything that cannot be decoded."""
    kind = media_kind_of(path.name)
    try:
        if kind == "image":
            with Image.open(path) as image:
                image.draft("RGB", (320, 320))  # JPEG decodes at a fraction of its size: faster
                return image.convert("RGB")
        if kind == "video":
            frames = decode_frames(path, 1, start=min(1.0, _duration(path) / 2))
            return frames[0] if frames else None
    except (OSError, ValueError, av.FFmpegError):
        return None
    return None


def decode_frames(path: Path, count: int, start: float = 0.0) -> list[Image.Image]:
    """About `count` frames spread evenly over a video file from `start` seconds, by seeking to
    each point and decoding the next frame (cheap for short clips and keyframe-dense renders)."""
    with av.open(str(path)) as container:
        stream = next(iter(container.streams.video), None)
        if stream is None:
            return []
        duration = container.duration / av.time_base if container.duration else 0.0
        span = max(duration - start, 0.0)
        points = [start + span * (index + 0.5) / count for index in range(count)]
        if count == 1:
            points = [start]
        frames: list[Image.Image] = []
        for seconds in points:
            container.seek(int(seconds * av.time_base), backward=True, any_frame=False)
            chosen = None
            for frame in container.decode(stream):
                chosen = frame
                if frame.time is None or frame.time >= seconds - 0.05:
                    break
            if chosen is not None:
                frames.append(chosen.to_image())
        return frames


@dataclass(frozen=True)
class VideoInfo:
    duration: float  # seconds
    width: int
    height: int


class NotPlayable(ValueError):
    """A file with no video PyAV can decode; the message is one line naming the file."""


def video_info(path: Path) -> VideoInfo:
    """The length and picture size of a video file (NotPlayable when it has no video)."""
    try:
        with av.open(str(path)) as container:
            stream = next(iter(container.streams.video), None)
            if stream is None:
                raise NotPlayable(f"{path.name} has no video to play")
            duration = container.duration / av.time_base if container.duration else 0.0
            if not duration and stream.duration and stream.time_base:
                duration = float(stream.duration * stream.time_base)
            return VideoInfo(duration, stream.codec_context.width, stream.codec_context.height)
    except (OSError, av.FFmpegError) as exc:
        raise NotPlayable(f"{path.name} is not a video this app can play") from exc


def play_frames(
    path: Path, start: float, max_fps: float, size: tuple[int, int]
) -> Iterator[tuple[float, Image.Image]]:
    """The video's frames from `start` seconds on, at most `max_fps` a second, each scaled to
    `size` while decoding: (time in seconds, picture). Frames in between are decoded (H.264
    needs them) but never converted. Closing the iterator closes the file."""
    period = 1 / max_fps
    width, height = size
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"  # decode on several cores: the player's worker waits less
        rate = float(stream.average_rate or 0)
        if rate > max_fps * 1.5:
            # Frames no other frame refers to (B-frames) are never needed at half the rate.
            stream.codec_context.skip_frame = "NONREF"
        container.seek(int(max(start, 0.0) * av.time_base), backward=True, any_frame=False)
        due = start
        for frame in container.decode(stream):
            moment = frame.time
            if moment is None or moment < due - period / 4:
                continue
            due = max(due + period, moment + period / 2)
            yield moment, frame.to_image(width=width, height=height)


def _duration(path: Path) -> float:
    with av.open(str(path)) as container:
        return container.duration / av.time_base if container.duration else 0.0


# One line of a half-block picture: runs of (cells, the top and bottom pixels' RGB, 6 bytes).
HalfblockRow = list[tuple[int, bytes]]


@dataclass(frozen=True)
class Detail:
    """How finely a picture is drawn in cells: `columns` cells a pixel across, `rows` pixels a
    cell down (2: half blocks; 1: one colour a cell), `mask` the bits kept of each colour channel,
    and the picture `shrink` times smaller each way than the room it has. Coarser detail makes
    fewer, longer runs of the same colours: fewer bytes for the terminal."""

    columns: int = 1
    rows: int = 2
    shrink: int = 1
    # 32 levels a channel instead of 256: hardly seen in half blocks, and far fewer distinct
    # colour pairs for the terminal side to make styles for (the UI's main cost), longer runs.
    mask: int = 0xF8

    def pixels(self, size: tuple[int, int]) -> tuple[int, int]:
        """The pixels drawn at this detail of a picture of `size` half-block pixels (one a
        column, two a row)."""
        width, height = size[0] // self.shrink, size[1] // self.shrink
        return max(width // self.columns, 1), max(height * self.rows // 2, 1)


FULL_DETAIL = Detail()


def halfblock_runs(image: Image.Image, detail: Detail = FULL_DETAIL) -> list[HalfblockRow]:
    """`image`, at its size (`detail.columns` cells a pixel across, `detail.rows` pixels a row),
    as rows of half-block cells, runs of cells with the same two colours merged: what a terminal
    needs to draw it."""
    mask = detail.mask
    picture = image.convert("RGB").point(lambda level: level & mask)
    width, height = picture.size
    data = picture.tobytes()
    stride = width * 3
    rows = []
    for y in range(0, height, detail.rows):
        top = data[y * stride : (y + 1) * stride]
        # An odd last row repeats itself rather than bleeding into the background.
        bottom_y = min(y + detail.rows - 1, height - 1)
        bottom = data[bottom_y * stride : (bottom_y + 1) * stride]
        row: HalfblockRow = []
        run, last = 0, b""
        for x in range(0, stride, 3):
            key = top[x : x + 3] + bottom[x : x + 3]
            if key == last:
                run += 1
                continue
            if run:
                row.append((run * detail.columns, last))
            run, last = 1, key
        if run:
            row.append((run * detail.columns, last))
        rows.append(row)
    return rows


# A decoded frame on its way to the player: (generation, time in seconds, picture, the detail it
# is drawn at), the picture as half-block rows, or as an image for the terminal's own graphics.
Frame = tuple[int, float, Any, Detail]


class FrameSource:
    """A video decoded ahead in a child process: `play` (re)starts it at a time and a size,
    `set_detail` makes its half-block pictures coarser or finer (a slow link), `next` takes a
    ready frame without waiting. At most `ahead` frames wait, so the child
    decodes only as fast as they are taken. Frames carry the generation they were asked with,
    so frames of an earlier `play` are told apart."""

    def __init__(self, path: Path, max_fps: float, ahead: int, *, images: bool) -> None:
        context = multiprocessing.get_context("spawn")  # no fork of a process with threads
        # A full-screen app may have replaced stderr with an object without a file descriptor;
        # multiprocessing hands stderr's to the helper processes it starts.
        with contextlib.redirect_stderr(sys.__stderr__):
            self._commands: multiprocessing.Queue[tuple[Any, ...]] = context.Queue()
            self._frames: multiprocessing.Queue[Frame] = context.Queue(ahead)
            self._process = context.Process(
                target=_decode_ahead,
                args=(path, max_fps, images, self._commands, self._frames),
                name="nemo-tui-frames",
                daemon=True,
            )
            self._process.start()

    def play(self, generation: int, start: float, size: tuple[int, int]) -> None:
        self._commands.put(("play", generation, start, size))

    def set_detail(self, detail: Detail) -> None:
        """Draw half-block pictures at `detail` from the next frame on (the ones already
        waiting keep theirs), without decoding again."""
        self._commands.put(("detail", detail))

    def next(self) -> Frame | None:
        try:
            return self._frames.get_nowait()
        except (queue.Empty, OSError, EOFError):
            return None

    def stop(self) -> None:
        """Tell the child to end, without waiting for it (`close` waits)."""
        self._commands.put(("stop",))

    def close(self) -> None:
        self.stop()
        self._process.join(timeout=2)
        if self._process.is_alive():
            self._process.kill()
            self._process.join(timeout=2)
        self._commands.close()
        self._frames.close()


def _decode_ahead(
    path: Path,
    max_fps: float,
    images: bool,
    commands: multiprocessing.Queue[tuple[Any, ...]],
    frames: multiprocessing.Queue[Frame],
) -> None:
    """The child: wait for a command; on "play", decode from there until the end or the next
    command; on "detail", draw the frames that follow at that detail; on "stop", end."""
    # Frames still queued when told to stop are not worth waiting for the parent to read.
    frames.cancel_join_thread()
    detail = FULL_DETAIL
    command: tuple[Any, ...] | None = commands.get()
    while command is not None and command[0] in ("play", "detail"):
        if command[0] == "detail":
            detail, command = command[1], commands.get()
            continue
        _, generation, start, size = command
        command = None
        try:
            for moment, image in play_frames(path, start, max_fps, size):
                picture: Any
                if images:
                    picture = image
                else:
                    # Decoded at full detail, so the detail can change between two frames.
                    fewer = detail.pixels(image.size)
                    if fewer != image.size:
                        image = image.resize(fewer, Image.Resampling.BOX)
                    picture = halfblock_runs(image, detail)
                while command is None:
                    try:
                        frames.put((generation, moment, picture, detail), timeout=0.05)
                        break
                    except queue.Full:
                        command = _pending(commands)
                if command is None:
                    command = _pending(commands)
                if command is not None and command[0] == "detail":
                    detail, command = command[1], None
                if command is not None:
                    break
        except (OSError, ValueError, av.FFmpegError):
            pass  # a file that breaks midway plays up to there
        if command is None:
            command = commands.get()


def _pending(commands: multiprocessing.Queue[tuple[Any, ...]]) -> tuple[Any, ...] | None:
    try:
        return commands.get_nowait()
    except queue.Empty:
        return None
