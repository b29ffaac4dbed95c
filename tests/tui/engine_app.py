"""The real app on the real local engine, for Pilot tests: a controller per app over loopback HTTP,
key helpers that drive the panes the way a person does, and a PyAV look at the MP4 that lands."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input

from nemo_tui.api.intents import GuiHints
from nemo_tui.config import Settings, describe
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import Update
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui.actions import first_key
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.chat import ChatLog, UserLine
from nemo_tui.tui.files import MediaTree

from .helpers import screen_text

OUTPUT_HEIGHT = 180


def engine_app(base_url: str, skill_id: str, folder: Path, downloads: Path) -> NemoApp:
    """The app as the CLI builds it, pointed at an engine, rendering 180-pixel-high files."""
    settings = Settings(
        api_base=base_url, skill=skill_id, download_dir=downloads, state_poll_interval=0.05
    )

    def controller(emit: Callable[[Update], None]) -> SessionController:
        return SessionController(
            settings,
            emit,
            backend_label="local",
            hints=GuiHints.for_tui(first_key("export", {})),
            upload_hint="select files in the file pane (space) and press u",
            output_height=OUTPUT_HEIGHT,
        )

    return NemoApp(
        folder,
        skill=SKILLS_BY_ID[skill_id],
        backend="local",
        core_factory=controller,
        config_lines=describe(settings).splitlines(),
    )


async def wait_until(
    pilot: Pilot[object], condition: Callable[[], bool], what: str, timeout: float = 60
) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(
                f"timed out waiting for {what}; the screen:\n{screen_text(pilot.app)}"
            )
        await pilot.pause(0.05)


def busy(app: NemoApp, group: str) -> bool:
    """Whether a worker of `group` is still pending or running."""
    return any(worker.group == group and not worker.is_finished for worker in app.workers)


async def wait_ready(pilot: Pilot[object], app: NemoApp) -> None:
    await wait_until(pilot, lambda: app.core is not None and not busy(app, "session"), "start-up")
    assert app.core is not None and app.core.session_id is not None


async def select_files(pilot: Pilot[object], app: NemoApp, names: list[str]) -> None:
    """Go to the file pane (F2), walk the tree with the arrow keys and press space on each file."""
    await pilot.press("f2")
    tree = app.query_one(MediaTree)
    await wait_until(pilot, lambda: len(tree.root.children) > 0, "the folder listing")
    for name in names:
        for _ in range(len(tree.root.children) + 2):
            node = tree.cursor_node
            if node is not None and node.data is not None and node.data.path.name == name:
                break
            await pilot.press("down" if _position(tree, name) > tree.cursor_line else "up")
        await pilot.press("space")
    assert [path.name for path in tree.selected] == names


def _position(tree: MediaTree, name: str) -> int:
    for node in tree.root.children:
        if node.data is not None and node.data.path.name == name:
            return node.line
    raise AssertionError(f"{name} is not in the file pane")


async def send(pilot: Pilot[object], app: NemoApp, text: str) -> None:
    """Put a message in the chat input (F3) the way a terminal delivers a paste, and press enter.

    Pasted rather than typed: Pilot waits for the app to go idle after every key (about 70 ms),
    so typing a 79-character request cost 5 s a test. Tests of typing itself press keys."""
    await pilot.press("f3")
    chat_input = app.query_one("#chat-input", Input)
    before = chat_input.value
    app.post_message(events.Paste(text))
    await wait_until(pilot, lambda: chat_input.value == before + text, "the pasted message")
    await pilot.press("enter")


async def wait_turn(pilot: Pilot[object], app: NemoApp, text: str, timeout: float = 60) -> None:
    """Wait for the turn that `text` started to be over (it may be over before a poll sees it)."""
    log = app.query_one(ChatLog)
    await wait_until(
        pilot,
        lambda: any(text in str(line.content) for line in log.query(UserLine)),
        "the message in the chat",
        timeout,
    )
    await wait_until(
        pilot,
        lambda: not log.turn_running() and not busy(app, "sse"),
        "the turn to finish",
        timeout,
    )
