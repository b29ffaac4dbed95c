"""What an engine started in the background for its clients watches to know it may go: requests
in progress (a streaming turn counts until it ends), renders queued or running, turns still
working, and clients holding the folder. Idle for `idle_exit_seconds` with none of these, it asks
the server to stop."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import IO

from starlette.types import ASGIApp, Receive, Scope, Send

from nemo_tui.engine.context import EngineContext
from nemo_tui.engine.ownership import close_if_no_clients

IDLE_CHECK_SECONDS = 0.5


class Activity:
    """Requests in progress, and when the last one ended."""

    def __init__(self) -> None:
        self.in_progress = 0
        self.last_seen = time.monotonic()

    def busy_now(self) -> None:
        self.last_seen = time.monotonic()


class CountRequests:
    """ASGI middleware keeping `Activity` up to date for every HTTP and WebSocket scope."""

    def __init__(self, app: ASGIApp, activity: Activity) -> None:
        self.app = app
        self.activity = activity

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        self.activity.in_progress += 1
        self.activity.busy_now()
        try:
            await self.app(scope, receive, send)
        finally:
            self.activity.in_progress -= 1
            self.activity.busy_now()


async def exit_when_idle(
    engine: EngineContext, activity: Activity, idle_seconds: float, stop: Callable[[], None]
) -> IO[bytes]:
    """Return (after calling `stop`) once the engine has had nothing to do for `idle_seconds`
    and no client holds its folder. The returned hold on the clients' lock must be kept until
    the process ends (see `ownership.close_if_no_clients`)."""
    while True:
        await asyncio.sleep(IDLE_CHECK_SECONDS)
        counts = engine.renders.counts()
        if activity.in_progress or engine.background or counts["queued"] or counts["running"]:
            activity.busy_now()
            continue
        if time.monotonic() - activity.last_seen < idle_seconds:
            continue
        hold = close_if_no_clients(engine.settings.data_dir)
        if hold is None:
            activity.busy_now()
            continue
        stop()
        return hold
