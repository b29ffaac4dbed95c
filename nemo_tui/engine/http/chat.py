"""The chat route, `POST /run_sse`: every check answered as JSON before the stream starts, then the
turn's ADK events as `text/event-stream`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from nemo_tui.api.models import RunSseRequest
from nemo_tui.engine.http.common import engine_of, read_model, require_user
from nemo_tui.engine.limits import check_message
from nemo_tui.engine.turn import Turn

SSE_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


async def run_sse(request: Request) -> Response:
    user_id = require_user(request)
    body = await read_model(request, RunSseRequest)
    engine = engine_of(request)
    session = engine.store.session(body.session_id)
    if session is None or session.user_id != user_id:
        # ADK's own answer for an unknown session; SPEC 4 lists it as a pre-stream error.
        return JSONResponse({"detail": "Session not found"}, status_code=404)
    message = body.text()
    check_message(message, engine.settings)
    # Recorded before anything else happens: the message arrived, whatever the turn does next.
    engine.store.record_message(session.session_id, message)
    turn = Turn(engine=engine, session=session, message=message)
    return StreamingResponse(turn.start(), media_type="text/event-stream", headers=SSE_HEADERS)


ROUTES = [Route("/run_sse", run_sse, methods=["POST"])]
