"""The app in company: a second keypress, a script exporting beside it, a key pressed while it
connects. Whatever reached the server is recorded and followed; nothing the app keeps is lost."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.core.persistence import MemoryFile
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.skills import SKILLS_BY_ID
from tests.support import engine_env, engine_store, mp4_facts

from .engine_app import engine_app, wait_ready, wait_until
from .helpers import screen_text

SKILL = "image-no-generator"


def engine_render_ids(data_dir: Path) -> set[str]:
    with engine_store(data_dir) as store:
        rows = store._db.execute("SELECT id FROM renders").fetchall()
    return {row[0] for row in rows}


@pytest.mark.usefixtures("app_dirs")
async def test_export_pressed_twice_fast_loses_no_render(
    start_engine: Callable[..., RunningEngine], data_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, SKILL, media_dir, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        core = app.core
        assert core is not None
        await core.upload([media_dir / "photo1.jpg"])
        await core.say("animate this image into a 1-second video")
        await pilot.press("f4", "e", "e")
        await wait_until(pilot, lambda: bool(core.renders), "a render recorded")
        await wait_until(
            pilot,
            lambda: (
                all(not render.in_flight for render in core.renders)
                and len(app.downloads) == len(core.renders)
            ),
            "every export saved",
            timeout=120,
        )
        # Every render the engine accepted is one the app recorded and saved.
        assert engine_render_ids(data_dir) == {render.render_id for render in core.renders}
        assert all(render.status == "completed" for render in core.renders)
        assert all(path.is_file() for path in app.downloads)


@pytest.mark.usefixtures("app_dirs")
async def test_new_session_pressed_while_connecting_keeps_the_start_up(
    start_engine: Callable[..., RunningEngine], media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    first = engine_app(engine.base_url, SKILL, media_dir, tmp_path / "exports")
    async with first.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, first)
        assert first.core is not None
        await first.core.say("hello there")
        session = first.core.session_id
    engine.stop()

    # The same engine again, its state route answering late: the start-up is still connecting
    # when `n` comes.
    faults = json.dumps([{"path": "/api/state/*", "delay": 4.0, "times": 1}])
    engine = start_engine(faults=faults)
    second = engine_app(engine.base_url, SKILL, media_dir, tmp_path / "exports")
    async with second.run_test(size=(120, 40)) as pilot:
        await pilot.press("f3", "escape", "n")
        await wait_ready(pilot, second)
        assert second.core is not None
        # The start-up ran to its end: the same session, with its chat shown again.
        assert second.core.session_id == session
        await wait_until(pilot, lambda: "hello there" in screen_text(second), "the old chat")
        assert "Still connecting" in screen_text(second)


@pytest.mark.slow
@pytest.mark.usefixtures("app_dirs")
async def test_the_tui_and_a_script_export_at_once_and_both_keep_their_records(
    start_engine: Callable[..., RunningEngine],
    data_dir: Path,
    app_dirs: Path,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, SKILL, media_dir, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        core = app.core
        assert core is not None
        await core.upload([media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
        await core.say(SKILLS_BY_ID[SKILL].typical_request)
        # The script attaches to this engine (the folder's lock names it) and shares the state.
        script_out = tmp_path / "script.mp4"
        env = engine_env(
            NEMO_CONFIG_DIR=str(app_dirs / "config"),
            NEMO_STATE_DIR=str(app_dirs / "state"),
            NEMO_ENGINE_DATA_DIR=str(data_dir),
        )
        script = subprocess.Popen(
            [
                sys.executable, "-m", "nemo_tui", "run", "--local", "--height", "180",
                "--files", str(media_dir / "photo3.jpg"),
                "--say", "animate this image into a 2-second video",
                "--export", str(script_out),
            ],
            env=env, cwd=tmp_path, stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        await pilot.press("f4", "e")
        await wait_until(pilot, lambda: bool(app.downloads), "the TUI's MP4", timeout=180)
        _, script_err = script.communicate(timeout=180)
        assert script.returncode == 0, script_err
        assert mp4_facts(app.downloads[0]).height == 180 and mp4_facts(script_out).height == 180
        tui_session = core.session_id

    memory = MemoryFile(app_dirs / "state", core.memory.key).load()
    # The TUI's session is still the one a next start resumes, with its chat.
    assert memory.session_id == tui_session
    said = [entry.text for entry in memory.history(tui_session) if entry.role == "user"]
    assert said == [SKILLS_BY_ID[SKILL].typical_request]
    # Both exports are recorded, each as completed, each with its own file.
    finished = {render.dest: render.status for render in memory.renders}
    assert finished == {
        str(app.downloads[0].absolute()): "completed",
        str(script_out.absolute()): "completed",
    }
