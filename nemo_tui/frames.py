"""Pictures out of media files: a still that stands for a photo or a clip, frames spread over a
video, and a video's frames in order for playback, decoded with Pillow and PyAV. The front ends
draw them; they never decode video themselves.

Everything here reads files and decodes, so callers run it in a thread worker, never on a UI loop.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

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
