"""What every route shares: the engine context, the envelope, protocol errors, and the checks that
come first on most routes (bearer token, session ownership, a JSON body of a given model).
"""

from __future__ import annotations

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.requests import HTTPConnection, Request
from starlette.responses import JSONResponse

from nemo_tui.api.bounded_json import JsonRefused, JsonTooLarge, loads_bounded, too_large
from nemo_tui.api.errors import ErrorCode
from nemo_tui.api.wire import FROM_WIRE
from nemo_tui.engine.context import EngineContext
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.store import SessionRow, StoredMedia

Model = TypeVar("Model", bound=BaseModel)


def engine_of(request: HTTPConnection) -> EngineContext:
    engine: EngineContext = request.app.state.engine  # set once by the app factory
    return engine


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "ok", "data": data})


def error_response(
    code: int, message: str, status: int, headers: dict[str, str] | None = None
) -> JSONResponse:
    return JSONResponse(
        {"code": code, "message": message, "data": None}, status_code=status, headers=headers
    )


def require_user(request: Request) -> str:
    """The user id of the request's bearer token; 1001 when it is missing, unknown or expired.
    The messages never repeat the token."""
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        raise ApiError(
            ErrorCode.BAD_TOKEN, "missing bearer token: send 'Authorization: Bearer <token>'"
        )
    user_id = engine_of(request).store.user_for_token(token)
    if user_id is None:
        raise ApiError(
            ErrorCode.BAD_TOKEN,
            "the token is unknown or expired: get a new one from /api/auth/anonymous-token",
        )
    return user_id


def owned_session(request: Request, session_id: str, user_id: str) -> SessionRow:
    """The session if it exists and belongs to `user_id`; 1002 otherwise (someone else's session
    is answered exactly like a missing one, so ids cannot be probed)."""
    session = engine_of(request).store.session(session_id)
    if session is None or session.user_id != user_id:
        raise ApiError(
            ErrorCode.SESSION_NOT_FOUND,
            f"session {session_id} not found for this token: create a new session",
        )
    return session


def media_info_json(request: Request, stored: StoredMedia) -> dict[str, Any]:
    """How the state and upload answers describe one stored file."""
    info = stored.info
    return {
        "id": info.id,
        "filename": info.name,
        "file_type": info.kind,
        "cdn_url": str(request.url_for("media_file", media_id=info.id)),
        "duration": info.duration,
        "width": info.width,
        "height": info.height,
        "fps": info.fps,
        "has_audio": info.has_audio,
        "size": info.size,
        "hash": stored.sha256,
    }


async def read_body(request: Request) -> bytes:
    """The whole body, refused with 413 as soon as it passes `max_body_bytes` (declared or sent)."""
    limit = engine_of(request).settings.max_body_bytes
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise _body_refused(too_large(int(declared), limit))
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _body_refused(too_large(size, limit))
        chunks.append(chunk)
    return b"".join(chunks)


def _body_refused(reason: JsonRefused) -> ApiError:
    if isinstance(reason, JsonTooLarge):
        return ApiError(413, f"the request body is refused: {reason}; send a smaller one")
    return ApiError(422, f"the request body is not valid JSON: it is {reason}")


def _loads(body: bytes, max_bytes: int, max_depth: int) -> Any:
    try:
        return loads_bounded(body or b"{}", max_bytes=max_bytes, max_depth=max_depth)
    except JsonRefused as exc:
        raise _body_refused(exc) from None
    except json.JSONDecodeError as exc:
        raise ApiError(422, f"the request body is not valid JSON ({exc.msg})") from None
    except UnicodeDecodeError:
        # json.loads decodes bytes itself, and a bad byte is not a JSONDecodeError (no .msg).
        raise ApiError(422, "the request body is not valid JSON: it is not UTF-8 text") from None


async def read_json(request: Request) -> Any:
    """The JSON body, bounded in size and depth, parsed off the event loop (a big body is seconds
    of CPU that would stall every other request)."""
    body = await read_body(request)
    settings = engine_of(request).settings
    return await run_in_threadpool(_loads, body, settings.max_body_bytes, settings.max_json_depth)


async def read_model(request: Request, model: type[Model]) -> Model:
    """The JSON body parsed as `model` off the event loop; 422 naming the first bad field."""
    body = await read_body(request)
    settings = engine_of(request).settings
    return await run_in_threadpool(
        lambda: parse_model(_loads(body, settings.max_body_bytes, settings.max_json_depth), model)
    )


def parse_model(data: Any, model: type[Model]) -> Model:
    try:
        return model.model_validate(data, context=FROM_WIRE)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"]) or "body"
        raise ApiError(422, f"bad request body: {where}: {first['msg']}") from exc
