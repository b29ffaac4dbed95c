"""`nemo-tui play` in a real terminal: Debian's xterm on an Xvfb display, screenshots taken with
xwd and measured. A square video must show square (within 3 %) on xterm's own cells (6x13
pixels, not the 10x20 once assumed), in Sixel where xterm draws it (`-ti vt340`, chosen with no
setting) and in half blocks where it does not; the position bar must show once (a newline after
the picture once scrolled the screen and doubled it). Skipped where xterm, Xvfb or xwd are not
installed (`.ci/run` installs them)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg
import pytest

from tests.xterm import (
    bar_lines,
    missing_tools,
    picture_box,
    wait_until_shown,
    x_display,
    xterm,
)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.timeout(180),
    pytest.mark.skipif(
        bool(missing_tools()),
        reason=f"{', '.join(missing_tools())} not installed (apt-get install xterm xvfb x11-apps)",
    ),
]

NEMO_TUI = str(Path(sys.executable).parent / "nemo-tui")
SIXEL_DATA = re.compile(rb"\x1bP[0-9;]*q")
CELLS_OF_ONE_COLOUR = re.compile(rb"\x1b\[(?:4[0-7]|48;[25];[0-9;]+)m {8,}")
HALF_BLOCK = "▀".encode()


@pytest.fixture(scope="module")
def square(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 240x240 clip of one bright colour, long enough to be on screen when looked at."""
    path = tmp_path_factory.mktemp("square") / "square.mp4"
    subprocess.run(
        [
            *(imageio_ffmpeg.get_ffmpeg_exe(), "-y", "-loglevel", "error", "-f", "lavfi"),
            *("-i", "color=c=red:s=240x240:d=30:r=15", "-pix_fmt", "yuv420p", str(path)),
        ],
        check=True,
        timeout=60,
    )
    return path


@dataclass
class Seen:
    aspect: float  # the picture's width over its height
    bars: int  # position bars on the screen
    sent: bytes  # what the app sent to the terminal
    margin: tuple[int, int, int]  # the colour left of the picture, halfway down


def play_in_xterm(square: Path, log: Path, *, vt340: bool) -> Seen:
    """`nemo-tui play` on the square in a 100x30 xterm, with no graphics setting."""
    env = {key: value for key, value in os.environ.items() if key != "NEMO_GRAPHICS"}
    with (
        x_display() as display,
        xterm(display, [NEMO_TUI, "play", str(square)], env, log, vt340=vt340) as terminal,
    ):
        shot = wait_until_shown(terminal)
        sent = terminal.output()
    box = picture_box(shot)
    assert box is not None
    left, top, right, bottom = box
    margin = shot.getpixel((left // 2, (top + bottom) // 2))
    assert isinstance(margin, tuple)
    return Seen((right - left) / (bottom - top), bar_lines(shot), sent, margin[:3])


@pytest.mark.usefixtures("app_dirs")
def test_xterm_with_sixel_gets_a_square_sixel_picture_and_one_bar(
    square: Path, tmp_path: Path
) -> None:
    seen = play_in_xterm(square, tmp_path / "xterm.log", vt340=True)
    assert SIXEL_DATA.search(seen.sent), "xterm -ti vt340 says it draws Sixel: it was not used"
    assert abs(seen.aspect - 1) <= 0.03, f"the square is {seen.aspect:.3f} times as wide as tall"
    # One position bar, never two (the screen scrolled under it). While the bar says the player
    # adapts to the link it is too short to measure: then it must still not be doubled.
    assert seen.bars == 1 or (seen.bars == 0 and b"for the link" in seen.sent)


@pytest.mark.usefixtures("app_dirs")
def test_xterm_without_sixel_gets_a_square_in_half_blocks(square: Path, tmp_path: Path) -> None:
    seen = play_in_xterm(square, tmp_path / "xterm.log", vt340=False)
    assert not SIXEL_DATA.search(seen.sent)
    # Drawn in cells: half blocks, or (the picture made coarser for a busy link) cells of one
    # colour, spaces on a coloured background.
    assert HALF_BLOCK in seen.sent or CELLS_OF_ONE_COLOUR.search(seen.sent)
    assert abs(seen.aspect - 1) <= 0.03, f"the square is {seen.aspect:.3f} times as wide as tall"
    # One position bar, never two (the screen scrolled under it). While the bar says the player
    # adapts to the link it is too short to measure: then it must still not be doubled.
    assert seen.bars == 1 or (seen.bars == 0 and b"for the link" in seen.sent)
    # Beside the picture, the app's dark background, not xterm's default white.
    assert sum(seen.margin) < 100, seen.margin
