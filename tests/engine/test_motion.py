"""Motion planning (`engine.render.motion`), without ffmpeg: every frame's whole-pixel cut must
put the picture within a fraction of a pixel of a continuous camera, so no move ever stands
still and then jumps. The renderer test `test_zoom_moves_by_fractions_of_a_pixel...` checks the
same on a real render."""

from __future__ import annotations

from itertools import pairwise

import pytest

from nemo_tui.engine.render.motion import MOTION_OVERSIZE, MOTION_PAD, plan_moves


def source_of(width: int, height: int) -> tuple[int, int]:
    return round(width * MOTION_OVERSIZE / 2) * 2, round(height * MOTION_OVERSIZE / 2) * 2


@pytest.mark.parametrize("motion", ["zoom_in", "zoom_out", "pan_left", "pan_right"])
@pytest.mark.parametrize(("width", "height", "frames"), [(1920, 1080, 192), (320, 180, 60)])
def test_every_move_is_steady_to_a_fraction_of_a_pixel(
    motion: str, width: int, height: int, frames: int
) -> None:
    source = source_of(width, height)
    cuts = plan_moves(motion, frames, (width, height), source)
    assert len(cuts) == frames
    for axis, point in (("x", source[0] * 0.3), ("y", source[1] * 0.2)):
        positions = [getattr(cut, axis).position(point) for cut in cuts]
        steps = [after - before for before, after in pairwise(positions)]
        mean = (positions[-1] - positions[0]) / len(steps)
        worst = max(abs(step - mean) for step in steps)
        assert worst < 0.5, f"{motion} {axis}: a step {worst:.2f} px off the steady {mean:.2f}"
    if motion.startswith("pan"):
        xs = [cut.x.position(source[0] / 2) for cut in cuts]
        assert abs(xs[-1] - xs[0]) > width * 0.05  # it really crosses the picture


def test_a_zoom_in_starts_on_the_whole_picture_and_ends_magnified() -> None:
    source = source_of(1920, 1080)
    first, *_, last = plan_moves("zoom_in", 90, (1920, 1080), source)
    # The still is padded by MOTION_PAD: the whole picture starts there.
    assert (first.x.start, first.x.length, first.x.scaled) == (MOTION_PAD, source[0], 1920)
    assert last.x.scaled / last.x.length == pytest.approx(1.2 / MOTION_OVERSIZE, rel=1e-3)


@pytest.mark.parametrize("motion", ["zoom_in", "zoom_out", "pan_left", "pan_right"])
def test_every_cut_is_even_so_the_colour_planes_move_with_the_picture(motion: str) -> None:
    """yuv420p keeps colour at half resolution: a crop at an odd pixel shifts it half a pixel
    against the brightness on that frame only, a flicker that tripled the encoder's bits."""
    for cut in plan_moves(motion, 192, (1920, 1080), source_of(1920, 1080)):
        for axis in (cut.x, cut.y):
            values = (axis.start, axis.length, axis.scaled, axis.offset)
            assert all(value % 2 == 0 for value in values), (motion, axis)


@pytest.mark.parametrize("size", [(16, 28), (28, 16), (64, 36)])
@pytest.mark.parametrize("motion", ["zoom_in", "zoom_out", "pan_left", "pan_right"])
def test_tiny_canvases_get_cuts_that_fill_them(motion: str, size: tuple[int, int]) -> None:
    """A pan's margin is wider than a tiny canvas's still: it must still find a cut."""
    source = source_of(*size)
    for cut in plan_moves(motion, 30, size, source):
        for axis, out, still in ((cut.x, size[0], source[0]), (cut.y, size[1], source[1])):
            assert axis.start >= 0
            assert axis.start + axis.length <= still + 2 * MOTION_PAD
            assert axis.offset + out <= axis.scaled
