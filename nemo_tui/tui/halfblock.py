"""Pictures as terminal text: images, a clip's frame and a strip of an MP4's frames, drawn with
the upper half block (foreground = top pixel, background = bottom pixel): they work over any SSH.

Decoding the pictures is `nemo_tui.frames`' work; this module only draws them.
"""

from __future__ import annotations

from typing import cast

from PIL import Image
from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from nemo_tui.frames import HalfblockRow

UPPER_HALF = "▀"
_RGB = tuple[int, int, int]
# Styles made for video frames, kept between frames (colours repeat); emptied when this large.
STYLE_CACHE_LIMIT = 50_000
_run_styles: dict[bytes, Style] = {}
_run_colors: dict[bytes, Color] = {}


def halfblock(image: Image.Image, columns: int, rows: int) -> Text:
    """`image` fitted (aspect kept) into `columns` x `rows` cells, two pixels per cell."""
    columns, rows = max(columns, 1), max(rows, 1)
    picture = image.convert("RGB")
    picture.thumbnail((columns, rows * 2), Image.Resampling.BILINEAR)
    width, height = picture.size
    pixels = picture.load()
    assert pixels is not None  # None only for an image without data; a converted one has it
    text = Text(no_wrap=True, overflow="crop")
    styles: dict[tuple[_RGB, _RGB], Style] = {}
    for y in range(0, height, 2):
        if y:
            text.append("\n")
        for x in range(width):
            # An RGB image's pixels are 3-tuples; Pillow's type covers every mode.
            top = cast(_RGB, pixels[x, y])
            # An odd last row repeats itself rather than bleeding into the background.
            bottom = cast(_RGB, pixels[x, min(y + 1, height - 1)])
            key = (top, bottom)
            style = styles.get(key)
            if style is None:
                style = styles[key] = Style(color=_hex(top), bgcolor=_hex(bottom))
            text.append(UPPER_HALF, style)
    return text


def strips_of(rows: list[HalfblockRow]) -> list[Strip]:
    """Half-block rows (see `frames.halfblock_runs`) as lines a widget draws as they are: the fast
    path for video, where a Rich Text of every cell costs too much at 15 frames a second."""
    if len(_run_styles) > STYLE_CACHE_LIMIT:
        _run_styles.clear()
        _run_colors.clear()
    strips = []
    for row in rows:
        segments = []
        width = 0
        for cells, key in row:
            style = _run_styles.get(key)
            if style is None:
                style = _run_styles[key] = Style.from_color(_color(key[:3]), _color(key[3:]))
            segments.append(Segment(UPPER_HALF * cells, style))
            width += cells
        strips.append(Strip(segments, width))
    return strips


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


def _color(rgb: bytes) -> Color:
    color = _run_colors.get(rgb)
    if color is None:
        color = _run_colors[rgb] = Color.from_rgb(rgb[0], rgb[1], rgb[2])
    return color


def _hex(rgb: tuple[int, int, int]) -> str:
    return f"#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}"
