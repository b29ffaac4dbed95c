"""The engine's ASGI app: `create_app(settings)` wires the routes of SPEC sections 2-7 and 11 to one
store and one render queue, opened and closed with the app's lifespan, and answers every error in
the envelope of SPEC 1."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager, suppress
from typing import IO

from python_multipart.exceptions import MultipartParseError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response

from nemo_tui.engine.context import EngineContext
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.faults import FaultMiddleware, parse_rules
from nemo_tui.engine.gateway.relay import Relays
from nemo_tui.engine.http import account, chat, gateway, gateway_ws, log_scrub, media, render
from nemo_tui.engine.http.activity import Activity, CountRequests, exit_when_idle
from nemo_tui.engine.http.common import error_response
from nemo_tui.engine.http.hosts import HostGuard
from nemo_tui.engine.media.uploads import remove_partial_uploads
from nemo_tui.engine.render.jobs import RenderQueue
from nemo_tui.engine.settings import EngineSettings
from nemo_tui.engine.store import Store

log = logging.getLogger(__name__)

# The status for a request whose client went away: nobody reads it, it only shows in access logs.
CLIENT_CLOSED_REQUEST = 499


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return error_response(exc.code, exc.message, exc.status)


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    return error_response(
        exc.status_code, f"{exc.detail}: {request.method} {request.url.path}", exc.status_code
    )


async def _bad_multipart(request: Request, exc: Exception) -> Response:
    return error_response(422, f"the multipart body could not be parsed ({exc})", 422)


async def _unexpected(request: Request, exc: Exception) -> Response:
    # The details go to the log only: a message naming a path or a repr helps an attacker.
    log.error("%s %s failed", request.method, request.url.path, exc_info=exc)
    return error_response(
        500, "the engine failed on this request (an internal error); try again", 500
    )


async def _client_gone(request: Request, exc: Exception) -> Response:
    return Response(status_code=CLIENT_CLOSED_REQUEST)


def create_app(
    settings: EngineSettings,
    *,
    on_ready: Callable[[str], None] | None = None,
    stop: Callable[[], None] | None = None,
) -> Starlette:
    """The app for one engine on `settings.data_dir`, whose folder lock the caller holds (only
    the holder may clean up after earlier runs). `on_ready(instance_id)` runs once it serves;
    with `settings.idle_exit_seconds`, `stop()` is called when it has been idle that long."""
    activity = Activity()

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        for folder in (settings.data_dir, settings.media_dir, settings.renders_dir):
            folder.mkdir(parents=True, exist_ok=True)
        store = Store(settings.database_path, settings.media_dir)
        remove_partial_uploads(store, settings.media_dir)
        renders = RenderQueue(store, settings)
        await renders.start()
        engine = EngineContext(
            settings=settings,
            store=store,
            renders=renders,
            rng=random.Random(settings.seed),
            instance_id=store.instance_id(),
        )
        app.state.engine = engine
        watch: asyncio.Task[IO[bytes]] | None = None
        if settings.idle_exit_seconds is not None and stop is not None:
            watch = asyncio.create_task(
                exit_when_idle(engine, activity, settings.idle_exit_seconds, stop)
            )
        if on_ready is not None:
            on_ready(engine.instance_id)
        try:
            yield
        finally:
            if watch is not None:
                if watch.done():
                    # Held as long as the app (the process) lives: see `exit_when_idle`.
                    app.state.idle_hold = watch.result()
                else:
                    watch.cancel()
            for task in list(engine.background):
                task.cancel()
            for task in list(engine.background):
                with suppress(asyncio.CancelledError):
                    await task
            await renders.stop()
            store.close()

    log_scrub.install()
    app = Starlette(
        routes=[
            *account.ROUTES,
            *media.ROUTES,
            *chat.ROUTES,
            *render.ROUTES,
            # The official CLI's API (SPEC 11) over the same store.
            *gateway.ROUTES,
            *gateway_ws.ROUTES,
        ],
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            MultipartParseError: _bad_multipart,
            ClientDisconnect: _client_gone,
            Exception: _unexpected,
        },
        lifespan=lifespan,
        # Off (no rules) unless a test or `NEMO_ENGINE_FAULTS` turns faults on.
        middleware=[
            Middleware(CountRequests, activity=activity),
            Middleware(HostGuard, allowed=settings.allowed_hosts),
            Middleware(FaultMiddleware, rules=parse_rules(settings.faults)),
        ],
    )
    app.state.relays = Relays()
    return app
