"""What the terminal says about itself, asked once before the app reads keys: whether it draws
Sixel or kitty graphics, and the size of its cells in pixels.

All questions go out together, the device-attributes request (`CSI c`) last: every terminal
that answers anything answers that, and answers in order, so its reply ends the wait. A terminal
that answers nothing costs at most ANSWER_WAIT once. The cell size is the window-size ioctl's
pixel fields where the terminal fills them (xterm, kitty, foot, WezTerm...), else its answer to
`CSI 16 t`; a terminal that says neither is assumed to have DEFAULT_CELL.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import struct
import termios
import time
import tty
from dataclasses import dataclass

# Long enough for a terminal across a slow SSH link (a satellite hop is 600 ms there and back)
# or on a loaded machine; paid in full only where nothing answers, which VT100-style terminals
# never do. An answer that came later would be read as keys and Sixel would be missed.
ANSWER_WAIT = 1.0
MAX_ANSWER_BYTES = 4096  # answers are a few dozen bytes; anything past this is not theirs

ASK_CELL_SIZE = b"\x1b[16t"
# A 1x1 kitty image that is only checked, never stored (a=q); id 31 tells its answer apart.
ASK_KITTY = b"\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\"
ASK_ATTRIBUTES = b"\x1b[c"

ATTRIBUTES_ANSWER = re.compile(rb"\x1b\[\?([0-9;]*)c")
CELL_SIZE_ANSWER = re.compile(rb"\x1b\[6;([0-9]{1,4});([0-9]{1,4})t")
KITTY_ANSWER = re.compile(rb"\x1b_Gi=31;OK\x1b\\")
SIXEL_ATTRIBUTE = b"4"


@dataclass(frozen=True)
class CellSize:
    """A terminal cell in pixels."""

    width: int
    height: int


# VT340's cell, what textual-image assumes too: the terminal's own answer replaces it.
DEFAULT_CELL = CellSize(10, 20)


@dataclass(frozen=True)
class TerminalAnswers:
    sixel: bool = False
    kitty: bool = False
    cell: CellSize | None = None  # None: the terminal did not say
    answered: bool = False  # it answered the device-attributes request


def read_answers(data: bytes) -> TerminalAnswers:
    """The terminal's answers, from what it sent back."""
    attributes = ATTRIBUTES_ANSWER.search(data)
    cell = CELL_SIZE_ANSWER.search(data)
    return TerminalAnswers(
        sixel=attributes is not None and SIXEL_ATTRIBUTE in attributes.group(1).split(b";"),
        kitty=KITTY_ANSWER.search(data) is not None,
        cell=_cell(int(cell.group(2)), int(cell.group(1))) if cell else None,
        answered=attributes is not None,
    )


def window_cell_size(fd: int) -> CellSize | None:
    """The cell size from the window-size ioctl's pixel fields, None where they are zero."""
    try:
        rows, columns, width, height = struct.unpack(
            "HHHH", fcntl.ioctl(fd, termios.TIOCGWINSZ, b"\0" * 8)
        )
    except OSError:
        return None
    if not (rows and columns):
        return None
    # xterm counts its inner border in the pixels: floor division leaves it out.
    return _cell(width // columns, height // rows)


def ask_terminal(stdin: int, stdout: int, *, graphics: bool) -> TerminalAnswers:
    """Ask the terminal on `stdin`/`stdout` for its cell size and (with `graphics`) for Sixel
    and kitty graphics; wait for its answers at most ANSWER_WAIT."""
    from_window = window_cell_size(stdout)
    questions = b"" if from_window else ASK_CELL_SIZE
    if graphics:
        questions += ASK_KITTY
    answers = read_answers(_exchange(stdin, stdout, questions + ASK_ATTRIBUTES))
    return TerminalAnswers(
        answers.sixel, answers.kitty, from_window or answers.cell, answers.answered
    )


def _exchange(stdin: int, stdout: int, questions: bytes) -> bytes:
    """Send `questions` and collect what comes back until the device attributes arrive."""
    saved = termios.tcgetattr(stdin)
    tty.setcbreak(stdin, termios.TCSANOW)  # answers arrive at once, and are not echoed
    data = b""
    try:
        os.write(stdout, questions)
        deadline = time.monotonic() + ANSWER_WAIT
        while not ATTRIBUTES_ANSWER.search(data) and len(data) < MAX_ANSWER_BYTES:
            left = deadline - time.monotonic()
            if left <= 0 or not select.select([stdin], [], [], left)[0]:
                break
            data += os.read(stdin, MAX_ANSWER_BYTES)
    finally:
        termios.tcsetattr(stdin, termios.TCSANOW, saved)
    return data


def _cell(width: int, height: int) -> CellSize | None:
    """A cell size, or None for one no terminal has (a zero, or a screen's size by mistake)."""
    if 2 <= width <= 200 and 4 <= height <= 400:
        return CellSize(width, height)
    return None
