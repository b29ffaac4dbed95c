"""Previews in the terminal's own graphics: `nemo-tui` on a pseudo-terminal that answers the
device-attributes query as a Sixel terminal draws the highlighted photo as Sixel data; a terminal
that gives no sign of graphics, or `NEMO_GRAPHICS=off`, is asked nothing and gets half blocks."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest
from textual_image.widget import HalfcellImage

from nemo_tui.config.settings import GraphicsChoice
from nemo_tui.frames import load_still
from nemo_tui.tui.graphics import may_have_graphics
from tests.terminal import ASK_ATTRIBUTES, SIXEL_TERMINAL, Terminal

from .helpers import shown, wait_for_text
from .test_panes import AppMaker

SIXEL_DATA = re.compile(rb"\x1bP[0-9;]*q")
F2, DOWN = b"\x1bOQ", b"\x1b[B"


def open_on_photo(shoot: Path, **env: str) -> Terminal:
    """nemo-tui on the folder (no backend needed) in a Sixel terminal, the file pane focused,
    the first file highlighted."""
    nemo_tui = str(Path(sys.executable).parent / "nemo-tui")
    terminal = Terminal(
        [nemo_tui, str(shoot), "--api", "http://127.0.0.1:9"],
        {**os.environ, **env},
        answers=SIXEL_TERMINAL,
    )
    terminal.wait(re.compile(rb"nemo-tui"), timeout=30)
    terminal.send(F2)
    time.sleep(0.5)
    terminal.send(DOWN)
    return terminal


@pytest.mark.timeout(90)
@pytest.mark.usefixtures("app_dirs")
def test_a_sixel_terminal_gets_the_preview_in_sixel(shoot: Path) -> None:
    terminal = open_on_photo(shoot, NEMO_GRAPHICS="on")
    try:
        terminal.wait(SIXEL_DATA, timeout=30)
    finally:
        terminal.close()
    assert ASK_ATTRIBUTES in terminal.output


@pytest.mark.timeout(90)
@pytest.mark.parametrize("choice", ["off", ""])
@pytest.mark.usefixtures("app_dirs")
def test_without_graphics_nothing_is_asked_and_previews_are_half_blocks(
    shoot: Path, choice: str
) -> None:
    # xterm-256color says nothing of graphics: unless told "on", nemo-tui does not ask.
    terminal = open_on_photo(shoot, NEMO_GRAPHICS=choice)
    try:
        terminal.wait(re.compile("▀".encode()), timeout=30)
    finally:
        terminal.close()
    assert ASK_ATTRIBUTES not in terminal.output
    assert not SIXEL_DATA.search(terminal.output)


@pytest.mark.parametrize(
    ("choice", "environment", "asks"),
    [
        ("auto", {"TERM": "xterm-256color"}, False),
        ("auto", {"TERM": "xterm-kitty"}, True),  # what survives ssh
        ("auto", {"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, True),
        ("auto", {"TERM": "xterm-256color", "WT_SESSION": "x"}, True),
        ("off", {"TERM": "xterm-kitty"}, False),
        ("on", {"TERM": "linux"}, True),
    ],
)
def test_only_terminals_that_may_have_graphics_are_asked(
    choice: GraphicsChoice, environment: dict[str, str], asks: bool
) -> None:
    assert may_have_graphics(choice, environment) is asks


async def test_the_picture_widget_shows_stills_and_hides_for_audio(
    make_app: AppMaker, shoot: Path
) -> None:
    photo = load_still(shoot / "photo1.jpg")
    assert photo is not None
    app = make_app(picture=HalfcellImage)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("f2")
        picture = app.query_one("#picture", HalfcellImage)
        for _ in range(6):  # down the list until the photo, then the voice track
            await pilot.press("down")
            text = await shown(pilot)
            if "photo1.jpg (image)" in text:
                break
        await wait_for_text(
            pilot,
            lambda text: (
                picture.display
                and picture.image is not None
                and picture.image.tobytes() == photo.tobytes()
            ),
        )
        while "voice.m4a (audio)" not in await shown(pilot):
            await pilot.press("down")
        text = await wait_for_text(pilot, lambda text: not picture.display)
        assert "▀" not in text  # the caption alone: no half blocks beside the picture widget
