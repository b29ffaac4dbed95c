"""Routes for media: uploads (multipart files or loopback URLs) and serving a stored file."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from nemo_tui.api.models import UploadedFile, UploadResult, UrlUploadRequest
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.http.common import (
    engine_of,
    error_response,
    media_info_json,
    ok,
    owned_session,
    parse_model,
    read_json,
    require_user,
)
from nemo_tui.engine.media import uploads
from nemo_tui.skills import max_upload_bytes

# Refusing an upload part-way leaves the rest of the body unread; closing the connection is what
# stops the transfer (otherwise the server would drain the body to keep the connection alive).
CLOSE_CONNECTION = {"Connection": "close"}


async def upload(request: Request) -> Response:
    try:
        return await _upload(request)
    except ApiError as exc:
        return error_response(exc.code, exc.message, exc.status, CLOSE_CONNECTION)


async def _upload(request: Request) -> Response:
    user_id = require_user(request)
    session = owned_session(request, request.path_params["session_id"], user_id)
    engine = engine_of(request)
    engine.settings.media_dir.mkdir(parents=True, exist_ok=True)
    limit = max_upload_bytes(request.headers.get("x-skill-source"))
    content_type = request.headers.get("content-type", "")
    if content_type.startswith("multipart/form-data"):
        stored = await uploads.receive_multipart(
            request.stream(),
            content_type,
            engine.store,
            engine.settings.media_dir,
            session.session_id,
            limit,
            engine.settings.max_image_pixels,
        )
    elif content_type.startswith("application/json"):
        body = parse_model(await read_json(request), UrlUploadRequest)
        stored = await uploads.fetch_urls(
            body.urls,
            engine.store,
            engine.settings.media_dir,
            session.session_id,
            limit,
            engine.settings.max_image_pixels,
        )
    else:
        raise ApiError(
            422,
            "send files as multipart/form-data (field 'files') or URLs as JSON "
            '{"urls": [...], "source_type": "url"}',
        )
    files = [UploadedFile(**media_info_json(request, item)) for item in stored]
    return ok(UploadResult(files=files, session_state_applied=True).to_wire())


async def media_file(request: Request) -> Response:
    user_id = require_user(request)
    media_id = request.path_params["media_id"]
    engine = engine_of(request)
    stored = engine.store.media(media_id)
    session = engine.store.session(stored.session_id) if stored is not None else None
    # Someone else's file is answered like a missing one: the answer must not name its session.
    owned = session is not None and session.user_id == user_id
    if stored is None or not owned or not stored.info.path.is_file():
        raise ApiError(404, f"media {media_id} not found")
    return FileResponse(stored.info.path)


ROUTES = [
    Route("/api/upload-video/nemo_agent/me/{session_id}", upload, methods=["POST"]),
    Route("/api/media/{media_id}", media_file, methods=["GET"], name="media_file"),
]
