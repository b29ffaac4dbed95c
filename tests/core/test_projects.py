"""The project list on the skills' API (SPEC 11): this app's remembered sessions, newest first,
named by their first message, and any of them opened again with its timeline."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from nemo_tui.cli import main
from nemo_tui.core.updates import Notice, Update
from nemo_tui.engine.http.server import RunningEngine
from tests.support import controller_for, of_type


async def test_remembered_sessions_list_and_open_again(
    start_engine: Callable[..., RunningEngine], app_dirs: Path
) -> None:
    engine = start_engine()
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    try:
        await controller.start(fresh_session=True)
        first = controller.session_id
        await controller.say("generate a 4-second video of a sunset over a city skyline")
        assert controller.draft.is_exportable()
        await controller.new_session()
        second = controller.session_id
        assert controller.draft.is_exportable() is False

        entries = await controller.projects()
        assert [entry.session_id for entry in entries] == [second, first]
        assert entries[0].current and not entries[1].current
        assert entries[1].name == "generate a 4-second video of a sunset over a city skyline"

        await controller.open_project(entries[1])
        assert controller.session_id == first
        assert controller.draft.is_exportable()
        notices = [notice.text for notice in of_type(updates, Notice)]
        assert any(text.startswith("Opened generate a 4-second video") for text in notices)
        # The next message goes to the opened session.
        await controller.say("make it vertical 9:16")
        assert controller.draft.m.height > controller.draft.m.width
    finally:
        await controller.aclose()


def test_projects_json_lists_the_remembered_sessions(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = start_engine()
    title = "add a title 'Hello' for 3 seconds"
    assert main(["run", "--api", engine.base_url, "--say", title]) == 0
    capsys.readouterr()
    assert main(["projects", "--api", engine.base_url, "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)["projects"]
    assert len(listed) == 1
    assert listed[0]["name"] == "add a title 'Hello' for 3 seconds"
    assert listed[0]["session_id"] and listed[0]["project_id"]
    assert main(["projects", "--api", engine.base_url]) == 0
    assert "add a title 'Hello' for 3 seconds" in capsys.readouterr().out


async def test_state_credits_and_renders_speak_json(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    engine = start_engine()
    # The session the TUI would have open (a headless run never moves that pointer).
    controller = controller_for(engine.base_url, app_dirs, [])
    try:
        await controller.start()
        await controller.say("add a title 'Hi' for 2 seconds")
    finally:
        await controller.aclose()

    def nemo(args: list[str]) -> Awaitable[int]:
        # `main` runs its own event loop: in a thread, beside this test's.
        return asyncio.to_thread(main, args)

    capsys.readouterr()
    assert await nemo(["state", "--api", engine.base_url, "--json"]) == 0
    state = json.loads(capsys.readouterr().out)
    assert state["api"] == "skills"
    assert state["exportable"] is True
    assert state["draft"]["t"][0]["sg"][0]["m"]["text"] == "Hi"
    assert await nemo(["credits", "--api", engine.base_url, "--json"]) == 0
    credits = json.loads(capsys.readouterr().out)
    assert credits["available"] + credits["frozen"] == credits["total"]
    assert await nemo(["renders", "--api", engine.base_url, "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"renders": []}
    # The history is the gateway's: one clear line, exit 1.
    assert await nemo(["credits", "--history", "--api", engine.base_url]) == 1
    assert "kept by the gateway only" in capsys.readouterr().err
