"""The gateway's HTTP routes (SPEC 11, GATEWAY.md E2-E12), the API the official `nemovideo` CLI
speaks: API keys instead of anonymous tokens, projects (a project is a session's task, so both APIs
see the same work), the frontend state, one-file uploads, the render proxy under `/services`, with
a download link that works without the key, and the balance and usage history of the ledger.
Answers come in the envelope of SPEC 1, which the CLI unwraps."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta
from typing import Any

from starlette.requests import HTTPConnection, Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import ErrorCode
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.gateway import links
from nemo_tui.engine.gateway.keys import user_for_key
from nemo_tui.engine.http import render
from nemo_tui.engine.http.common import (
    engine_of,
    error_response,
    media_info_json,
    ok,
    read_json,
)
from nemo_tui.engine.media import uploads
from nemo_tui.engine.store import ProjectRow, RenderJob, SessionRow, StoredMedia, UsageRow
from nemo_tui.skills import max_upload_bytes

UPLOAD_FIELD = "file"
MAX_PAGE_SIZE = 100
DEFAULT_PAGE_SIZE = 20
MAX_PROJECTS = 500
MAX_NAME_CHARS = 200
# Where the cloud's drafts keep a session's files; `s3_key`'s basename is what the CLI matches.
USERDATA = "/mnt/userdata"
LINK_SECRET = "download-links"
CLOSE_CONNECTION = {"Connection": "close"}


class KeyRejected(ApiError):
    """The API key is missing or refused: HTTP 401 with code 1010, the gateway's words."""

    def __init__(self, message: str) -> None:
        super().__init__(ErrorCode.BAD_TOKEN_OTHER, message)

    @property
    def status(self) -> int:
        return 401


def key_user(conn: HTTPConnection, key: str) -> str:
    """The user of `key` for this connection; KeyRejected (never repeating the key) if none."""
    engine = engine_of(conn)
    client = conn.client.host if conn.client else ""
    user_id = user_for_key(engine.store, engine.settings, key, client)
    if user_id is None:
        raise KeyRejected(
            "the API key was rejected: this engine accepts nmv_usr_ keys on loopback, and "
            "beyond it only the keys it was started with (nemo-tui serve --api-key)"
        )
    return user_id


def gateway_user(request: Request) -> str:
    scheme, _, key = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not key.strip():
        raise KeyRejected("missing API key: send 'Authorization: Bearer <key>'")
    return key_user(request, key.strip())


def shown(text: str) -> str:
    """An id from the request, fit for a message: printable and short."""
    return "".join(char for char in text[:80] if char.isprintable())


def iso(timestamp: float) -> str:
    return (
        datetime.fromtimestamp(timestamp, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )


def owned_project(request: Request, user_id: str) -> SessionRow:
    """The project of the path, when it is the caller's; 404 otherwise (a foreign one too)."""
    project_id = request.path_params["project_id"]
    session = engine_of(request).store.session_for_task(project_id)
    if session is None or session.user_id != user_id:
        raise ApiError(404, f"project {shown(project_id)} not found for this API key")
    return session


def _project_json(project: ProjectRow) -> dict[str, Any]:
    session = project.session
    return {
        "project_id": session.task_id,
        "user_id": session.user_id,
        "name": session.task_name,
        "created_at": iso(project.created),
        "updated_at": iso(project.updated),
    }


def _session_json(project: ProjectRow) -> dict[str, Any]:
    session = project.session
    return {
        "session_id": session.session_id,
        "project_id": session.task_id,
        "name": session.task_name,
        "status": "active",
        "created_at": iso(project.created),
        "updated_at": iso(project.updated),
    }


def _project(request: Request, session: SessionRow) -> ProjectRow:
    project = engine_of(request).store.project(session.session_id)
    if project is None:
        raise ApiError(404, f"project {session.task_id} not found for this API key")
    return project


async def verify(request: Request) -> Response:
    body = await read_json(request)
    key = body.get("token") if isinstance(body, dict) else None
    if not isinstance(key, str) or not key:
        raise KeyRejected('missing API key: send {"token": "<key>"}')
    user_id = key_user(request, key)
    return ok({"user_id": user_id, "balance": engine_of(request).store.credits(user_id).available})


async def balance(request: Request) -> Response:
    credits = engine_of(request).store.credits(gateway_user(request))
    return ok(
        {
            "available": credits.available,
            "frozen": credits.frozen,
            "total_granted": credits.total,
            "total_consumed": credits.total - credits.available - credits.frozen,
        }
    )


def _query_int(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 9) or not low <= int(raw) <= high:
        raise ApiError(422, f"{name} must be a whole number from {low} to {high}")
    return int(raw)


def _query_day(request: Request, name: str) -> date | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ApiError(422, f"{name} must be a date written YYYY-MM-DD") from None


def _utc(day: date) -> float:
    return datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp()


def _usage_item(row: UsageRow) -> dict[str, Any]:
    item: dict[str, Any] = {
        "id": str(row.id),
        "kind": row.kind,
        "amount_delta": row.amount_delta,
        "created_at": iso(row.created),
        "conversation": None,
        "grant": None,
    }
    if row.kind == "conversation":
        item["conversation"] = {"user_message_hidden": False, **row.detail}
    else:
        item["grant"] = row.detail
    return item


async def usage(request: Request) -> Response:
    user_id = gateway_user(request)
    page_no = _query_int(request, "page_no", 1, 1, 1_000_000)
    page_size = _query_int(request, "page_size", DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    start, end = _query_day(request, "start_date"), _query_day(request, "end_date")
    since = _utc(start) if start else 0.0
    # The end date is a whole day: everything before the next midnight (UTC).
    until = _utc(end + timedelta(days=1)) if end else math.inf
    rows, total = engine_of(request).store.usage(
        user_id, since, until, (page_no - 1) * page_size, page_size
    )
    total_pages = math.ceil(total / page_size)
    return ok(
        {
            "items": [_usage_item(row) for row in rows],
            "total": total,
            "total_pages": total_pages,
            "has_next": page_no < total_pages,
            "page_no": page_no,
            "page_size": page_size,
        }
    )


async def create_project(request: Request) -> Response:
    user_id = gateway_user(request)
    body = await read_json(request)
    name = body.get("name") if isinstance(body, dict) else None
    if not isinstance(name, str) or not name.strip():
        name = "project"
    session = engine_of(request).store.create_session(
        user_id, name.strip()[:MAX_NAME_CHARS], "en", Draft.blank()
    )
    return ok(
        {
            **_project_json(_project(request, session)),
            "session": {
                "session_id": session.session_id,
                "project_id": session.task_id,
                "status": "active",
            },
        }
    )


async def list_projects(request: Request) -> Response:
    user_id = gateway_user(request)
    listed = engine_of(request).store.user_projects(user_id, MAX_PROJECTS)
    projects = [_project_json(project) for project in listed]
    return ok({"projects": projects, "count": len(projects)})


async def get_project(request: Request) -> Response:
    session = owned_project(request, gateway_user(request))
    return ok(_project_json(_project(request, session)))


async def project_sessions(request: Request) -> Response:
    session = owned_project(request, gateway_user(request))
    return ok({"sessions": [_session_json(_project(request, session))]})


def _file_json(request: Request, stored: StoredMedia) -> dict[str, Any]:
    return {**media_info_json(request, stored), "s3_key": f"{USERDATA}/{stored.info.path.name}"}


async def frontend_state(request: Request) -> Response:
    """The project's state as the gateway's frontend reads it. `timeline_draft` is left out while
    the draft has no segment: the CLI tests it for truth, and a blank draft's `[]` is true in JS."""
    session = owned_project(request, gateway_user(request))
    store = engine_of(request).store
    draft = store.latest_draft(session.session_id)
    project: dict[str, Any] = {}
    if draft.is_exportable():
        project["timeline_draft"] = draft.to_wire()
    for stored in store.session_media(session.session_id):
        project.setdefault(f"files:{stored.info.kind}", []).append(_file_json(request, stored))
    return ok(
        {
            "project": project,
            "version": store.draft_version(session.session_id),
            "projectName": session.task_name,
        }
    )


async def upload(request: Request) -> Response:
    try:
        return await _upload(request)
    except ApiError as exc:
        # A refusal part-way leaves the body unread: closing is what stops the transfer.
        return error_response(exc.code, exc.message, exc.status, CLOSE_CONNECTION)


async def _upload(request: Request) -> Response:
    """One `file` part, then a `session_id` field: the file is written first (under its final
    name, unrecorded), the session checked after, and the file deleted on any refusal."""
    user_id = gateway_user(request)
    engine = engine_of(request)
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        raise ApiError(422, "send the file as multipart/form-data: a 'file' part and 'session_id'")
    engine.settings.media_dir.mkdir(parents=True, exist_ok=True)
    limit = max_upload_bytes(request.headers.get("x-skill-source"))
    files, fields = await uploads.receive_parts(
        request.stream(), content_type, engine.settings.media_dir, limit, UPLOAD_FIELD
    )
    try:
        session_id = fields.get("session_id", "").strip()
        if not session_id:
            raise ApiError(422, "the upload has no session_id field: send the project's session")
        session = engine.store.session(session_id)
        if session is None or session.user_id != user_id:
            raise ApiError(
                ErrorCode.SESSION_NOT_FOUND,
                f"session {shown(session_id)} not found for this API key",
            )
        stored = await uploads.commit(
            engine.store, session.session_id, files, engine.settings.max_image_pixels
        )
    except BaseException:
        uploads.discard_all(files)
        raise
    described = [_file_json(request, item) for item in stored]
    first = described[0]
    return ok(
        {
            "file_id": first["id"],
            "filename": first["filename"],
            "url": first["cdn_url"],
            "files": described,
        }
    )


async def submit_render(request: Request) -> Response:
    """The skills' export route, keeping the client's id (the CLI polls the id it sent)."""
    gateway_user(request)
    return await render.submit_render(request)


def _owned_render(request: Request, user_id: str) -> RenderJob:
    render_id = request.path_params["render_id"]
    job = engine_of(request).store.render(render_id)
    if job is None or job.user_id != user_id:
        raise ApiError(404, f"render {shown(render_id)} not found for this API key")
    return job


def download_link(request: Request, job: RenderJob) -> str:
    """A URL of the finished file that works without the key, until it expires."""
    engine = engine_of(request)
    secret = engine.store.secret(LINK_SECRET)
    expires, signature = links.sign(secret, job.id, engine.settings.download_link_seconds)
    url = request.url_for("signed_render_file", render_id=job.id)
    return str(url.include_query_params(expires=expires, sig=signature))


async def render_status(request: Request) -> Response:
    return _status(request, _owned_render(request, gateway_user(request)))


async def cancel_render(request: Request) -> Response:
    """The skills' cancel (SPEC 7) under the gateway's prefix: our client offers it on both."""
    job = _owned_render(request, gateway_user(request))
    engine = engine_of(request)
    engine.renders.cancel(job.id)
    return _status(request, engine.store.render(job.id) or job)


def _status(request: Request, job: RenderJob) -> Response:
    status: dict[str, Any] = {"id": job.id, "status": job.status, "progress": job.progress}
    if job.status == "completed":
        url = download_link(request, job)
        status["outputUrl"] = url
        status["output"] = {"url": url, "duration": job.duration, "size": job.size}
    elif job.status == "failed":
        status["error"] = job.error or "the render failed"
    return ok(status)


async def project_download(request: Request) -> Response:
    session = owned_project(request, gateway_user(request))
    job = engine_of(request).store.latest_completed_render(session.session_id)
    if job is None or job.output_path is None or not job.output_path.is_file():
        return ok({"output": None})
    return ok({"output": {"url": download_link(request, job), "size": job.size}})


async def signed_render_file(request: Request) -> Response:
    """A finished render for whoever holds an unexpired signed link: no key needed."""
    render_id = request.path_params["render_id"]
    engine = engine_of(request)
    given = request.query_params.get("sig", "")
    expires = request.query_params.get("expires", "")
    job = engine.store.render(render_id)
    signed = links.valid(engine.store.secret(LINK_SECRET), render_id, expires, given)
    if not signed or job is None or job.output_path is None or not job.output_path.is_file():
        raise ApiError(404, "this download link is unknown or expired: export again for a new one")
    return FileResponse(job.output_path, media_type="video/mp4", filename=f"{job.id}.mp4")


ROUTES = [
    Route("/auth/verify", verify, methods=["POST"]),
    Route("/billing/balance", balance, methods=["GET"]),
    Route("/billing/usage/conversations", usage, methods=["GET"]),
    Route("/projects", create_project, methods=["POST"]),
    Route("/projects", list_projects, methods=["GET"]),
    Route("/projects/{project_id}", get_project, methods=["GET"]),
    Route("/projects/{project_id}/sessions", project_sessions, methods=["GET"]),
    Route("/api/v1/state/frontend/{project_id}", frontend_state, methods=["GET"]),
    Route("/files/upload", upload, methods=["POST"]),
    Route("/services/v1/render-proxy/lambda", submit_render, methods=["POST"]),
    Route("/services/v1/render-proxy/lambda/{render_id}", render_status, methods=["GET"]),
    Route("/services/v1/render-proxy/lambda/{render_id}/cancel", cancel_render, methods=["POST"]),
    # After the lambda routes: only a project id reaches this template (GATEWAY.md E11).
    Route("/services/v1/render-proxy/{project_id}/download", project_download, methods=["GET"]),
    Route(
        "/files/renders/{render_id}", signed_render_file, methods=["GET"], name="signed_render_file"
    ),
]
