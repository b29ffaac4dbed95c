"""textual-image's Sixel widget, drawing each picture over the last without blanking it first
and without scrolling the screen.

- textual-image leaves the picture's rows but the last empty; Textual paints what is behind
  them, spaces, and text written over a Sixel picture erases it: every frame was blanked before
  it was drawn, and xterm showed the blank half the time. Those rows are kept as cells written
  to by nobody.
- textual-image ends each picture by moving the cursor to the row below it, and Textual ends
  that line of its update with a newline: where the picture sits right above the screen's last
  row (the player, over its position bar) the newline scrolled the whole screen up a row and the
  bar showed twice. The cursor is left on the picture's last row instead.

Imported only once the terminal has said it draws Sixel (`graphics`).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.control import Control
from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.geometry import Region
from textual.strip import Strip

# The drawing half of textual-image's Sixel widget is private; the package is pinned to 0.12.
from textual_image.widget.sixel import Image, _ImageSixelImpl, _NoopRenderable


class _SixelInPlace(_ImageSixelImpl):
    def render_lines(self, crop: Region) -> list[Strip]:
        lines = super().render_lines(crop)
        return [line if line.cell_length else Strip([], crop.width) for line in lines]

    def _get_sixel_segments(self, sixel_data: str) -> Iterable[Segment]:
        *drawing, _below = list(super()._get_sixel_segments(sixel_data))
        region = self.screen.find_widget(self).visible_region
        last_cell = Control.move_to(region.right - 1, region.bottom - 1).segment.text
        return [*drawing, Segment(last_cell, Style())]


class SixelPicture(Image, Renderable=_NoopRenderable):
    """A picture in Sixel whose drawing never scrolls the screen."""

    def compose(self) -> ComposeResult:
        yield _SixelInPlace(self.image, self._sixel_options)
