"""Cancelling an export from the status pane, through the keys, against the real engine: the
render row's `x` asks the backend to stop, the row says `cancelled`, ffmpeg is gone and no partial
file is left; the palette's "Cancel export" is the same action."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.api.intents import GuiHints
from nemo_tui.config import Settings
from nemo_tui.core.controller import SessionController
from nemo_tui.core.updates import Update
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui.actions import ACTIONS_BY_ID
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.status import RenderRow
from tests.engine.test_cancel import ffmpeg_children

from .engine_app import send, wait_ready, wait_turn, wait_until
from .helpers import shown

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("app_dirs")]

SKILL = "create-a-video-using-ai"
REQUEST = "turn these photos into a 60-second promotional video"


def long_render_app(base_url: str, folder: Path, downloads: Path) -> NemoApp:
    """The app on an engine, rendering 720-pixel files: long enough to cancel mid-way."""
    settings = Settings(api_base=base_url, skill=SKILL, download_dir=downloads)

    def controller(emit: Callable[[Update], None]) -> SessionController:
        return SessionController(
            settings, emit, backend_label="local", hints=GuiHints.for_tui(), output_height=720
        )

    return NemoApp(folder, skill=SKILLS_BY_ID[SKILL], backend="local", core_factory=controller)


async def test_cancelling_from_the_status_pane_stops_the_render(
    start_engine: Callable[..., RunningEngine], data_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine(render_preset="veryslow")
    app = long_render_app(engine.base_url, media_dir, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        assert app.core is not None
        await app.core.upload([media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
        await send(pilot, app, REQUEST)
        await wait_turn(pilot, app, REQUEST)
        await pilot.press("f4", "e")
        await wait_until(pilot, lambda: bool(app.query(RenderRow)), "the render row")
        row = app.query_one(RenderRow)
        await wait_until(pilot, lambda: row.status == "processing", "the render to start")
        await wait_until(pilot, lambda: bool(ffmpeg_children()), "ffmpeg to run")

        await pilot.press("f5")  # the status pane, its newest render row focused
        assert app.focused is row, app.focused
        await pilot.press(ACTIONS_BY_ID["cancel_render"].keys)

        await wait_until(pilot, lambda: row.status == "cancelled", "the row to say cancelled")
        text = await shown(pilot)
        assert "cancelled" in text, text
        await wait_until(pilot, lambda: not ffmpeg_children(), "ffmpeg to stop")
        assert not [p for p in (data_dir / "renders").rglob("*") if p.is_file()]
        assert not app.downloads
        record = app.core.find_render(row.render_id)  # type: ignore[attr-defined]
        assert record is not None and record.status == "cancelled"
