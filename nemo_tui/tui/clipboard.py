"""Putting text on the person's clipboard, over SSH and inside tmux, and whether a browser exists.

The clipboard is reached with OSC 52, which the terminal (not this machine) carries out. Inside tmux
the sequence is also sent wrapped for tmux's passthrough (`ESC P tmux; ... ESC \\`, each inner ESC
doubled), so it reaches the outer terminal even when tmux's own `set-clipboard` is off.
"""

from __future__ import annotations

import base64
import shutil
import webbrowser
from typing import Any

from textual.app import App

from nemo_tui.config.environment import read_variable

ESC = "\x1b"


def osc52(text: str) -> str:
    encoded = base64.b64encode(text.encode("utf-8")).decode("ascii")
    return f"{ESC}]52;c;{encoded}\a"


def tmux_passthrough(sequence: str) -> str:
    """`sequence` wrapped so tmux hands it to the terminal outside it."""
    return f"{ESC}Ptmux;{sequence.replace(ESC, ESC + ESC)}{ESC}\\"


def copy_with_osc52(app: App[Any], text: str) -> None:
    """Copy `text`: Textual's own OSC 52, plus the tmux-wrapped one inside tmux."""
    app.copy_to_clipboard(text)
    driver = app._driver  # Textual has no public way to write a raw sequence to the terminal.
    if read_variable("TMUX") and driver is not None:
        driver.write(tmux_passthrough(osc52(text)))


def browser_available() -> bool:
    """True when this machine can open a browser (a display, or a known launcher)."""
    if read_variable("DISPLAY") or read_variable("WAYLAND_DISPLAY") or shutil.which("open"):
        try:
            webbrowser.get()
        except webbrowser.Error:
            return False
        return True
    return False
