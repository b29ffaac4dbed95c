"""What a person sees in the chat for the commands they type or press: `/credits` and `/status`
answered there, "Show config" read at the moment it is asked, the log back at the bottom when they
send, panes framed in a grey that reads on dark and light terminals, and NO_COLOR honoured."""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.color import Color

from nemo_tui.core.updates import Notice
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.tui.answer import AgentMarkdown
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import ChatLog
from tests.terminal import Terminal

from .engine_app import engine_app, send, wait_ready, wait_until
from .helpers import paste

# An SGR parameter naming one of the six ANSI hues (red .. cyan), foreground or background.
ANSI_HUE = re.compile(rb"\x1b\[(?:\d+;)*(?:3[1-6]|4[1-6]|9[1-6]|10[1-6])(?:;\d+)*m")


def chat_notices(app: NemoApp) -> str:
    return " ".join(str(notice.content) for notice in app.query(".notice"))


async def test_slash_credits_and_status_are_answered_in_the_chat(
    start_engine: Callable[..., RunningEngine], media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, "create-a-video-using-ai", media_dir, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        await send(pilot, app, "/credits")
        await wait_until(pilot, lambda: "Credits: 100 available" in chat_notices(app), "credits")
        await send(pilot, app, "/status")
        await wait_until(pilot, lambda: "Timeline is empty" in chat_notices(app), "the status")


async def test_show_config_says_what_is_true_now(make_app: Callable[..., NemoApp]) -> None:
    app = make_app(config_lines=["api_base: http://127.0.0.1:9"])
    async with app.run_test(size=(120, 40)) as pilot:
        await paste(pilot, "/skill image-no-generator")
        await pilot.press("enter")
        await app.run_action("config")
        await pilot.pause()
        said = " ".join(markdown.source for markdown in app.query(AgentMarkdown))
        assert "api_base: http://127.0.0.1:9" in said
        assert "skill now: image-no-generator" in said, said


async def test_sending_brings_the_chat_back_to_the_bottom(make_app: Callable[..., NemoApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        for index in range(60):
            app.emit(Notice(f"line {index}"))
        await pilot.pause()
        log = app.query_one(ChatLog)
        log.scroll_home(animate=False)
        await pilot.pause()
        assert log.scroll_y < log.max_scroll_y
        await paste(pilot, "/help")
        await pilot.press("enter")
        await wait_until(pilot, lambda: log.scroll_y >= log.max_scroll_y > 0, "the bottom")


async def test_unfocused_pane_borders_are_grey_not_black(make_app: Callable[..., NemoApp]) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        _, colour = app.query_one("#timeline").styles.border_top
        assert colour == Color.parse("ansi_bright_black")


@pytest.mark.timeout(90)
@pytest.mark.usefixtures("app_dirs")
def test_no_color_draws_without_hues(shoot: Path) -> None:
    nemo_tui = str(Path(sys.executable).parent / "nemo-tui")
    argv = [nemo_tui, str(shoot), "--api", "http://127.0.0.1:9"]
    coloured = Terminal(argv, dict(os.environ))
    plain = Terminal(argv, {**os.environ, "NO_COLOR": "1"})
    try:
        for terminal in (coloured, plain):
            terminal.wait(re.compile(rb"Describe the video"), timeout=60)
    finally:
        coloured.close()
        plain.close()
    assert ANSI_HUE.search(coloured.output)  # the check can see colour when there is some
    assert not ANSI_HUE.search(plain.output)
