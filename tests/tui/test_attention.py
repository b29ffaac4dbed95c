"""Calling the person back: the bell and a desktop notification (OSC 9 and OSC 777) when an export
finishes or the agent asks a question, only while the terminal says it is not focused."""

from __future__ import annotations

import os
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.core.updates import DownloadProgress, TurnFinished, TurnStarted
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.attention import desktop_notification, question_in
from tests.terminal import Terminal

FOCUS_OUT, FOCUS_IN = b"\x1b[O", b"\x1b[I"
ASKED = re.compile(rb"\x1b\]9;The agent asks: What should the title say\?\x07")


async def test_bell_only_while_the_terminal_is_not_focused(
    make_app: Callable[..., NemoApp], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = make_app()
    rings: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        monkeypatch.setattr(app, "bell", lambda: rings.append("bell"))
        app.app_focus = True  # as a terminal that reported focus (Pilot's has none to report)
        video = tmp_path / "promo.mp4"
        video.write_bytes(b"")
        app.emit(DownloadProgress("r1", 10, 10, video, done=True))
        while not app.downloads:  # the app has taken the finished download in
            await pilot.pause(0.05)
        assert rings == []  # focused: the toast is enough
        app.app_focus = False
        app.emit(TurnStarted("t1", "add a title"))
        app.emit(TurnFinished("t1", "What should the title say? Try: add a title 'Sale'."))
        app.emit(DownloadProgress("r2", 10, 10, video, done=True))
        deadline = time.monotonic() + 10
        while len(rings) < 2 and time.monotonic() < deadline:
            await pilot.pause(0.05)
        assert rings == ["bell", "bell"]


def test_the_notification_text_cannot_break_out_of_its_sequence() -> None:
    sequence = desktop_notification("Export finished", "Saved a\x1b]0;pwned\x07;b.mp4" + "x" * 500)
    assert sequence.count("\x1b") == 2 and sequence.count("\x07") == 2
    assert sequence.startswith("\x1b]9;Export finished: Saved a ]0,pwned ,b.mp4")
    assert sequence.split("\x1b]777;notify;")[1].count(";") == 1
    assert len(sequence) < 600


def test_a_question_is_found_in_either_script() -> None:
    assert question_in("Done. What should the title say? Try: x.") == "What should the title say?"
    assert question_in("完成。标题要写什么？试试：添加标题。") == "标题要写什么？"
    assert question_in("Done: 4 photos over 30 s.") is None


@pytest.mark.timeout(120)
@pytest.mark.usefixtures("app_dirs")
def test_a_terminal_that_lost_focus_gets_the_question_as_a_desktop_notification(
    shoot: Path,
) -> None:
    nemo_tui = str(Path(sys.executable).parent / "nemo-tui")
    # Slow chunks: the answer is still coming when the terminal reports the focus went away.
    env = {**os.environ, "NEMO_ENGINE_SILENT_SHARE": "0", "NEMO_ENGINE_CHUNK_DELAY": "0.5"}
    terminal = Terminal([nemo_tui, str(shoot), "--local"], env)
    try:
        terminal.wait(re.compile(rb"ready"), timeout=60)
        assert b"\x1b[?1004h" in terminal.output  # the app asked for focus reports
        typed = terminal.send(b"add a title\r")
        terminal.wait(re.compile(rb"What should"), after=typed)  # the answer is streaming
        terminal.send(FOCUS_OUT)  # the person switched windows while the agent answers
        asked = terminal.wait(ASKED)
        assert b"\x1b]777;notify;The agent asks;What should the title say?\x07" in terminal.output
        terminal.send(FOCUS_IN)
        terminal.wait(re.compile(rb"f1"), after=asked)  # redrawn with focus back
        again = terminal.send(b"add a title\r")
        terminal.wait(re.compile(rb"3 seconds\."), after=again)
        time.sleep(1)  # the turn's end, and a notification if one were (wrongly) coming
        assert terminal.seen(ASKED, after=asked + 0.001) is None
    finally:
        terminal.close()


@pytest.mark.timeout(30)
def test_a_long_answer_without_a_question_is_read_in_one_pass() -> None:
    # A 200,000-character flood with no question mark: the old "sentence, then ?" pattern tried
    # from every start took minutes here and froze the app as the answer ended.
    flood = "word " * 40_000
    assert question_in(flood) is None
    assert question_in(flood + "Which one?") == (flood + "Which one?").strip()
