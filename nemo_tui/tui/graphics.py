"""Pictures in the terminal's own graphics, Sixel or kitty's graphics protocol, where it has them,
and the terminal's cell size in pixels, by which every picture keeps its aspect.

Both are asked of the terminal once, before the app starts (`terminal_answers`): once Textual
reads the keyboard, the answers would arrive as keys. Every terminal that may answer is asked
(xterm and its kin say in their device attributes whether they draw Sixel); one that never
answers costs a bounded wait, once. Not asked: `TERM=dumb`, and the Linux console about graphics
it cannot draw. The `graphics` setting "on" asks whatever the terminal, "off" asks nothing (the
cell size then comes from the window-size ioctl alone). Where the terminal said it draws Sixel or
kitty graphics, textual-image draws the pictures; elsewhere they are half blocks, which work
everywhere.
"""

from __future__ import annotations

import io
import sys
from collections.abc import Mapping

from textual.widget import Widget

from nemo_tui.config.environment import read_variables
from nemo_tui.config.settings import GraphicsChoice
from nemo_tui.tui.terminal_answers import (
    DEFAULT_CELL,
    CellSize,
    TerminalAnswers,
    ask_terminal,
    window_cell_size,
)

SILENT_TERMS = ("dumb",)  # answers nothing: not asked anything
NO_GRAPHICS_TERMS = ("linux",)  # the Linux console: asked its cell size only

_measured: CellSize | None = None


def cell_size() -> CellSize:
    """The terminal's cell in pixels as it said before the app started, else DEFAULT_CELL."""
    return _measured or DEFAULT_CELL


def may_have_graphics(choice: GraphicsChoice, environment: Mapping[str, str]) -> bool:
    """Whether to ask the terminal about graphics at all, given the user's choice and the
    terminal's TERM."""
    if choice != "auto":
        return choice == "on"
    return environment.get("TERM", "") not in (*SILENT_TERMS, *NO_GRAPHICS_TERMS)


def picture_widget(choice: GraphicsChoice) -> type[Widget] | None:
    """The widget class for this terminal's graphics, or None for half blocks; asks the terminal
    (see the module's docstring), so call it once, before the app starts."""
    global _measured
    stdin, stdout = sys.__stdin__, sys.__stdout__
    if not (stdin and stdout and stdin.isatty() and stdout.isatty()):
        return None
    said = read_variables(("TERM",))
    graphics = may_have_graphics(choice, said)
    answers = TerminalAnswers(cell=window_cell_size(stdout.fileno()))
    if choice != "off" and said.get("TERM", "") not in SILENT_TERMS:
        answers = ask_terminal(stdin.fileno(), stdout.fileno(), graphics=graphics)
    _measured = answers.cell
    if not graphics or not (answers.sixel or answers.kitty):
        return None
    return _textual_image_widget(cell_size(), sixel=answers.sixel)


def _textual_image_widget(cell: CellSize, *, sixel: bool) -> type[Widget] | None:
    """textual-image's widget for the graphics the terminal said it draws: Sixel where it
    draws both, as textual-image prefers, else kitty's."""
    try:
        from textual_image import _terminal

        # textual-image measures the cell itself on import, waiting again on a terminal that
        # has said all it will: it is told what the terminal said, so pictures agree with ours.
        setattr(_terminal.get_cell_size, "_result", _terminal.CellSize(cell.width, cell.height))  # noqa: B010
        # And it asks the terminal again what it draws as it loads, waiting 0.1 s for each
        # answer: on a loaded machine it missed them (half blocks on a terminal that had said
        # Sixel, and the late answer read as keys). It loads seeing an output that is not a
        # terminal, so it asks nothing; which of its widgets to use is said here (the player's
        # Sixel test counts the questions the terminal gets: one).
        terminal = sys.__stdout__
        setattr(sys, "__stdout__", io.StringIO())  # noqa: B010
        try:
            from textual_image import widget
        finally:
            setattr(sys, "__stdout__", terminal)  # noqa: B010
    except Exception:  # a terminal that cannot be asked is one without graphics
        return None
    if sixel:
        from nemo_tui.tui.sixel_picture import SixelPicture

        return SixelPicture
    return widget.TGPImage
