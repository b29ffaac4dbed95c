"""Previews in the terminal's own graphics: `nemo-tui` on a pseudo-terminal that answers the
device-attributes query as a Sixel terminal draws the highlighted photo as Sixel data; a terminal
that answers without Sixel gets half blocks, and with `NEMO_GRAPHICS=off` is asked nothing."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Mapping
from pathlib import Path

import pytest
from textual_image.widget import HalfcellImage

from nemo_tui.frames import load_still
from tests.terminal import ASK_ATTRIBUTES, PLAIN_TERMINAL, SIXEL_TERMINAL, Terminal

from .helpers import shown, wait_for_text
from .test_panes import AppMaker

SIXEL_DATA = re.compile(rb"\x1bP[0-9;]*q")
F2, DOWN = b"\x1bOQ", b"\x1b[B"


def open_on_photo(
    shoot: Path, answers: Mapping[bytes, bytes] = SIXEL_TERMINAL, **env: str
) -> Terminal:
    """nemo-tui on the folder (no backend needed) in a terminal answering `answers` (Sixel's by
    default), the file pane focused, the first file highlighted."""
    nemo_tui = str(Path(sys.executable).parent / "nemo-tui")
    terminal = Terminal(
        [nemo_tui, str(shoot), "--api", "http://127.0.0.1:9"],
        {**os.environ, **env},
        answers=answers,
    )
    try:
        # The folder listed (a worker reads it; on a busy machine after the first screen).
        terminal.wait(re.compile(rb"photo1\.jpg"), timeout=30)
        pressed = terminal.send(F2)
        terminal.wait(re.compile(rb"All files"), after=pressed, timeout=30)  # the pane's keys
        time.sleep(0.5)
        terminal.send(DOWN)
    except BaseException:
        terminal.close()  # else the app outlives the test
        raise
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
@pytest.mark.parametrize(("choice", "asked"), [("off", False), ("", True)])
@pytest.mark.usefixtures("app_dirs")
def test_without_sixel_previews_are_half_blocks_and_off_asks_nothing(
    shoot: Path, choice: str, asked: bool
) -> None:
    terminal = open_on_photo(shoot, PLAIN_TERMINAL, NEMO_GRAPHICS=choice)
    try:
        terminal.wait(re.compile("▀".encode()), timeout=30)
    finally:
        terminal.close()
    assert (ASK_ATTRIBUTES in terminal.output) is asked
    assert not SIXEL_DATA.search(terminal.output)


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
        # Sized by the photo's aspect (3:2) on the cells textual-image assumes off a terminal
        # (10x20 pixels), not stretched across the pane.
        width, height = picture.content_size
        assert abs(width * 10 / (height * 20) - photo.width / photo.height) <= 0.03 * 1.5
        while "voice.m4a (audio)" not in await shown(pilot):
            await pilot.press("down")
        text = await wait_for_text(pilot, lambda text: not picture.display)
        assert "▀" not in text  # the caption alone: no half blocks beside the picture widget
