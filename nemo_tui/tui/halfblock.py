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
from textual.cache import FIFOCache
from textual.strip import Strip

from nemo_tui.frames import HalfblockRow
from nemo_tui.tui.graphics import cell_size
from nemo_tui.tui.terminal_answers import CellSize

UPPER_HALF = "▀"
_RGB = tuple[int, int, int]
# Styles made for video frames, kept between frames (colours repeat); emptied when this large.
STYLE_CACHE_LIMIT = 50_000
_run_styles: dict[bytes, Style] = {}
_run_colors: dict[bytes, Color] = {}
# What a terminal is sent for a run of cells beyond the cells themselves (its colours as
# truecolor, and a reset), for a run of two colours and of one (spaces on a background), and for
# each line (a cursor move): measured on Textual's output, and checked by a test.
TWO_COLOUR_RUN = 33
ONE_COLOUR_RUN = 20
LINE_CHARACTERS = 10


def halfblock(image: Image.Image, columns: int, rows: int, cell: CellSize | None = None) -> Text:
    """`image` fitted (aspect kept on cells of `cell` pixels, the terminal's by default) into
    `columns` x `rows` cells, two pixels per cell."""
    columns, rows = max(columns, 1), max(rows, 1)
    picture = widened(image.convert("RGB"), cell or cell_size())
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


def widened(picture: Image.Image, cell: CellSize) -> Image.Image:
    """`picture` stretched across by the shape of a half block (a cell wide, half a cell tall),
    so that drawn a pixel a half block it keeps its own shape."""
    stretch = cell.height / 2 / cell.width
    if abs(stretch - 1) < 0.01:
        return picture
    size = (max(round(picture.width * stretch), 1), picture.height)
    return picture.resize(size, Image.Resampling.BILINEAR)


def strips_of(rows: list[HalfblockRow], width: int = 0, margin: Style | None = None) -> list[Strip]:
    """Half-block rows (see `frames.halfblock_runs`) as lines a widget draws as they are, centred
    in `width` cells when wider than the picture: the fast path for video, where a Rich Text of
    every cell costs too much at 15 frames a second. `margin` paints the cells beside the picture
    (without it they are the terminal's default background: white in xterm). Give them to
    `release` once not drawn."""
    if len(_run_styles) > STYLE_CACHE_LIMIT:
        _run_styles.clear()
        _run_colors.clear()
    picture_width = sum(cells for cells, _ in rows[0]) if rows else 0
    left = max((width - picture_width) // 2, 0)
    right = max(width - picture_width - left, 0)
    strips = []
    for row in rows:
        segments = [Segment(" " * left, margin)] if left else []
        for cells, key in row:
            style = _run_styles.get(key)
            top, bottom = key[:3], key[3:]
            if style is None:
                # A cell of one colour is a space on that background: half the bytes to send.
                foreground = None if top == bottom else _color(top)
                style = _run_styles[key] = Style.from_color(foreground, _color(bottom))
            segments.append(Segment((" " if top == bottom else UPPER_HALF) * cells, style))
        if right:
            segments.append(Segment(" " * right, margin))
        strips.append(Strip(segments, left + picture_width + right))
    return strips


def drawn_characters(rows: list[HalfblockRow]) -> int:
    """About how many characters the terminal is sent to draw half-block `rows` (see
    `strips_of`): what a picture costs the link, known before it is sent."""
    cells = sum(cells for cells, _ in rows[0]) * len(rows) if rows else 0
    runs = sum(len(row) for row in rows)
    one_colour = sum(1 for row in rows for _, key in row if key[:3] == key[3:])
    return (
        (runs - one_colour) * TWO_COLOUR_RUN
        + one_colour * ONE_COLOUR_RUN
        + cells
        + len(rows) * LINE_CHARACTERS
    )


# Textual's Strip keeps what it derives from itself in caches in its own slots, and the
# compositor's `divide` at the strip's whole length caches `[strip]` in the strip: every line a
# widget draws becomes a reference cycle, which only Python's cyclic collector frees. A video
# frame is ~60 lines of ~40 segments, 15 times a second: that garbage fills the collector's
# oldest generation, and each full collection held the UI loop 40-115 ms (keys waited for it).
# Which slots are caches is read off a Strip, not written down: a canary test watches this.
_STRIP_CACHES = tuple(
    name for name in Strip.__slots__ if isinstance(getattr(Strip([]), name, None), FIFOCache)
)


def release(strips: list[Strip]) -> None:
    """Empty the caches of strips no longer drawn, which breaks the cycles they are in, so
    reference counting frees them (and their segments) at once, not a full collection later."""
    for strip in strips:
        for name in _STRIP_CACHES:
            getattr(strip, name).clear()


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
