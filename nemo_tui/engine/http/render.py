"""Export routes: submit a render job, poll it, and download the finished MP4 (with Range)."""

from __future__ import annotations

import re

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from nemo_tui.api.errors import ErrorCode
from nemo_tui.api.models import RenderOutput, RenderRequest, RenderStatus, new_render_id
from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.http.common import (
    engine_of,
    ok,
    owned_session,
    read_model,
    require_user,
)
from nemo_tui.engine.limits import check_draft, check_output_height
from nemo_tui.engine.render.renderer import PREVIEW_QUALITY, RenderOptions
from nemo_tui.engine.store import RenderJob

ATTRIBUTION_HEADERS = ("X-Skill-Source", "X-Skill-Version", "X-Skill-Platform")
# Client-chosen render ids become URL path parts, so only plain ones are kept as they are.
SAFE_RENDER_ID = re.compile(r"[A-Za-z0-9_.-]{1,80}")
MIN_OUTPUT_HEIGHT = 16


async def submit_render(request: Request) -> Response:
    user_id = require_user(request)
    missing = [name for name in ATTRIBUTION_HEADERS if not request.headers.get(name)]
    if missing:
        raise ApiError(
            ErrorCode.EXPORT_BLOCKED,
            "export is blocked on this plan (missing " + ", ".join(missing) + " headers): "
            "register or upgrade your plan to unlock export; this is not a credits issue",
        )
    body = await read_model(request, RenderRequest)
    session = owned_session(request, body.session_id, user_id)
    engine = engine_of(request)
    draft = body.draft
    if not draft.is_exportable():
        raise ApiError(422, "the draft has no segments: there is nothing to export yet")
    check_draft(draft, engine.settings)
    known = {stored.info.id for stored in engine.store.session_media(session.session_id)}
    for track in draft.t:
        for segment in track.sg:
            source = segment.m.src
            if source is not None and source not in known:
                raise ApiError(
                    422,
                    f"segment {segment.id} of track {track.name} uses media {source}, which is "
                    "not in this session: upload it again",
                )
    height = body.output.height
    check_output_height(draft, height, engine.settings, MIN_OUTPUT_HEIGHT)
    render_id = body.id
    # A taken id gets a fresh one (the client then follows the id we answer, SPEC 7): checked
    # here for the common case, and again atomically where the job is recorded.
    while not SAFE_RENDER_ID.fullmatch(render_id) or engine.store.render_id_taken(render_id):
        render_id = new_render_id()
    chosen = RenderOptions(
        height=height, preset=engine.settings.render_preset, crf=engine.settings.render_crf
    )
    if body.output.quality == PREVIEW_QUALITY:
        chosen = chosen.as_preview()
    options = {
        "height": chosen.height,
        "preset": chosen.preset,
        "crf": chosen.crf,
        "quick_audio": chosen.quick_audio,
    }
    # The draft is stored as JSON: a big one is CPU time the event loop must not spend.
    render_id = await run_in_threadpool(
        engine.store.create_render, render_id, session.session_id, user_id, draft, options
    )
    engine.renders.submit(render_id)
    return ok(RenderStatus(id=render_id, status="pending", progress=0).to_wire())


def _owned_render(request: Request, user_id: str) -> RenderJob:
    render_id = request.path_params["render_id"]
    job = engine_of(request).store.render(render_id)
    if job is None or job.user_id != user_id:
        raise ApiError(404, f"render {render_id} not found for this token")
    return job


async def render_status(request: Request) -> Response:
    job = _owned_render(request, require_user(request))
    status = RenderStatus(id=job.id, status=job.status, progress=job.progress)
    if job.status == "completed":
        url = str(request.url_for("render_download", render_id=job.id))
        status.output = RenderOutput(url=url, duration=job.duration, size=job.size)
    elif job.status == "failed":
        status.error = job.error
    return ok(status.to_wire())


async def cancel_render(request: Request) -> Response:
    """SPEC 7: stop the job (its ffmpeg run and partial output go), answer its status."""
    job = _owned_render(request, require_user(request))
    engine_of(request).renders.cancel(job.id)
    return await render_status(request)


async def download_render(request: Request) -> Response:
    job = _owned_render(request, require_user(request))
    if job.status != "completed" or job.output_path is None:
        raise ApiError(409, f"render {job.id} is {job.status}, not completed: poll it until done")
    if not job.output_path.is_file():
        raise ApiError(404, f"the file of render {job.id} is gone: export again")
    return FileResponse(job.output_path, media_type="video/mp4", filename=f"{job.id}.mp4")


ROUTES = [
    Route("/api/render/proxy/lambda", submit_render, methods=["POST"]),
    Route("/api/render/proxy/lambda/{render_id}", render_status, methods=["GET"]),
    Route("/api/render/proxy/lambda/{render_id}/cancel", cancel_render, methods=["POST"]),
    Route(
        "/api/render/proxy/{render_id}/download",
        download_render,
        methods=["GET"],
        name="render_download",
    ),
]
