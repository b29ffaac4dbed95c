""" "Open project…" (SPEC 11): the list as a person sees it (snapshots at 80x24 and 120x40), and
on the real engine's gateway: chosen with the keys, the project opens with its timeline."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import Update
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui import chat
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.projects import ProjectList

from .engine_app import busy, send, wait_ready, wait_turn, wait_until
from .helpers import screen_text
from .states import FrozenClock, arrange_project_list, make_folder, state_app

SIZES = ((80, 24), (120, 40))


@pytest.mark.parametrize("size", SIZES, ids=lambda size: f"{size[0]}x{size[1]}")
def test_project_list_snapshot(
    snap_compare: Callable[..., bool],
    size: tuple[int, int],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(chat, "time", FrozenClock)
    app = state_app(make_folder(tmp_path))
    assert snap_compare(app, terminal_size=size, run_before=arrange_project_list(size[0]))


def gateway_app(base_url: str, key: str, folder: Path, app_dirs: Path) -> NemoApp:
    settings = Settings(
        api_base=base_url,
        api_key=key,
        download_dir=app_dirs / "exports",
        state_dir=app_dirs / "state",
        state_poll_interval=0.05,
    )

    def controller(emit: Callable[[Update], None]) -> SessionController:
        return SessionController(settings, emit, backend_label="local gateway")

    return NemoApp(
        folder,
        skill=SKILLS_BY_ID["nemo-video"],
        backend="local gateway",
        core_factory=controller,
    )


async def test_open_an_earlier_project_from_the_palette(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    key = f"nmv_usr_tui_{uuid.uuid4().hex}"
    app = gateway_app(engine.base_url, key, make_folder(tmp_path), app_dirs)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        await send(pilot, app, "generate a 3-second video of a harbour at dawn")
        await wait_turn(pilot, app, "harbour at dawn")
        first = app.core.session_id if app.core else None
        await pilot.press("ctrl+n")
        await wait_until(
            pilot, lambda: app.core is not None and app.core.session_id != first, "a new session"
        )

        app.action_open_project()
        await wait_until(pilot, lambda: isinstance(app.screen, ProjectList), "the project list")
        await pilot.pause(0.1)
        shown = screen_text(app)
        assert "Projects on the gateway" in shown
        assert key not in shown
        # The new (current) project is first and highlighted; the earlier one is below it.
        await pilot.press("down", "enter")
        await wait_until(
            pilot, lambda: not isinstance(app.screen, ProjectList), "the list to close"
        )
        await wait_until(
            pilot,
            lambda: (
                not busy(app, "session") and app.core is not None and app.core.session_id == first
            ),
            "the earlier project to open",
        )
        await wait_until(pilot, lambda: "Opened " in screen_text(app), "the opened notice")
        assert app.core is not None and app.core.web_link() is not None
        assert key not in screen_text(app)
