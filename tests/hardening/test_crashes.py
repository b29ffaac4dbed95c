"""Processes killed at the worst moment, with SIGKILL, and started again: the engine in the middle
of a render that may not run again (the person is told it failed and offered to export again,
nothing partial lands in the downloads folder) and `nemo-tui run` in the middle of a download
(the next start resumes it with a Range request and the file is byte for byte the engine's)."""

from __future__ import annotations

import asyncio
import logging
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.core.updates import DownloadProgress, Notice, RenderProgress, Update
from nemo_tui.engine.http.server import RunningEngine
from tests.support import (
    backend_memory,
    controller_for,
    engine_env,
    engine_store,
    faults,
    free_port,
    of_type,
    serve,
)

pytestmark = pytest.mark.slow

DOWNLOAD_ROUTE = "/api/render/proxy/*/download"
SLIDESHOW = "create a slideshow video from these images"


def wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.02)


async def async_wait_for(condition: Callable[[], bool], what: str, seconds: float = 60.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


def pending_in_memory(app_dirs: Path) -> list[str]:
    """The render ids the app has persisted as still in flight."""
    memory = backend_memory(app_dirs / "state")
    renders = memory["renders"]
    return [r["render_id"] for r in renders if r.get("status", "in flight") == "in flight"]


async def test_engine_killed_mid_render_the_job_fails_and_export_is_offered_again(
    app_dirs: Path, data_dir: Path, photos: list[Path]
) -> None:
    port = free_port()
    updates: list[Update] = []
    # One interruption fails the render here (by default it would run again after the restart).
    once = {"NEMO_ENGINE_MAX_RENDER_INTERRUPTIONS": "1"}
    with serve(data_dir, port, **once) as engine:
        # Full-size output (1080p with motion), so the render is still running when it is killed.
        controller = controller_for(engine.url, app_dirs, updates, output_height=None)
        await controller.start()
        await controller.upload(photos)
        await controller.say("turn these photos into a 30-second promotional video, slow zoom in")
        render_id = await controller.submit_export()
        assert render_id is not None
        following = asyncio.create_task(controller.follow_render(render_id))
        await async_wait_for(
            lambda: (
                any(u.status == "processing" for u in of_type(updates, RenderProgress))
                and any(".tmp." in p.name for p in (data_dir / "renders").iterdir())
            ),
            "the render to start writing",
        )
        engine.kill()
        # Polls that cannot reach the engine poll the same id again (SPEC 7); the app still
        # knows the job: nothing is orphaned while the engine is down.
        await asyncio.sleep(1.0)
        assert not following.done()
        assert controller.pending_renders == [render_id] == pending_in_memory(app_dirs)
        updates.clear()

    with serve(data_dir, port, **once):
        assert await following is None

    # One poll after the restart says it failed, and the person is offered to export again.
    progress = of_type(updates, RenderProgress)
    assert (progress[0].status, progress[0].error) == (
        "failed",
        "interrupted by an engine restart; export again",
    )
    assert progress[-1].status == "failed" and progress[-1].retryable  # one retry is offered
    errors = [n.text for n in of_type(updates, Notice) if n.level == "error"]
    assert len(errors) == 1 and render_id in errors[0] and "export again." in errors[0]
    assert controller.pending_renders == [] == pending_in_memory(app_dirs)
    exports = app_dirs / "exports"
    assert not exports.exists() or list(exports.iterdir()) == []
    assert not [p for p in (data_dir / "renders").iterdir() if ".tmp." in p.name]
    await controller.aclose()


def kill_run_mid_download(base_url: str, app_dirs: Path, photos: list[Path], cwd: Path) -> Path:
    """`nemo-tui run` exporting a slideshow, SIGKILLed once part of the file is on disk (the
    engine must trickle its first download). Returns the `.part` it left."""
    exports = app_dirs / "exports"
    app = subprocess.Popen(
        [sys.executable, "-m", "nemo_tui", "run", "--api", base_url, "--height", "180",
         "--files", *map(str, photos), "--say", SLIDESHOW, "--say", "export"],
        env=app_env(app_dirs), cwd=cwd, stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        wait_for(
            lambda: (
                any(p.stat().st_size > 0 for p in exports.glob("*.part")) or app.poll() is not None
            ),
            "part of the download on disk",
        )
        assert app.poll() is None, app.communicate()[1]
        app.send_signal(signal.SIGKILL)
        app.wait()
    finally:
        if app.poll() is None:
            app.kill()
            app.wait()
        if app.stderr is not None:
            app.stderr.close()
    [part] = exports.glob("*.part")
    return part


def app_env(app_dirs: Path) -> dict[str, str]:
    return engine_env(
        NEMO_CONFIG_DIR=str(app_dirs / "config"),
        NEMO_STATE_DIR=str(app_dirs / "state"),
        NEMO_DOWNLOAD_DIR=str(app_dirs / "exports"),
        NEMO_RENDER_POLL_INTERVAL="0.05",
    )


def engine_output(engine: RunningEngine, render_id: str) -> bytes:
    with engine_store(engine.settings.data_dir) as store:
        job = store.render(render_id)
    assert job is not None and job.output_path is not None
    return job.output_path.read_bytes()


def test_app_killed_mid_download_resumes_with_range_and_is_byte_identical(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    photos: list[Path],
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # The first download trickles, so the app is killed with part of the file on disk.
    engine = start_engine(faults=faults({"path": DOWNLOAD_ROUTE, "bytes_per_second": 8000}))
    part = kill_run_mid_download(engine.base_url, app_dirs, photos, tmp_path)
    kept = part.stat().st_size
    [render_id] = pending_in_memory(app_dirs)
    assert render_id in part.name

    async def resume() -> tuple[list[str], Path | None, list[Update]]:
        updates: list[Update] = []
        controller = controller_for(engine.base_url, app_dirs, updates)
        try:
            pending = await controller.start()
            return pending, await controller.follow_render(render_id), updates
        finally:
            await controller.aclose()

    with caplog.at_level(logging.DEBUG, logger="nemo_tui.api.transport"):
        pending, path, updates = asyncio.run(resume())

    assert pending == [render_id]
    assert path is not None and path == part.with_name(part.name.removesuffix(".part"))
    assert not part.exists()
    assert f"GET /api/render/proxy/{render_id}/download -> 206" in caplog.text
    assert of_type(updates, DownloadProgress)[0].received > kept
    assert path.read_bytes() == engine_output(engine, render_id)
    assert pending_in_memory(app_dirs) == []


def test_the_next_nemo_tui_run_finishes_a_download_a_killed_run_left(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    photos: list[Path],
    tmp_path: Path,
) -> None:
    engine = start_engine(faults=faults({"path": DOWNLOAD_ROUTE, "bytes_per_second": 8000}))
    part = kill_run_mid_download(engine.base_url, app_dirs, photos, tmp_path)
    [render_id] = pending_in_memory(app_dirs)

    again = subprocess.run(
        [sys.executable, "-m", "nemo_tui", "run", "--api", engine.base_url],
        env=app_env(app_dirs), cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip

    assert again.returncode == 0, again.stderr
    assert f"Resuming the unfinished export {render_id}." in again.stderr
    final = part.with_name(part.name.removesuffix(".part"))
    assert not part.exists() and final.read_bytes() == engine_output(engine, render_id)
    assert pending_in_memory(app_dirs) == []


async def test_a_render_the_backend_no_longer_knows_is_forgotten_not_retried_forever(
    start_engine: Callable[..., RunningEngine],
    app_dirs: Path,
    photos: list[Path],
    tmp_path: Path,
) -> None:
    updates: list[Update] = []
    engine = start_engine()
    first = controller_for(engine.base_url, app_dirs, updates)
    await first.start()
    # A job id the engine never had (its data was replaced since, say).
    render_id = "render_1700000000000"
    assert first.session_id is not None
    assert first.session_id is not None
    first.memory.add_render(render_id, first.session_id)
    await first.aclose()

    again = controller_for(engine.base_url, app_dirs, updates)
    assert await again.start() == [render_id]
    updates.clear()
    assert await again.follow_render(render_id) is None
    [error] = [n.text for n in of_type(updates, Notice) if n.level == "error"]
    assert error.startswith(f"The render {render_id} is unknown to the server.")
    assert again.pending_renders == [] == pending_in_memory(app_dirs)
    await again.aclose()
