"""Pictures as terminal text: images, a clip's frame and a strip of an MP4's frames, drawn with
the upper half block (foreground = top pixel, background = bottom pixel): they work over any SSH.

Everything here reads files and decodes, so callers run it in a thread worker, never on the UI loop.
"""

from __future__ import annotations

from pathlib import Path

import av
from PIL import Image
from rich.style import Style
from rich.text import Text

from nemo_tui.skills import media_kind_of

UPPER_HALF = "▀"


def halfblock(image: Image.Image, columns: int, rows: int) -> Text:
    """`image` fitted (aspect kept) into `columns` x `rows` cells, two pixels per cell."""
    columns, rows = max(columns, 1), max(rows, 1)
    picture = image.convert("RGB")
    picture.thumbnail((columns, rows * 2), Image.Resampling.BILINEAR)
    width, height = picture.size
    pixels = picture.load()
    text = Text(no_wrap=True, overflow="crop")
    styles: dict[tuple[tuple[int, int, int], tuple[int, int, int]], Style] = {}
    for y in range(0, height, 2):
        if y:
            text.append("\n")
        for x in range(width):
            top = pixels[x, y]
            # An odd last row repeats itself rather than bleeding into the background.
            bottom = pixels[x, min(y + 1, height - 1)]
            key = (top, bottom)
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style(color=_hex(top), bgcolor=_hex(bottom))
            text.append(UPPER_HALF, style)
    return text


def side_by_side(pictures: list[Text], gap: int = 1) -> Text:
    """Several half-block pictures in one row, top-aligned, `gap` spaces apart."""
    rows_of = [picture.split("\n", allow_blank=True) for picture in pictures]
    widths = [max((line.cell_len for line in rows), default=0) for rows in rows_of]
    height = max((len(rows) for rows in rows_of), default=0)
    strip = Text(no_wrap=True, overflow="crop")
    for row in range(height):
        if row:
            strip.append("\n")
        for index, rows in enumerate(rows_of):
            if index:
                strip.append(" " * gap)
            line = rows[row] if row < len(rows) else Text()
            strip.append_text(line)
            strip.append(" " * (widths[index] - line.cell_len))
    return strip


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


def _hex(rgb: tuple[int, int, int]) -> str:
    return f"#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}"
