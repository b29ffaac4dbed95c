"""Closing the app mid-render loses nothing: the in-process engine stops with the app, runs the
render again at its next start, and the reopened app follows it to an MP4 on disk."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.cli.app import resume_notice
from nemo_tui.core.updates import Update
from nemo_tui.engine.http.server import RunningEngine
from tests.support import controller_for, mp4_facts

pytestmark = pytest.mark.slow


async def wait_until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


async def test_an_export_cut_short_by_quitting_is_saved_after_reopening(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, data_dir: Path, media_dir: Path
) -> None:
    engine = start_engine(render_preset="veryfast")
    updates: list[Update] = []
    first = controller_for(engine.base_url, app_dirs, updates, output_height=360)
    await first.start()
    await first.upload([media_dir / f"photo{index}.jpg" for index in range(1, 4)])
    await first.say("turn these photos into a 12-second promo video, slow zoom in")
    render_id = await first.submit_export()
    assert render_id is not None
    await wait_until(
        lambda: any(".tmp." in p.name for p in (data_dir / "renders").iterdir()),
        "the render to start writing",
    )
    # Quitting: the app closes its controller, then its in-process engine stops.
    await first.aclose()
    engine.stop()
    assert first.pending_renders == [render_id]

    engine = start_engine(render_preset="veryfast")
    again = controller_for(engine.base_url, app_dirs, [], output_height=360)
    assert await again.start() == [render_id]
    saved = await again.follow_render(render_id)
    await again.aclose()
    assert saved is not None and saved.parent == app_dirs / "exports"
    facts = mp4_facts(saved)
    assert facts.video_codec == "h264" and min(facts.width, facts.height) == 360
    assert again.pending_renders == []


def test_the_notice_on_quitting_says_when_the_render_resumes() -> None:
    assert resume_notice(1, "--demo") == (
        "nemo-tui: An export is still rendering in the background; it will be saved the next "
        "time you run `nemo-tui --demo`."
    )
    assert "2 exports are still rendering in the background; they will" in resume_notice(
        2, "--local"
    )
