"""What the terminal says about itself, on a real pseudo-terminal whose other end answers as a
terminal would (or not at all): Sixel and kitty graphics, the cell's size in pixels from the
window-size ioctl or from `CSI 16 t`, one bounded wait where nothing answers; and the sizes the
player and the half-block stills give their pictures from that cell."""

from __future__ import annotations

import fcntl
import os
import struct
import termios
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import pytest
from PIL import Image

from nemo_tui.config.settings import GraphicsChoice
from nemo_tui.frames import VideoInfo
from nemo_tui.tui.graphics import may_have_graphics
from nemo_tui.tui.halfblock import halfblock
from nemo_tui.tui.player import fitted_in_cells
from nemo_tui.tui.terminal_answers import (
    ANSWER_WAIT,
    ASK_ATTRIBUTES,
    ASK_CELL_SIZE,
    ASK_KITTY,
    CellSize,
    TerminalAnswers,
    ask_terminal,
    read_answers,
)

XTERM_VT340 = b"\x1b[?63;1;2;4;6;9;15;16;22;28c"  # what Debian's `xterm -ti vt340` answers
XTERM = b"\x1b[?64;1;2;6;9;15;16;17;18;21;22;28c"  # and plain `xterm`: no 4, no Sixel
KITTY_OK = b"\x1b_Gi=31;OK\x1b\\"


@contextmanager
def terminal(
    answers: Mapping[bytes, bytes], pixels: tuple[int, int] = (0, 0)
) -> Iterator[tuple[int, list[bytes]]]:
    """A pseudo-terminal of 80x24 cells and `pixels`, whose far end answers each question in
    `answers` it is asked. Yields the program's side and what was asked."""
    far, near = os.openpty()
    fcntl.ioctl(near, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, *pixels))
    asked: list[bytes] = []
    stop = threading.Event()

    def answer() -> None:
        while not stop.is_set():
            try:
                data = os.read(far, 4096)
            except OSError:
                return
            asked.append(data)
            os.write(
                far, b"".join(reply for question, reply in answers.items() if question in data)
            )

    threading.Thread(target=answer, daemon=True).start()
    try:
        yield near, asked
    finally:
        stop.set()
        os.close(near)
        os.close(far)


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        (XTERM_VT340, TerminalAnswers(sixel=True, answered=True)),
        (XTERM, TerminalAnswers(answered=True)),
        (KITTY_OK + b"\x1b[?62;c", TerminalAnswers(kitty=True, answered=True)),
        (b"\x1b[6;13;6t" + XTERM, TerminalAnswers(cell=CellSize(6, 13), answered=True)),
        (b"\x1b[6;0;0t\x1b[?64c", TerminalAnswers(answered=True)),  # a zero cell is no cell
        (b"", TerminalAnswers()),
    ],
)
def test_the_answers_are_read(sent: bytes, expected: TerminalAnswers) -> None:
    assert read_answers(sent) == expected


def test_xterm_with_sixel_is_found_and_its_cell_comes_from_the_window_size() -> None:
    # xterm fills the ioctl's pixels, 2 px of inner border included: 80x24 cells of 6x13.
    with terminal({ASK_ATTRIBUTES: XTERM_VT340}, pixels=(484, 316)) as (near, asked):
        answers = ask_terminal(near, near, graphics=True)
    assert answers == TerminalAnswers(sixel=True, cell=CellSize(6, 13), answered=True)
    assert ASK_CELL_SIZE not in b"".join(asked)  # the ioctl said it: not asked


def test_a_kitty_terminal_without_window_pixels_is_asked_its_cell() -> None:
    answers_of = {ASK_KITTY: KITTY_OK, ASK_CELL_SIZE: b"\x1b[6;20;9t", ASK_ATTRIBUTES: XTERM}
    with terminal(answers_of) as (near, _):
        answers = ask_terminal(near, near, graphics=True)
    assert answers == TerminalAnswers(kitty=True, cell=CellSize(9, 20), answered=True)


def test_without_graphics_only_the_cell_is_asked() -> None:
    with terminal({ASK_ATTRIBUTES: XTERM_VT340}) as (near, asked):
        ask_terminal(near, near, graphics=False)
    assert ASK_KITTY not in b"".join(asked)


def test_a_terminal_that_never_answers_costs_one_bounded_wait() -> None:
    with terminal({}) as (near, asked):
        began = time.monotonic()
        answers = ask_terminal(near, near, graphics=True)
        waited = time.monotonic() - began
    assert answers == TerminalAnswers()
    assert ASK_ATTRIBUTES in b"".join(asked)
    assert waited < ANSWER_WAIT + 1.0  # one wait, not one per question


@pytest.mark.parametrize(
    ("choice", "environment", "asks"),
    [
        ("auto", {"TERM": "xterm"}, True),  # xterm and its kin say whether they draw Sixel
        ("auto", {"TERM": "xterm-256color"}, True),
        ("auto", {"TERM": "tmux-256color"}, True),
        ("auto", {"TERM": "xterm-kitty"}, True),
        ("auto", {"TERM": "dumb"}, False),
        ("auto", {"TERM": "linux"}, False),  # the console draws no graphics
        ("off", {"TERM": "xterm-kitty"}, False),
        ("on", {"TERM": "linux"}, True),
    ],
)
def test_every_terminal_that_may_answer_is_asked_about_graphics(
    choice: GraphicsChoice, environment: dict[str, str], asks: bool
) -> None:
    assert may_have_graphics(choice, environment) is asks


@pytest.mark.parametrize(
    ("cell", "rows_per_cell", "expected"),
    [
        (CellSize(6, 13), 1, (63, 29)),  # xterm: 63x29 cells of 6x13 = 378x377 pixels
        (CellSize(6, 13), 2, (63, 58)),  # half blocks: 58 pixel rows of 6.5 = 377 pixels
        (CellSize(10, 20), 2, (58, 58)),  # the assumed cell: one pixel wide, half a cell tall
        (CellSize(9, 20), 1, (64, 29)),  # kitty's cells are narrower for their height
    ],
)
def test_a_square_gets_the_cells_that_keep_it_square(
    cell: CellSize, rows_per_cell: int, expected: tuple[int, int]
) -> None:
    square = VideoInfo(duration=1.0, width=240, height=240)
    columns, rows = fitted_in_cells(square, 100, 29, cell, rows_per_cell)
    assert (columns, rows) == expected
    shown = (columns * cell.width) / (rows * cell.height / rows_per_cell)
    assert abs(shown - 1) <= 0.03


def test_a_square_still_in_half_blocks_keeps_its_shape_on_xterm_cells() -> None:
    xterm_cell = CellSize(6, 13)
    text = halfblock(Image.new("RGB", (240, 240), "red"), 100, 29, xterm_cell)
    lines = text.split("\n")
    columns, rows = max(line.cell_len for line in lines), len(lines)
    assert abs(columns * xterm_cell.width / (rows * xterm_cell.height) - 1) <= 0.03
