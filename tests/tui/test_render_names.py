"""A render in the status pane is named as a person knows it: the video's title and the time it
was asked for, with the backend's id beside it, dim."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.status import RenderRow

from .engine_app import busy, engine_app, select_files, send, wait_ready, wait_turn, wait_until


async def export_a_titled_slideshow(pilot: Pilot[object], app: NemoApp) -> None:
    """Upload two photos, ask for a slideshow titled 'Summer Sale', and export it."""
    await wait_ready(pilot, app)
    await select_files(pilot, app, ["photo1.jpg", "photo2.jpg"])
    await pilot.press("u")
    await wait_until(pilot, lambda: not busy(app, "upload"), "the upload")
    message = "create a slideshow video from these images, add a title 'Summer Sale'"
    await send(pilot, app, message)
    await wait_turn(pilot, app, message)
    await pilot.press("ctrl+e")


@pytest.mark.slow
async def test_the_render_row_is_named_by_title_and_time(
    start_engine: Callable[..., RunningEngine], media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, "image-no-generator", media_dir, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await export_a_titled_slideshow(pilot, app)
        await wait_until(pilot, lambda: bool(app.query(RenderRow)), "the render row")
        title = str(app.query_one(RenderRow).query_one(".render-title").render())
        assert re.fullmatch(r"Summer Sale · \d\d:\d\d  render_\d+", title), title


@pytest.mark.slow
async def test_the_render_history_comes_back_with_its_file_after_a_restart(
    start_engine: Callable[..., RunningEngine], media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    exports = tmp_path / "exports"
    app = engine_app(engine.base_url, "image-no-generator", media_dir, exports)
    async with app.run_test(size=(120, 40)) as pilot:
        await export_a_titled_slideshow(pilot, app)
        await wait_until(
            pilot,
            lambda: any(row.has_class("-done") for row in app.query(RenderRow)),
            "the render to be saved",
            timeout=120,
        )
        saved = app.query_one(RenderRow).path
    assert saved is not None and saved.is_file()

    again = engine_app(engine.base_url, "image-no-generator", media_dir, exports)
    async with again.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, again)
        await wait_until(
            pilot,
            lambda: bool(again.query(RenderRow)) and bool(again.query(".render-title")),
            "the past render, drawn",
        )
        row = again.query_one(RenderRow)
        assert row.path == saved and row.has_class("-done")
        title = str(row.query_one(".render-title").render())
        assert title.startswith(f"{saved.name} · "), title
