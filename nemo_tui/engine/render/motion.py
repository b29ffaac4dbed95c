"""Camera moves over a still (zoom in, zoom out, pan), placed to a fraction of a pixel.

ffmpeg's zoompan crops its source at whole even pixels, so a slow move stands still for a few
frames and then jumps a pixel or two. Here every frame is made by three steps whose sizes are all
whole even numbers but whose combination is not: crop `length` source pixels from `start`, scale
them to `scaled` pixels, keep the canvas from `offset`. A point s of the source lands at
(s - start) * scaled / length - offset.

- A zoom keeps both crops centred, so the centre never moves, and picks among several sizes of
  the scaled picture the one whose ratio `scaled / length` is nearest the zoom: the picture's edges
  are then within a small fraction of a pixel of a continuous zoom.
- A pan scales by one fixed ratio a little above the zoom (a few percent), so that shifting the
  source crop by two pixels moves the picture by slightly more than two output pixels; combined with
  the canvas crop that lands the picture within a sixteenth of a pixel of where it should be.

`plan_moves` is pure: one `Cut` per frame, which the renderer sends to ffmpeg's crop and scale
filters with `sendcmd`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Stills with motion are scaled once to this multiple of the canvas: a zoom of MOTION_ZOOM then
# shows source pixels one for one, never upscaled, and nothing larger is ever resampled.
MOTION_ZOOM = 1.2
MOTION_OVERSIZE = 1.2
# Crops move and grow by this many pixels (ffmpeg's exact crops may start on odd pixels).
STEP = 1
# A zoom tries the scaled picture at the canvas size plus 0, 4, ... ZOOM_MARGIN pixels (centred
# crops remove 2 from each side).
ZOOM_MARGIN = 64
# A pan stops this share of the source short of each side, so the cuts near its ends still have
# room to choose from (a zoom must reach the whole picture, so its first frames have less).
PAN_BORDER = 0.02


@dataclass(frozen=True)
class AxisCut:
    """One axis of a frame: `length` source pixels from `start`, scaled to `scaled` pixels, of
    which the canvas shows those from `offset`. All even."""

    start: int
    length: int
    scaled: int
    offset: int

    def position(self, source: float) -> float:
        """Where source coordinate `source` (pixel edges) lands on the canvas."""
        return (source - self.start) * self.scaled / self.length - self.offset


@dataclass(frozen=True)
class Cut:
    x: AxisCut
    y: AxisCut


def _even(value: float) -> int:
    return round(value / STEP) * STEP


def centred_cut(source: int, out: int, scale: float) -> AxisCut:
    """The centred cut of one axis nearest to magnifying by `scale` (canvas pixels per source
    pixel): among the scaled sizes tried, the one whose whole-pixel crop gives the nearest ratio."""
    best: tuple[float, AxisCut] | None = None
    for margin in range(0, ZOOM_MARGIN + 1, 2 * STEP):
        scaled = out + margin
        ideal = scaled / scale
        # Centred crops take the same amount from both sides: length keeps source's parity in 4s.
        base = source - round((source - ideal) / (2 * STEP)) * 2 * STEP
        for length in (base - 2 * STEP, base, base + 2 * STEP):
            if not scaled * 0.5 <= length <= source:
                continue
            error = abs(scaled / length - scale)
            if best is None or error < best[0]:
                cut = AxisCut((source - length) // 2, length, scaled, margin // 2)
                best = (error, cut)
    if best is None:
        raise ValueError(f"no centred cut of {source} pixels fills {out}")
    return best[1]


def _pan_cut(source: int, out: int, centre: float, scaled: int, length: int) -> AxisCut:
    """The cut with this fixed scale that puts source point `centre` nearest the canvas middle."""
    ratio = scaled / length
    target = centre * ratio - out / 2  # start * ratio + offset must equal this
    best: tuple[float, AxisCut] | None = None
    for offset in range(0, scaled - out + 1, STEP):
        start = min(max(_even((target - offset) / ratio), 0), source - length)
        error = abs(start * ratio + offset - target)
        if best is None or error < best[0]:
            best = (error, AxisCut(start, length, scaled, offset))
    assert best is not None
    return best[1]


def pan_margin(width: int) -> int:
    """How many pixels wider than the canvas a pan scales the canvas's width of source.

    A one-pixel step of the source crop then moves the picture by 1 + m/width pixels and a
    one-pixel step of the canvas crop takes one back, so positions fall on a grid of m/width
    of a pixel; the m + 1 canvas crops cover a whole pixel of that grid when m(m + 1) >= width.
    The smallest even such m, plus 2 to spare."""
    margin = math.isqrt(width)
    margin += margin % 2
    while margin * (margin + 1) < width:
        margin += 2
    return margin + 2


def plan_moves(
    motion: str, frames: int, size: tuple[int, int], source: tuple[int, int]
) -> list[Cut]:
    """One cut per frame for `motion` over `frames` frames of a `size` canvas, from a still
    scaled to `source` (MOTION_OVERSIZE times the canvas, cropped to its shape). Zooms go
    between the whole source and MOTION_ZOOM about the centre; pans cross the source at about
    MOTION_ZOOM, at mid height."""
    (width, height), (source_w, source_h) = size, source
    fit = min(source_w / width, source_h / height)  # source pixels per canvas pixel at zoom 1
    if motion in ("pan_left", "pan_right"):
        scale = MOTION_ZOOM / fit
        scaled = width + pan_margin(width)
        length = min(_even(width / scale), source_w)
        view = width * length / scaled
        border = source_w * PAN_BORDER
        y_cut = centred_cut(source_h, height, scaled / length)
        cuts = []
        for index in range(frames):
            progress = index / max(frames - 1, 1)
            if motion == "pan_left":
                progress = 1 - progress
            centre = border + view / 2 + (source_w - view - 2 * border) * progress
            cuts.append(Cut(_pan_cut(source_w, width, centre, scaled, length), y_cut))
        return cuts
    cuts = []
    for index in range(frames):
        progress = index / max(frames - 1, 1)
        zoom = MOTION_ZOOM
        if motion == "zoom_in":
            zoom = 1 + (MOTION_ZOOM - 1) * progress
        elif motion == "zoom_out":
            zoom = MOTION_ZOOM - (MOTION_ZOOM - 1) * progress
        scale = zoom / fit
        cuts.append(Cut(centred_cut(source_w, width, scale), centred_cut(source_h, height, scale)))
    return cuts
