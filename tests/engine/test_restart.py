"""`nemo-tui serve` as a separate process: what it committed survives a restart, and a render cut
short by a killed engine once too often comes back failed (never stuck 'processing') with no temp
file left."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx
import pytest

from nemo_tui.engine.store import interrupted_message
from tests.support import free_port, serve

from .helpers import EngineUser, envelope_error, files_under
from .test_renders import slideshow

pytestmark = pytest.mark.slow


def without_urls(state: dict[str, Any]) -> dict[str, Any]:
    """The state minus media URLs, which are absolute and so name the engine's current port."""
    body = state["state"]
    infos = [{k: v for k, v in info.items() if k != "cdn_url"} for info in body["video_infos"]]
    return {**state, "state": {**body, "video_infos": infos}}


def test_state_survives_a_restart_and_a_killed_render_is_failed(
    data_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    photos = [media_dir / f"photo{index}.jpg" for index in range(1, 6)]
    port = free_port()
    # The default x264 preset, so the long render below is still running when it is killed; and
    # one interruption fails a render (it is run again by default: see test_render_requeue.py).
    engine_env = {
        "NEMO_ENGINE_RENDER_PRESET": "veryfast",
        "NEMO_ENGINE_MAX_RENDER_INTERRUPTIONS": "1",
    }
    with (
        serve(data_dir, port, **engine_env) as engine,
        httpx.Client(base_url=engine.url, trust_env=False) as http,
    ):
        user = EngineUser.create(http, skill="image-no-generator")
        session_id = user.new_session()
        uploaded = user.upload(session_id, photos)
        turn = user.chat(
            session_id, "create a slideshow video from these images without any AI effects"
        )
        assert turn.final_texts
        before = user.state(session_id)
        assert before["state"]["draft"]["t"], "the edit changed nothing"
        finished = user.wait_render(user.export(session_id, before["state"]["draft"]))
        assert finished["status"] == "completed"
        first_video = user.download(finished["output"]["url"], tmp_path / "first.mp4")
        credits = user.credits()

    with (
        serve(data_dir, port, **engine_env) as engine,
        httpx.Client(base_url=engine.url, trust_env=False) as http,
    ):
        user.http = http
        after = user.state(session_id)
        assert without_urls(after) == without_urls(before)
        assert after["state"]["draft"] == before["state"]["draft"]
        assert user.credits() == credits
        status = user.render_status(finished["id"])
        assert status["status"] == "completed"
        again = user.download(status["output"]["url"], tmp_path / "again.mp4")
        assert again.read_bytes() == first_video.read_bytes()

        # A long render (30 s of 1080p with motion), killed with the engine while it runs.
        ids = [file["id"] for file in uploaded]
        long_id = user.export(session_id, slideshow(ids, 6.0, motion="zoom_in"), height=None)
        deadline = time.monotonic() + 60
        while user.render_status(long_id)["status"] != "processing":
            assert time.monotonic() < deadline
            time.sleep(0.05)
        temp_files: list[Path] = []
        while not temp_files and time.monotonic() < deadline:
            temp_files = [p for p in (data_dir / "renders").iterdir() if ".tmp." in p.name]
            time.sleep(0.05)
        assert temp_files, "the render never started writing"
        assert user.render_status(long_id)["status"] == "processing"
        engine.kill()

    with (
        serve(data_dir, port, **engine_env) as engine,
        httpx.Client(base_url=engine.url, trust_env=False) as http,
    ):
        user.http = http
        status = user.render_status(long_id)
        assert status["status"] == "failed"
        assert status["error"] == interrupted_message(1)
        download = user.get(f"/api/render/proxy/{long_id}/download")
        assert download.status_code == 409
        assert "failed" in envelope_error(download)[1]
        renders = files_under(data_dir / "renders")
        assert len(renders) == 1
        assert renders[0].read_bytes() == first_video.read_bytes()
