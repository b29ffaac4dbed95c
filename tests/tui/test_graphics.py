"""Previews in the terminal's own graphics: `nemo-tui` on a pseudo-terminal that answers the
device-attributes query as a Sixel terminal draws the highlighted photo as Sixel data; a terminal
that gives no sign of graphics, or `NEMO_GRAPHICS=off`, is asked nothing and gets half blocks."""

from __future__ import annotations

import fcntl
import os
import re
import struct
import subprocess
import sys
import termios
import threading
import time
from pathlib import Path

import pytest
from textual_image.widget import HalfcellImage

from nemo_tui.tui.graphics import may_have_graphics

from .helpers import shown, wait_for_text
from .test_panes import AppMaker

ASK_ATTRIBUTES = b"\x1b[c"
SIXEL_TERMINAL = b"\x1b[?62;4c"  # "a VT220 with Sixel graphics"
ASK_CELL_SIZE = b"\x1b[16t"
CELL_SIZE = b"\x1b[6;20;10t"
SIXEL_DATA = re.compile(rb"\x1bP[0-9;]*q")
F2, DOWN = b"\x1bOQ", b"\x1b[B"


class FakeTerminal:
    """`argv` on a 120x40 pseudo-terminal that answers like a Sixel terminal when `sixel`."""

    def __init__(self, argv: list[str], env: dict[str, str], *, sixel: bool) -> None:
        self.output = b""
        self._sixel = sixel
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        self.process = subprocess.Popen(
            argv, stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True
        )
        os.close(slave)
        self._master = master
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self._master, 65536)
            except OSError:
                return
            if not data:
                return
            self.output += data
            if self._sixel and ASK_ATTRIBUTES in data:
                os.write(self._master, SIXEL_TERMINAL)
            if self._sixel and ASK_CELL_SIZE in data:
                os.write(self._master, CELL_SIZE)

    def send(self, keys: bytes) -> None:
        os.write(self._master, keys)

    def wait_for(self, pattern: re.Pattern[bytes], timeout: float = 30) -> bool:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.process.poll() is None:
            if pattern.search(self.output):
                return True
            time.sleep(0.05)
        return bool(pattern.search(self.output))

    def close(self) -> None:
        self.send(b"\x11")  # ctrl+q
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        os.close(self._master)


def open_on_photo(shoot: Path, app_dirs: Path, *, sixel: bool, **env: str) -> FakeTerminal:
    """nemo-tui on the folder (no backend needed), the file pane focused, the first file
    highlighted."""
    nemo_tui = str(Path(sys.executable).parent / "nemo-tui")
    environment = {**os.environ, "TERM": "xterm-256color", **env}
    terminal = FakeTerminal(
        [nemo_tui, str(shoot), "--api", "http://127.0.0.1:9"], environment, sixel=sixel
    )
    assert terminal.wait_for(re.compile(rb"nemo-tui")), terminal.output[-2000:]
    terminal.send(F2)
    time.sleep(0.5)
    terminal.send(DOWN)
    return terminal


@pytest.mark.timeout(90)
def test_a_sixel_terminal_gets_the_preview_in_sixel(shoot: Path, app_dirs: Path) -> None:
    terminal = open_on_photo(shoot, app_dirs, sixel=True, NEMO_GRAPHICS="on")
    try:
        assert terminal.wait_for(SIXEL_DATA), terminal.output[-2000:]
    finally:
        terminal.close()
    assert ASK_ATTRIBUTES in terminal.output


@pytest.mark.timeout(90)
@pytest.mark.parametrize("choice", ["off", ""])
def test_without_graphics_nothing_is_asked_and_previews_are_half_blocks(
    shoot: Path, app_dirs: Path, choice: str
) -> None:
    # xterm-256color says nothing of graphics: unless told "on", nemo-tui does not ask.
    terminal = open_on_photo(shoot, app_dirs, sixel=True, NEMO_GRAPHICS=choice)
    try:
        assert terminal.wait_for(re.compile("▀".encode())), terminal.output[-2000:]
    finally:
        terminal.close()
    assert ASK_ATTRIBUTES not in terminal.output
    assert not SIXEL_DATA.search(terminal.output)


@pytest.mark.parametrize(
    ("environment", "asks"),
    [
        ({"TERM": "xterm-256color"}, False),
        ({"TERM": "xterm-kitty"}, True),  # what survives ssh
        ({"TERM": "xterm-256color", "TERM_PROGRAM": "WezTerm"}, True),
        ({"TERM": "xterm-256color", "WT_SESSION": "x"}, True),
        ({"TERM": "xterm-kitty", "NEMO_GRAPHICS": "off"}, False),
        ({"TERM": "linux", "NEMO_GRAPHICS": "on"}, True),
    ],
)
def test_only_terminals_that_may_have_graphics_are_asked(
    environment: dict[str, str], asks: bool
) -> None:
    assert may_have_graphics(environment) is asks


async def test_the_picture_widget_shows_stills_and_hides_for_audio(
    make_app: AppMaker,
) -> None:
    app = make_app(picture=HalfcellImage)
    async with app.run_test(size=(200, 60)) as pilot:
        await pilot.press("f2")
        picture = app.query_one("#picture", HalfcellImage)
        for _ in range(6):  # down the list until the photo, then the voice track
            await pilot.press("down")
            text = await shown(pilot)
            if "photo1.jpg (image)" in text:
                break
        await wait_for_text(pilot, lambda text: picture.display and picture.image is not None)
        assert picture.image.size[0] > 0
        while "voice.m4a (audio)" not in await shown(pilot):
            await pilot.press("down")
        text = await wait_for_text(pilot, lambda text: not picture.display)
        assert "▀" not in text  # the caption alone: no half blocks beside the picture widget
