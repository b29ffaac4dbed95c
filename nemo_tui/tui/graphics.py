"""Pictures in the terminal's own graphics, Sixel or kitty's graphics protocol, where it has them.

Whether it has them is asked of the terminal, once, before the app starts (textual-image sends a
device-attributes request and a graphics probe, waiting up to 0.1 s for an answer): once Textual
reads the keyboard, the answers would arrive as keys. The questions cost up to 0.3 s of start-up,
so they are asked only of terminals that say in the environment they may have graphics, or when
the `graphics` setting is "on" (`NEMO_GRAPHICS=on`); "off" never asks. Otherwise previews are half
blocks, which work everywhere.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping

from textual.widget import Widget

from nemo_tui.config.environment import read_variables
from nemo_tui.config.settings import GraphicsChoice

# What terminals with Sixel or kitty graphics put in the environment. TERM is the one that
# survives ssh; the others are set by the terminal on the machine it runs on.
GRAPHICS_TERMS = ("xterm-kitty", "xterm-ghostty", "foot", "foot-extra", "mlterm", "contour")
GRAPHICS_PROGRAMS = ("WezTerm", "iTerm.app", "ghostty", "vscode", "mintty")
GRAPHICS_VARIABLES = ("KITTY_WINDOW_ID", "KONSOLE_VERSION", "WT_SESSION")


def may_have_graphics(choice: GraphicsChoice, environment: Mapping[str, str]) -> bool:
    """Whether to ask the terminal about graphics at all, given the user's choice and what the
    terminal put in the environment."""
    if choice != "auto":
        return choice == "on"
    return (
        environment.get("TERM", "") in GRAPHICS_TERMS
        or environment.get("TERM_PROGRAM", "") in GRAPHICS_PROGRAMS
        or any(name in environment for name in GRAPHICS_VARIABLES)
    )


def picture_widget(choice: GraphicsChoice) -> type[Widget] | None:
    """The textual-image widget class for this terminal's graphics, or None for half blocks."""
    terminal = sys.__stdout__
    said = read_variables(("TERM", "TERM_PROGRAM", *GRAPHICS_VARIABLES))
    if not (terminal and terminal.isatty()) or not may_have_graphics(choice, said):
        return None
    try:
        # Importing these asks the terminal what it supports.
        from textual_image import renderable, widget
    except Exception:  # a terminal that cannot be asked is one without graphics
        return None

    if renderable.Image is renderable.SixelImage:
        return widget.SixelImage
    if renderable.Image is renderable.TGPImage:
        return widget.TGPImage
    return None
