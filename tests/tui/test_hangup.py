"""A terminal that goes away without a hang-up signal (its window killed; the program in a
session of its own) ends the app: before, Textual's input thread read the end of file in a tight
loop and the app ran on, unseen, at a full core (two such copies were found holding 1.2 cores)."""

from __future__ import annotations

import os
import re
import sys
import time
from pathlib import Path

import pytest

from nemo_tui.engine.media import samples
from nemo_tui.tui.hangup import HANGUP_EXIT_CODE, hung_up
from tests.terminal import Terminal

NEMO_TUI = str(Path(sys.executable).parent / "nemo-tui")


def test_hung_up_tells_a_live_terminal_from_one_whose_other_end_closed() -> None:
    master, slave = os.openpty()
    try:
        assert not hung_up(slave)
        os.write(master, b"typed\n")  # waiting input is not a hang-up, and is not read
        assert not hung_up(slave)
        assert os.read(slave, 16) == b"typed\n"
        os.close(master)
        assert hung_up(slave)
    finally:
        os.close(slave)


def assert_ends_on_hang_up(terminal: Terminal, drawn: re.Pattern[bytes]) -> None:
    """Hang the terminal up once `drawn` is on it: the process must be gone within 3 s (it never
    was before)."""
    try:
        terminal.wait(drawn, timeout=30)
        hung = time.monotonic()
        terminal.hang_up()
        code = terminal.process.wait(timeout=10)
        after = time.monotonic() - hung
    finally:
        terminal.process.kill()
    # Textual's input thread may read the hang-up first as an error (EIO rather than end of
    # file), and the app then ends through its panic path with 1: gone either way.
    assert code in (HANGUP_EXIT_CODE, 1)
    assert after < 3.0


@pytest.mark.timeout(90)
@pytest.mark.usefixtures("app_dirs")
def test_the_app_ends_when_its_terminal_goes_away(tmp_path: Path) -> None:
    samples.make_photo(tmp_path / "photo1.jpg", 160, 90)
    terminal = Terminal([NEMO_TUI, str(tmp_path), "--api", "http://127.0.0.1:9"], os.environ)
    assert_ends_on_hang_up(terminal, re.compile(rb"photo1\.jpg"))


@pytest.mark.timeout(90)
def test_the_player_ends_when_its_terminal_goes_away(tmp_path: Path) -> None:
    clip = samples.make_clip(tmp_path / "clip.mp4", seconds=3.0)
    terminal = Terminal([NEMO_TUI, "play", str(clip)], os.environ, size=(80, 24))
    assert_ends_on_hang_up(terminal, re.compile(rb"00:00 / 00:03"))
