"""Pictures out of media files: a still that stands for a photo or a clip, and frames spread over a
video, decoded with Pillow and PyAV. The front ends draw them; they never decode video themselves.

Everything here reads files and decodes, so callers run it in a thread worker, never on a UI loop.
"""

from __future__ import annotations

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


def _duration(path: Path) -> float:
    with av.open(str(path)) as container:
        return container.duration / av.time_base if container.duration else 0.0
