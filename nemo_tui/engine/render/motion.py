"""Camera moves over a still (zoom in, zoom out, pan), placed to a fraction of a pixel.

ffmpeg's zoompan crops its source at whole even pixels, so a slow move stands still for a few
frames and then jumps a pixel or two. Here every frame is made by three steps whose sizes are all
whole even numbers but whose combination is not: crop `length` source pixels from `start`, scale
them to `scaled` pixels, keep the canvas from `offset`. A point s of the source lands at
(s - start) * scaled / length - offset.

Every crop starts on an even pixel: the colour planes of yuv420p have half the resolution, so a
crop at an odd pixel shifts them half a pixel against the brightness, on one frame and not the
next. x264 paid for that flicker: a 6.4 s zoom over one photo took 0.74 MB with odd crops and
0.24 MB with even ones (veryfast, CRF 20), and the 30 s promo with motion 4.2 MB against 1.9 MB.

- A zoom picks, among several sizes of the scaled picture and the crops around them, the cut
  whose worst error anywhere on the canvas (the centre's error plus the ratio's error times half
  the canvas) is smallest: the picture's edges then stay within a small fraction of a pixel of a
  continuous zoom.
- A pan scales by one fixed ratio, 4 % below one, so that shifting the source crop by two pixels
  moves the picture by a little less than two canvas pixels; combined with the canvas crop that
  lands the picture within a small fraction of a pixel of where it should be. Its scale never
  changes, so ffmpeg's scaler is set up once.

`plan_moves` is pure: one `Cut` per frame, which the renderer sends to ffmpeg's crop and scale
filters with `sendcmd`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

# Stills with motion are scaled once to this multiple of the canvas, a little more than the zoom:
# a zoom of MOTION_ZOOM then still shrinks its source by 4 %. At exactly one source pixel per
# canvas pixel, even steps of both crops land on the same whole pixels and nothing finer.
MOTION_ZOOM = 1.2
MOTION_OVERSIZE = 1.25
# The still gets this many pixels of its own edge repeated on every side, so a cut near the whole
# picture can start a little outside it: without them a zoom's first frames have few cuts to
# choose from, and a pan's crop (wider than what it shows) has no room near the sides on a small
# canvas. They are outside the canvas on every frame.
MOTION_PAD = 32
# Crops start, move and grow by this many pixels: even, so yuv420p's colour planes stay aligned.
STEP = 2
# A zoom tries the scaled picture at the canvas size plus 0, 2, ... ZOOM_MARGIN pixels.
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


def placed_cut(
    source: int, out: int, centre: float, scaled: int, length: int
) -> tuple[float, AxisCut]:
    """With `length` source pixels scaled to `scaled`, the cut that puts source point `centre`
    nearest the canvas middle, and how far from it (in canvas pixels) it lands."""
    ratio = scaled / length
    target = centre * ratio - out / 2  # start * ratio + offset must equal this
    best: tuple[float, AxisCut] | None = None
    for offset in range(0, scaled - out + 1, STEP):
        start = min(max(_even((target - offset) / ratio), 0), source - length)
        error = abs(start * ratio + offset - target)
        if best is None or error < best[0]:
            best = (error, AxisCut(start, length, scaled, offset))
    assert best is not None
    return best


def zoom_cut(source: int, out: int, scale: float, centre: float) -> AxisCut:
    """The cut of one axis nearest to magnifying by `scale` (canvas pixels per source pixel)
    about source point `centre`: the smallest worst error over the canvas, which is the centre's
    error plus the ratio's error times half the canvas."""
    candidates: list[tuple[float, int, int]] = []
    for scaled in range(out, out + ZOOM_MARGIN + 1, STEP):
        below = math.floor(scaled / scale / STEP) * STEP
        for length in (below, below + STEP):
            if scaled * 0.5 <= length <= source:
                error = abs(scaled / length / scale - 1) * out / 2
                candidates.append((error, scaled, length))
    if not candidates:
        raise ValueError(f"no cut of {source} pixels fills {out}")
    candidates.sort()
    best: tuple[float, AxisCut] | None = None
    for ratio_error, scaled, length in candidates:
        if best is not None and ratio_error >= best[0]:
            break  # the rest are worse on their ratio alone
        centre_error, cut = placed_cut(source, out, centre, scaled, length)
        if best is None or ratio_error + centre_error < best[0]:
            best = (ratio_error + centre_error, cut)
    assert best is not None
    return best[1]


def pan_margin(scale: float) -> int:
    """How many pixels wider than the canvas a pan at `scale` (canvas pixels per source pixel)
    scales its source to.

    A STEP of the source crop moves the picture by STEP * scale pixels and a STEP of the canvas
    crop by STEP, so together they move it by STEP * (1 - scale): positions fall on a grid that
    fine, and the m/STEP + 1 canvas crops cover a whole STEP of it when m * |1 - scale| >= STEP.
    The smallest even such m, plus a STEP to spare."""
    margin = math.ceil(STEP / abs(1 - scale))
    return margin + margin % 2 + STEP


def plan_moves(
    motion: str, frames: int, size: tuple[int, int], source: tuple[int, int]
) -> list[Cut]:
    """One cut per frame for `motion` over `frames` frames of a `size` canvas, from a still
    scaled to `source` (MOTION_OVERSIZE times the canvas, cropped to its shape) and padded by
    MOTION_PAD on every side: the cuts are in the padded still's pixels. Zooms go between the
    whole picture and MOTION_ZOOM about its centre; pans cross it at MOTION_ZOOM, at mid height."""
    (width, height), (source_w, source_h) = size, source
    fit = min(source_w / width, source_h / height)  # source pixels per canvas pixel at zoom 1
    padded_w, padded_h = source_w + 2 * MOTION_PAD, source_h + 2 * MOTION_PAD
    middle_y = MOTION_PAD + source_h / 2
    if motion in ("pan_left", "pan_right"):
        scale = MOTION_ZOOM / fit
        # On a tiny canvas the margin is more than the still has: a coarser grid there.
        widest = max(int(source_w * scale) // STEP * STEP, width)
        scaled = min(width + pan_margin(scale), widest)
        length = min(_even(scaled / scale), source_w)
        view = width * length / scaled
        border = source_w * PAN_BORDER
        y_cut = zoom_cut(padded_h, height, scaled / length, middle_y)
        cuts = []
        for index in range(frames):
            progress = index / max(frames - 1, 1)
            if motion == "pan_left":
                progress = 1 - progress
            centre = MOTION_PAD + border + view / 2 + (source_w - view - 2 * border) * progress
            x_cut = placed_cut(padded_w, width, centre, scaled, length)[1]
            cuts.append(Cut(x_cut, y_cut))
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
        cuts.append(
            Cut(
                zoom_cut(padded_w, width, scale, MOTION_PAD + source_w / 2),
                zoom_cut(padded_h, height, scale, middle_y),
            )
        )
    return cuts
