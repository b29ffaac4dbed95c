"""Cancel (SPEC 7): `POST /api/render/proxy/lambda/<id>/cancel` stops a long render's ffmpeg run,
leaves no partial file, reports `cancelled`, and the queue moves on to the next job. And `/health`
says who the engine is: one instance id per data folder, whatever its port."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psutil

from nemo_tui.engine.http.server import RunningEngine
from tests.support import mp4_facts

from .helpers import EngineUser, data_of, files_under
from .test_renders import slideshow

# Long enough that the render cannot finish before it is cancelled: a minute of slow zooms.
LONG_SECONDS_EACH = 60.0


def ffmpeg_children() -> list[psutil.Process]:
    """ffmpeg processes started by this test process (the engine runs in it)."""
    found = []
    for child in psutil.Process().children(recursive=True):
        try:
            if "ffmpeg" in child.name().lower() and child.status() != psutil.STATUS_ZOMBIE:
                found.append(child)
        except psutil.NoSuchProcess:
            continue
    return found


def wait_until(check: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_long_render_cancelled_leaves_no_ffmpeg_no_partial_and_the_queue_moves_on(
    start_engine: Callable[..., RunningEngine],
    data_dir: Path,
    media_dir: Path,
    tmp_path: Path,
) -> None:
    engine = start_engine(render_preset="veryslow")
    with httpx.Client(base_url=engine.base_url, timeout=30.0, trust_env=False) as http:
        user = EngineUser.create(http)
        session_id = user.new_session()
        files = user.upload(session_id, [media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
        ids = [file["id"] for file in files]
        long_id = user.export(session_id, slideshow(ids, LONG_SECONDS_EACH, "zoom_in"), 720)
        next_id = user.export(session_id, slideshow(ids, 0.5))
        wait_until(lambda: user.render_status(long_id)["status"] == "processing", "the start")
        wait_until(lambda: bool(ffmpeg_children()), "ffmpeg to run")
        renders = data_dir / "renders"
        wait_until(lambda: bool(files_under(renders)), "the partial output to appear")

        answer = data_of(user.post(f"/api/render/proxy/lambda/{long_id}/cancel"))

        assert (answer["id"], answer["status"]) == (long_id, "cancelled")
        wait_until(lambda: not ffmpeg_children() or user.render_status(next_id)["status"]
                   != "pending", "ffmpeg to stop")  # fmt: skip
        assert user.render_status(long_id)["status"] == "cancelled"
        finished = user.wait_render(next_id)
        assert finished["status"] == "completed", finished
        assert not ffmpeg_children()
        # Only the next job's finished file is left: nothing of the cancelled one.
        assert [path.stat().st_size for path in files_under(renders)] == [
            finished["output"]["size"]
        ]
        video = user.download(finished["output"]["url"], tmp_path / "next.mp4")
        assert mp4_facts(video).height == 180
        # A finished job cannot be cancelled; it stays completed.
        again = data_of(user.post(f"/api/render/proxy/lambda/{next_id}/cancel"))
        assert again["status"] == "completed"


def test_health_names_one_instance_per_data_folder_whatever_the_port(
    start_engine: Callable[..., RunningEngine], tmp_path: Path
) -> None:
    first = start_engine(data_dir=tmp_path / "a")
    first_id = httpx.get(f"{first.base_url}/health").json()["data"]["instance_id"]
    first.stop()
    again = start_engine(data_dir=tmp_path / "a")
    other = start_engine(data_dir=tmp_path / "b")
    assert httpx.get(f"{again.base_url}/health").json()["data"]["instance_id"] == first_id
    assert httpx.get(f"{other.base_url}/health").json()["data"]["instance_id"] != first_id
