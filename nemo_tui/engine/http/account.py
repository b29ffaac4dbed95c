"""Routes for who is calling and what they have: anonymous tokens, the claim link, sessions,
credits and session state; plus the two routes that need no token, the health check and the page
a claim link opens."""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from nemo_tui import __version__
from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import ErrorCode
from nemo_tui.api.models import (
    AnonymousToken,
    ClaimRequest,
    ClaimToken,
    SessionCreateRequest,
    SessionInfo,
    SessionState,
    SessionStateBody,
)
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.http.common import (
    engine_of,
    media_info_json,
    ok,
    owned_session,
    read_model,
    require_user,
)

CLAIM_LIFETIME_SECONDS = 7 * 24 * 3600
CLAIM_PAGE = """<!doctype html><title>nemo-tui local engine</title>
<p>This is the nemo-tui local engine. It has no accounts to register: credits are local, and a new
data directory (<code>nemo-tui serve --data DIR</code>) starts with a fresh balance.</p>"""


async def anonymous_token(request: Request) -> Response:
    engine = engine_of(request)
    key = engine.settings.access_key
    if key and not secrets.compare_digest(
        request.headers.get("x-access-key", "").encode(), key.encode()
    ):
        raise ApiError(
            ErrorCode.BAD_TOKEN,
            "this engine gives tokens only with its access key: send it as X-Access-Key "
            "(ask whoever runs the engine)",
        )
    client_id = request.headers.get("x-client-id", "").strip()
    if not client_id:
        raise ApiError(
            ErrorCode.MISSING_CLIENT_ID,
            "missing X-Client-Id header: send a UUID that identifies this client",
        )
    settings = engine.settings
    last = engine.store.latest_token_time(client_id)
    if last is not None and time.time() - last < settings.token_window_seconds:
        raise ApiError(
            ErrorCode.RATE_LIMITED,
            "this client already has an anonymous token: reuse it, or wait and retry later",
        )
    token, user_id, expires = engine.store.create_anonymous_user(
        client_id, settings.initial_credits, settings.token_lifetime_seconds
    )
    answer = AnonymousToken(
        token=token,
        user_id=user_id,
        credits=engine.store.credits(user_id).available,
        expires_at=datetime.fromtimestamp(expires, UTC).isoformat(timespec="seconds"),
    )
    return ok(answer.to_wire())


async def claim_token(request: Request) -> Response:
    require_user(request)
    await read_model(request, ClaimRequest)
    claim = f"clm_{secrets.token_urlsafe(16)}"
    url = str(request.url_for("claim_page").include_query_params(ct=claim))
    return ok(
        ClaimToken(claim_token=claim, expires_in=CLAIM_LIFETIME_SECONDS, claim_url=url).to_wire()
    )


async def claim_page(request: Request) -> Response:
    return HTMLResponse(CLAIM_PAGE)


async def health(request: Request) -> Response:
    """Alive, which version, how many renders, and who: the instance id clients keep this
    engine's token under (one per data folder, whatever the port)."""
    engine = engine_of(request)
    return ok(
        {
            "status": "ok",
            "version": __version__,
            "instance_id": engine.instance_id,
            "renders": engine.renders.counts(),
        }
    )


async def create_session(request: Request) -> Response:
    user_id = require_user(request)
    body = await read_model(request, SessionCreateRequest)
    session = engine_of(request).store.create_session(
        user_id, body.task_name, body.language, Draft.blank()
    )
    return ok(SessionInfo(task_id=session.task_id, session_id=session.session_id).to_wire())


async def credits(request: Request) -> Response:
    user_id = require_user(request)
    return ok(engine_of(request).store.credits(user_id).to_wire())


async def session_state(request: Request) -> Response:
    user_id = require_user(request)
    session = owned_session(request, request.path_params["session_id"], user_id)
    store = engine_of(request).store
    draft = store.latest_draft(session.session_id)
    media = store.session_media(session.session_id)
    body = SessionStateBody(
        draft=draft,
        video_infos=[media_info_json(request, m) for m in media if not m.generated],
        generated_media=[media_info_json(request, m) for m in media if m.generated],
        canvas_config={"width": draft.m.width, "height": draft.m.height, "fps": draft.m.fps},
    )
    state = SessionState(
        session_id=session.session_id,
        task_id=session.task_id,
        task_name=session.task_name,
        state=body,
    )
    return ok(state.to_wire())


ROUTES = [
    Route("/health", health, methods=["GET"]),
    Route("/api/auth/anonymous-token", anonymous_token, methods=["POST"]),
    Route("/api/auth/claim-token", claim_token, methods=["POST"]),
    Route("/claim", claim_page, methods=["GET"], name="claim_page"),
    Route("/api/tasks/me/with-session/nemo_agent", create_session, methods=["POST"]),
    Route("/api/credits/balance/simple", credits, methods=["GET"]),
    Route("/api/state/nemo_agent/me/{session_id}/latest", session_state, methods=["GET"]),
]
