"""A render cut short by an engine stop runs again at the next start (closing the app mid-render
loses nothing), and is failed only once stops have cut it short three times."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nemo_tui.api.draft import Draft
from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.engine.store import interrupted_message
from tests.support import engine_store, mp4_facts

from .helpers import EngineUser, files_under
from .test_renders import slideshow


def wait_until(condition: Callable[[], bool], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


@pytest.mark.slow
def test_a_render_stopped_with_the_engine_finishes_after_the_next_start(
    start_engine: Callable[..., RunningEngine], data_dir: Path, media_dir: Path, tmp_path: Path
) -> None:
    # The default preset and 360p with motion: long enough (a few seconds) to stop it midway.
    engine = start_engine(render_preset="veryfast")
    with httpx.Client(base_url=engine.base_url, timeout=30, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = user.new_session()
        photos = [media_dir / f"photo{index}.jpg" for index in range(1, 4)]
        ids = [file["id"] for file in user.upload(session_id, photos)]
        render_id = user.export(session_id, slideshow(ids, 4.0, motion="zoom_in"), height=360)
        wait_until(
            lambda: any(".tmp." in p.name for p in (data_dir / "renders").iterdir()),
            "the render to start writing",
        )
    engine.stop()  # as quitting the app stops its in-process engine
    with engine_store(data_dir) as store:
        job = store.render(render_id)
        assert job is not None and job.status == "pending"
    assert files_under(data_dir / "renders") == []  # the partial file is gone

    engine = start_engine(render_preset="veryfast")
    with httpx.Client(base_url=engine.base_url, timeout=30, trust_env=False) as http:
        user.http = http
        status = user.wait_render(render_id)
        assert status["status"] == "completed", status
        video = user.download(status["output"]["url"], tmp_path / "resumed.mp4")
    facts = mp4_facts(video)
    assert facts.video_codec == "h264" and abs(facts.duration - 12.0) < 0.3


def test_a_render_cut_short_three_times_is_failed(data_dir: Path) -> None:
    with engine_store(data_dir) as store:
        _, user_id, _ = store.create_anonymous_user("client", 100, 3600)
        session = store.create_session(user_id, "task", "en", Draft.blank())
        store.create_render("r1", session.session_id, user_id, Draft.blank(), {})
        store.create_render("r2", session.session_id, user_id, Draft.blank(), {})
        outcomes = []
        for _ in range(3):
            store.start_render("r1", data_dir / "r1.mp4")
            outcomes.append(store.requeue_unfinished_renders(max_interruptions=3))
        # r1 ran and was cut short three times; r2 waited in line and was never cut short.
        assert outcomes == [(["r1", "r2"], []), (["r1", "r2"], []), (["r2"], ["r1"])]
        failed = store.render("r1")
        assert failed is not None and failed.status == "failed"
        assert (
            failed.error
            == interrupted_message(3)
            == ("interrupted by an engine restart 3 times; export again")
        )
        waiting = store.render("r2")
        assert waiting is not None and waiting.status == "pending"
