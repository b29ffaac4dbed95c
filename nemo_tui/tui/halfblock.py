"""Pictures as terminal text: images, a clip's frame and a strip of an MP4's frames, drawn with
the upper half block (foreground = top pixel, background = bottom pixel): they work over any SSH.

Decoding the pictures is `nemo_tui.frames`' work; this module only draws them.
"""

from __future__ import annotations

from typing import cast

from PIL import Image
from rich.style import Style
from rich.text import Text

UPPER_HALF = "▀"
_RGB = tuple[int, int, int]


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


def _hex(rgb: tuple[int, int, int]) -> str:
    return f"#{rgb[0]:02x}{rgb[1]:02x}{rgb[2]:02x}"
