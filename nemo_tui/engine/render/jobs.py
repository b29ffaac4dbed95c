"""The render queue: jobs run at most `max_concurrent_renders` at a time, the rest wait in the order
they came; status and progress live in the store so a poll (or a restarted engine) sees them.

A job may be cancelled: a pending one is skipped when its turn comes, a running one has its ffmpeg
killed and its partial output removed (the renderer's cancellation path), and the worker moves on.

What an engine stop cut short is put back in line at start and stop (`recovery`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
import uuid
from contextlib import suppress
from pathlib import Path

from nemo_tui.engine.render.recovery import recover
from nemo_tui.engine.render.renderer import RenderError, RenderOptions, render
from nemo_tui.engine.settings import EngineSettings
from nemo_tui.engine.store import Store

log = logging.getLogger(__name__)

# Progress is written to the database at most this often (seconds): ffmpeg reports many times a
# second and a poll every half second is the fastest reader.
PROGRESS_WRITE_INTERVAL = 0.25
# What a failed job's error must not show its user: where the engine keeps files, and memory
# addresses from a Python object's repr. A path keeps only its last part (the file's own name).
_SERVER_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[/\\][^\s/\\:'\"]+)+[/\\]([^\s/\\:'\"]*)")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{4,}\b")


def public_reason(text: str) -> str:
    """A failure reason fit for the client: no server paths, no memory addresses."""
    return _ADDRESS.sub("0x…", _SERVER_PATH.sub(r"\1", text))


class _ProgressWriter:
    """Writes a job's progress (percent) to the store, throttled."""

    def __init__(self, store: Store, render_id: str) -> None:
        self._store = store
        self._render_id = render_id
        self._last_write = 0.0

    def __call__(self, percent: float) -> None:
        now = time.monotonic()
        if now - self._last_write < PROGRESS_WRITE_INTERVAL:
            return
        self._last_write = now
        # 100 is written only with the finished file, so a poll never sees 100 while processing.
        self._store.set_render_progress(self._render_id, min(max(percent, 0.0), 99.0))


class RenderQueue:
    """Runs submitted render jobs in workers started by `start()` inside the server's loop."""

    def __init__(self, store: Store, settings: EngineSettings) -> None:
        self._store = store
        self._settings = settings
        self._queue: asyncio.Queue[str] | None = None
        self._workers: list[asyncio.Task[None]] = []
        # The ffmpeg run of each job being rendered, so a cancel can stop it.
        self._running: dict[str, asyncio.Task[object]] = {}

    async def start(self) -> None:
        self._settings.renders_dir.mkdir(parents=True, exist_ok=True)
        again = recover(self._store, self._settings)
        self._queue = asyncio.Queue()
        for render_id in again:
            self._queue.put_nowait(render_id)
        self._workers = [
            asyncio.create_task(self._work(), name=f"render-worker-{index}")
            for index in range(self._settings.max_concurrent_renders)
        ]

    async def stop(self) -> None:
        for worker in self._workers:
            worker.cancel()
        for worker in self._workers:
            with suppress(asyncio.CancelledError):
                await worker
        self._workers = []
        # A job cut short by this shutdown is in the same state as one cut short by a crash.
        recover(self._store, self._settings)

    def submit(self, render_id: str) -> None:
        if self._queue is None:
            raise RuntimeError("the render queue is not running")
        self._queue.put_nowait(render_id)

    def cancel(self, render_id: str) -> bool:
        """Cancel a pending or processing job: it is marked `cancelled` at once and its ffmpeg
        run, if any, is stopped. False when the job had already finished."""
        if not self._store.cancel_render(render_id):
            return False
        running = self._running.get(render_id)
        if running is not None:
            running.cancel()
        log.info("render %s cancelled", render_id)
        return True

    def counts(self) -> dict[str, int]:
        by_status = self._store.render_counts()
        return {"queued": by_status.get("pending", 0), "running": by_status.get("processing", 0)}

    async def _work(self) -> None:
        assert self._queue is not None
        while True:
            render_id = await self._queue.get()
            try:
                await self._run(render_id)
            finally:
                self._queue.task_done()

    async def _run(self, render_id: str) -> None:
        job = self._store.render(render_id)
        if job is None or job.status != "pending":
            return
        output_path = self._settings.renders_dir / f"{uuid.uuid4().hex}.mp4"
        self._store.start_render(render_id, output_path)
        media = {
            stored.info.id: stored.info for stored in self._store.session_media(job.session_id)
        }
        options = RenderOptions(
            height=job.options.get("height"),
            preset=job.options.get("preset", self._settings.render_preset),
            crf=job.options.get("crf", self._settings.render_crf),
            quick_audio=bool(job.options.get("quick_audio", False)),
        )
        run = asyncio.ensure_future(
            render(job.draft, media, output_path, options, _ProgressWriter(self._store, render_id))
        )
        self._running[render_id] = run
        try:
            result = await run
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if current is not None and current.cancelling():
                raise  # the engine is stopping, not this job being cancelled
            # The renderer removed its partial output; the job is already marked cancelled.
            output_path.unlink(missing_ok=True)
        except RenderError as exc:
            self._store.fail_render(render_id, public_reason(f"render failed: {exc}"))
        except Exception as exc:
            # The details (paths, reprs) go to the engine's log; the client gets the kind only.
            log.exception("render %s crashed", render_id)
            self._store.fail_render(
                render_id,
                f"render failed: an internal error ({exc.__class__.__name__}); export again, "
                "and see the engine's log if it happens again",
            )
        else:
            self._store.complete_render(render_id, result.duration, result.size)
            log.info("render %s finished: %s", render_id, Path(result.path).name)
        finally:
            self._running.pop(render_id, None)
