"""What the documented cloud sends and the local engine never does (SPEC version 2), through
`httpx.MockTransport`: the engine emits render-status shape 1, `code`-enveloped errors with our
own codes, `total` credits and SPEC 10 drafts only, so every other shape and code is faked here,
one test per SPEC item, named after it. The fake answers on `http://api.test`, a base that is not
loopback, and on `http://127.0.0.1:1`, to show nothing keys on the address (issue 11, item 0).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest

from nemo_tui import diagnostics
from nemo_tui.api.client import NemoClient
from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import (
    AuthError,
    BadRequest,
    NoCredits,
    NotAllowed,
    RenderCancelled,
    RenderStillRunning,
)
from nemo_tui.api.models import RenderStatus
from nemo_tui.api.summary import summarize
from nemo_tui.api.transport import MemoryCredentials

BASES = ["http://api.test", "http://127.0.0.1:1"]
TOKEN = "nmv_usr_cloudtoken0001"
DRAFT = {"t": [{"id": "v1", "tt": 0, "sg": [{"id": "s1", "d": 3000, "m": {"src": "m1"}}]}]}

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """Waits asked for, without waiting; and a clock that the waits move forward."""

    def __init__(self) -> None:
        self.sleeps: list[float] = []
        self.now = 0.0

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds

    def clock(self) -> float:
        return self.now


def cloud(routes: dict[str, Handler], seen: list[httpx.Request] | None = None) -> Handler:
    """A fake cloud: `"METHOD /path"` -> handler; no `/health` route (the cloud needs none)."""

    def handle(request: httpx.Request) -> httpx.Response:
        if seen is not None:
            seen.append(request)
        key = f"{request.method} {request.url.path}"
        if key in routes:
            return routes[key](request)
        return httpx.Response(404, json={"detail": "Not Found"})

    return handle


def client_for(
    base: str,
    handler: Handler,
    recorder: Recorder | None = None,
    credentials: MemoryCredentials | None = None,
) -> NemoClient:
    recorder = recorder or Recorder()
    return NemoClient(
        base,
        credentials=credentials or MemoryCredentials(token=TOKEN, client_id="cid-1"),
        sleep=recorder.sleep,
        clock=recorder.clock,
        retry_backoff=0.01,
        http_transport=httpx.MockTransport(handler),
    )


def status_route(*answers: object) -> Handler:
    """Answers the status polls in turn, the last one from then on; an int is an HTTP status."""
    queue = list(answers)

    def answer(request: httpx.Request) -> httpx.Response:
        item = queue.pop(0) if len(queue) > 1 else queue[0]
        if isinstance(item, int):
            return httpx.Response(item, json={"message": "try later"})
        return httpx.Response(200, json=item)

    return answer


# --- SPEC 7: the submit answer ------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
async def test_spec_7_submit_answer_id_wins(base: str) -> None:
    sent: list[dict] = []

    def submit(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        answer = {"id": "srv_77", "status": "pending", "progress": 5}
        return httpx.Response(200, json={"success": True, "data": answer})

    routes = {"POST /api/render/proxy/lambda": submit}
    async with client_for(base, cloud(routes)) as client:
        status = await client.submit_render("sid", Draft.from_wire(DRAFT), render_id="render_1")
    assert sent[0]["id"] == "render_1" and sent[0]["sessionId"] == "sid"
    assert (status.id, status.status, status.progress) == ("srv_77", "pending", 5)


async def test_spec_7_duplicate_id_gets_a_new_id_once() -> None:
    ids: list[str] = []

    def submit(request: httpx.Request) -> httpx.Response:
        ids.append(json.loads(request.content)["id"])
        return httpx.Response(409, json={"success": False, "message": "duplicate id"})

    async with client_for(BASES[0], cloud({"POST /api/render/proxy/lambda": submit})) as client:
        with pytest.raises(BadRequest, match="duplicate id"):
            await client.submit_render("sid", Draft.from_wire(DRAFT), render_id="render_1")
    assert len(ids) == 2 and ids[0] == "render_1" and ids[1] != "render_1"


# --- SPEC 7: the five status shapes ------------------------------------------------------------


async def poll_once(payload: dict) -> RenderStatus:
    routes = {"GET /api/render/proxy/lambda/r1": status_route(payload)}
    async with client_for(BASES[0], cloud(routes)) as client:
        return await client.render_status("r1")


async def test_spec_7_status_shape_1_output_object() -> None:
    status = await poll_once({"id": "r1", "status": "processing", "progress": 40, "output": None})
    assert (status.status, status.progress, status.finalising) == ("processing", 40, False)


async def test_spec_7_status_shape_2_success_data_with_epoch_ms_times() -> None:
    status = await poll_once(
        {
            "success": True,
            "data": {
                "id": "r1",
                "status": "completed",
                "progress": 100,
                "outputUrl": "https://cdn.test/r1.mp4",
                "createdAt": 1763900000000,
                "completedAt": 1763900042000,
            },
        }
    )
    assert status.output is not None and status.output.url == "https://cdn.test/r1.mp4"
    assert (status.completed_at or 0) - (status.created_at or 0) == 42_000


async def test_spec_7_status_shape_3_render_id_and_error() -> None:
    status = await poll_once({"render_id": "r1", "status": "failed", "error": "chunk 3 died"})
    assert (status.id, status.status, status.error) == ("r1", "failed", "chunk 3 died")


async def test_spec_7_status_taskId_shape() -> None:
    status = await poll_once(
        {
            "taskId": "r1",
            "status": "completed",
            "progress": 100,
            "output": {"url": "https://cdn.test/r1.mp4", "duration": 3.0, "size": 10},
        }
    )
    assert status.id == "r1" and status.output is not None and status.output.size == 10


async def test_spec_7_status_render_farm_fields_progress_as_a_fraction() -> None:
    running = await poll_once(
        {"id": "r1", "status": "processing", "progress": 0.97, "overallProgress": 0.97}
    )
    assert running.progress == pytest.approx(97) and running.finalising
    bare = await poll_once({"overallProgress": 0.5, "framesRendered": 45})
    assert (bare.id, bare.status, bare.progress) == ("r1", "processing", 50)
    done = await poll_once(
        {"overallProgress": 1, "outputFile": "https://cdn.test/x.mp4", "outputSizeInBytes": 9}
    )
    assert done.status == "completed" and done.output and done.output.size == 9
    fatal = await poll_once(
        {"status": "processing", "fatalErrorEncountered": True, "errors": [{"message": "OOM"}]}
    )
    assert (fatal.status, fatal.error) == ("failed", "OOM")


async def test_spec_7_progress_0_100_past_95_is_finalising() -> None:
    status = await poll_once({"id": "r1", "status": "processing", "progress": 96})
    assert status.progress == 96 and status.finalising


async def test_spec_7_cancelled_status_ends_following() -> None:
    routes = {
        "GET /api/render/proxy/lambda/r1": status_route({"id": "r1", "status": "canceled"}),
        "POST /api/render/proxy/lambda/r1/cancel": lambda r: httpx.Response(
            200, json={"code": 0, "data": {"id": "r1", "status": "cancelled"}}
        ),
    }
    async with client_for(BASES[0], cloud(routes)) as client:
        assert (await client.cancel_render("r1")).status == "cancelled"
        with pytest.raises(RenderCancelled, match="r1 was cancelled"):
            await client.wait_for_render("r1", 10)


# --- SPEC 7: following, backing off, giving up --------------------------------------------------


@pytest.mark.parametrize("base", BASES)
async def test_spec_7_transient_poll_failures_repoll_the_same_id_and_never_resubmit(
    base: str,
) -> None:
    seen: list[httpx.Request] = []
    polls = status_route(
        503,
        {"id": "r1", "status": "processing", "progress": 20},
        429,
        408,
        {"id": "r1", "status": "completed", "outputUrl": "https://cdn.test/r1.mp4"},
    )
    recorder = Recorder()
    routes = {"GET /api/render/proxy/lambda/r1": polls}
    async with client_for(base, cloud(routes, seen), recorder) as client:
        done = await client.wait_for_render("r1", 10, longest_interval=30)
    assert done.status == "completed"
    assert not [r for r in seen if r.method == "POST"]
    assert {r.url.path for r in seen if r.method == "GET"} <= {
        "/api/render/proxy/lambda/r1",
        "/health",
    }


async def test_spec_7_polls_every_10_to_30_seconds_backing_off() -> None:
    polls = status_route(
        *[{"id": "r1", "status": "processing", "progress": p} for p in (10, 20, 30, 40, 50)],
        {"id": "r1", "status": "completed", "outputUrl": "https://cdn.test/r1.mp4"},
    )
    recorder = Recorder()
    routes = {"GET /api/render/proxy/lambda/r1": polls}
    async with client_for(BASES[0], cloud(routes), recorder) as client:
        await client.wait_for_render("r1", 10, longest_interval=30)
    render_waits = [s for s in recorder.sleeps if s >= 10]
    assert render_waits[0] == 10 and max(render_waits) == 30
    assert render_waits == sorted(render_waits)


async def test_spec_7_following_is_given_up_after_15_minutes() -> None:
    polls = status_route({"id": "r1", "status": "processing", "progress": 50})
    recorder = Recorder()
    routes = {"GET /api/render/proxy/lambda/r1": polls}
    async with client_for(BASES[0], cloud(routes), recorder) as client:
        with pytest.raises(RenderStillRunning, match="after 15 minutes"):
            await client.wait_for_render("r1", 10, longest_interval=30)
    assert 900 <= recorder.now < 900 + 30


# --- SPEC 7: downloads --------------------------------------------------------------------------


@pytest.mark.parametrize("base", BASES)
async def test_spec_7_fallback_route_answering_json_points_at_a_cdn_fetched_without_the_token(
    base: str, tmp_path: Path
) -> None:
    seen: list[httpx.Request] = []
    video = b"\x00\x00\x00\x18ftypmp42" + b"v" * 2000

    def fallback(request: httpx.Request) -> httpx.Response:
        pointer = {"output": {"url": "https://cdn.test/files/r1.mp4", "size": len(video)}}
        return httpx.Response(200, json={"code": 0, "data": pointer})

    def handle(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.url.host == "cdn.test":
            return httpx.Response(200, content=video, headers={"content-type": "video/mp4"})
        return cloud({"GET /api/render/proxy/r1/download": fallback})(request)

    completed = RenderStatus(id="r1", status="completed")  # completed, without a URL
    async with client_for(base, handle) as client:
        path = await client.download(completed, tmp_path / "r1.mp4")
    assert path.read_bytes() == video
    cdn = [r for r in seen if r.url.host == "cdn.test"]
    assert cdn and all("authorization" not in r.headers for r in cdn)
    route = [r for r in seen if r.url.path.endswith("/download")]
    assert route[0].headers["authorization"] == f"Bearer {TOKEN}"


async def test_spec_7_fallback_route_answering_the_video_itself(tmp_path: Path) -> None:
    video = b"m" * 3000

    def fallback(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=video, headers={"content-type": "video/mp4"})

    routes = {"GET /api/render/proxy/r1/download": fallback}
    async with client_for(BASES[0], cloud(routes)) as client:
        path = await client.download(RenderStatus(id="r1", status="completed"), tmp_path / "a.mp4")
    assert path.read_bytes() == video


# --- SPEC 8: error codes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "rejection",
    [
        httpx.Response(200, json={"code": 1010, "message": "token invalid"}),
        httpx.Response(200, json={"code": 1011, "message": "token expired"}),
        httpx.Response(401, json={"detail": "Not authenticated"}),
    ],
    ids=["code_1010", "code_1011", "http_401"],
)
async def test_spec_8_codes_1010_1011_and_http_401_renew_the_token_once(
    rejection: httpx.Response,
) -> None:
    issued: list[str] = []

    def token(request: httpx.Request) -> httpx.Response:
        issued.append(request.headers["x-client-id"])
        answer = {"token": "nmv_usr_fresh0002", "user_id": "anon_2", "credits": 100,
                  "expires_at": "2026-12-01T00:00:00Z"}  # fmt: skip
        return httpx.Response(200, json={"code": 0, "data": answer})

    def credits(request: httpx.Request) -> httpx.Response:
        if request.headers["authorization"] == f"Bearer {TOKEN}":
            return rejection
        return httpx.Response(200, json={"available": 7, "frozen": 0, "total": 7})

    routes = {"POST /api/auth/anonymous-token": token, "GET /api/credits/balance/simple": credits}
    async with client_for(BASES[0], cloud(routes)) as client:
        assert (await client.credits()).available == 7
    assert issued == ["cid-1"]


async def test_spec_8_bad_token_twice_is_one_clear_error() -> None:
    def token(request: httpx.Request) -> httpx.Response:
        answer = {"token": "nmv_usr_fresh0003", "user_id": "anon_3", "credits": 100,
                  "expires_at": "2026-12-01T00:00:00Z"}  # fmt: skip
        return httpx.Response(200, json={"code": 0, "data": answer})

    routes = {
        "POST /api/auth/anonymous-token": token,
        "GET /api/credits/balance/simple": lambda r: httpx.Response(401, json={"message": "no"}),
    }
    async with client_for(BASES[0], cloud(routes)) as client:
        with pytest.raises(AuthError, match="rejected too"):
            await client.credits()


async def test_spec_8_http_403_on_export_is_explained_with_the_claim_link() -> None:
    posts: list[str] = []

    def submit(request: httpx.Request) -> httpx.Response:
        posts.append(request.url.path)
        return httpx.Response(403, json={"message": "scope render required"})

    def claim(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json={"claim_token": "clm_abc", "expires_in": 604800})

    routes = {"POST /api/render/proxy/lambda": submit, "POST /api/auth/claim-token": claim}
    async with client_for(BASES[0], cloud(routes)) as client:
        with pytest.raises(NotAllowed) as caught:
            await client.submit_render("sid", Draft.from_wire(DRAFT))
    message = str(caught.value)
    assert "does not allow" in message and "scope render required" in message
    assert "https://nemovideo.com/workspace/claim?ct=clm_abc" in message
    assert TOKEN not in message and posts == ["/api/render/proxy/lambda"]


async def test_spec_8_http_422_shows_the_backend_message_and_is_not_retried() -> None:
    posts: list[str] = []

    def generate(request: httpx.Request) -> httpx.Response:
        posts.append(request.url.path)
        return httpx.Response(422, json={"detail": [{"msg": "clips are at most 15 s"}]})

    routes = {"POST /api/render/proxy/lambda": generate}
    async with client_for(BASES[0], cloud(routes)) as client:
        with pytest.raises(BadRequest, match="clips are at most 15 s") as caught:
            await client.submit_render("sid", Draft.from_wire(DRAFT))
    assert caught.value.status == 422 and len(posts) == 1


@pytest.mark.parametrize(
    "body",
    [{"message": "gateway says no"}, {"detail": "gateway says no"}],
    ids=["message", "detail"],
)
async def test_spec_1_error_bodies_with_only_message_or_detail_and_the_trace_id_logged(
    body: dict, tmp_path: Path
) -> None:
    log_file = diagnostics.enable(tmp_path / "diag.log")

    def fails(request: httpx.Request) -> httpx.Response:
        return httpx.Response(418, json=body, headers={"X-Trace-Id": "trace-123"})

    try:
        async with client_for(BASES[0], cloud({"GET /api/credits/balance/simple": fails})) as c:
            with pytest.raises(BadRequest, match="gateway says no") as caught:
                await c.credits()
    finally:
        # Only the file `enable` added: the logger's own null handler keeps stderr quiet.
        for handler in list(logging.getLogger("nemo_tui.diagnostics").handlers):
            if isinstance(handler, logging.FileHandler):
                handler.close()
                logging.getLogger("nemo_tui.diagnostics").removeHandler(handler)
    assert caught.value.trace_id == "trace-123"
    logged = log_file.read_text()
    assert "gateway says no" in logged and "X-Trace-Id trace-123" in logged
    assert TOKEN not in logged


# --- SPEC 2: the registration link -------------------------------------------------------------


async def test_spec_2_out_of_credits_anonymous_user_gets_the_bind_registration_link() -> None:
    def token(request: httpx.Request) -> httpx.Response:
        answer = {"token": "nmv_usr_new0004", "user_id": "anon_42", "credits": 0,
                  "expires_at": "2026-12-01T00:00:00Z"}  # fmt: skip
        return httpx.Response(200, json={"code": 0, "data": answer})

    routes = {
        "POST /api/auth/anonymous-token": token,
        "POST /run_sse": lambda r: httpx.Response(200, json={"code": 2001, "message": "no"}),
        "POST /api/auth/claim-token": lambda r: httpx.Response(
            200, json={"claim_token": "clm_x", "expires_in": 604800}
        ),
    }
    credentials = MemoryCredentials(client_id="cid-9")
    async with client_for(BASES[0], cloud(routes), credentials=credentials) as client:
        with pytest.raises(NoCredits) as caught:
            async with client.run_sse("sid", "make a video") as events:
                [event async for event in events]
    assert caught.value.register_url == "https://nemovideo.com/register?bind=anon_42"
    assert "register?bind=anon_42" in str(caught.value)
    assert "nmv_usr_new0004" not in str(caught.value)


# --- SPEC 6 and 10: credits and state -----------------------------------------------------------


async def test_spec_6_credits_total_granted_total_consumed_shape() -> None:
    answer = {"available": 60, "frozen": 5, "total_granted": 100, "total_consumed": 35}
    routes = {"GET /api/credits/balance/simple": lambda r: httpx.Response(200, json=answer)}
    async with client_for(BASES[0], cloud(routes)) as client:
        credits = await client.credits()
    assert (credits.available, credits.frozen, credits.total) == (60, 5, 65)
    assert (credits.total_granted, credits.total_consumed) == (100, 35)


@pytest.mark.parametrize(
    "draft",
    [
        '<draft version="3" duration="12000"><track type="video"><clip/><clip/></track></draft>',
        {"version": 3, "tracks": [{"segments": [{"a": 1}]}], "d": 12000},
    ],
    ids=["protocol_v3_string", "object_without_t"],
)
async def test_spec_6_foreign_draft_is_read_only_and_exported_untouched(draft: object) -> None:
    sent: list[dict] = []
    state = {
        "session_id": "sid",
        "state": {"draft": draft, "video_analyses": [{"scene": "beach"}]},
    }

    def submit(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(
            200, json={"success": True, "data": {"id": "r9", "status": "pending"}}
        )

    routes = {
        "GET /api/state/nemo_agent/me/sid/latest": lambda r: httpx.Response(
            200, json={"code": 0, "data": state}
        ),
        "POST /api/render/proxy/lambda": submit,
    }
    async with client_for(BASES[0], cloud(routes)) as client:
        got = await client.state("sid")
        line = summarize(got.state.draft)
        await client.submit_render("sid", got.state.draft)
    assert "read-only" in line and "12s" in line and "1 track" in line and " clip" in line
    assert got.state.video_analyses == [{"scene": "beach"}]
    assert sent[0]["draft"] == draft


async def test_spec_10_unknown_track_types_are_shown_kept_and_sent_back_untouched() -> None:
    draft = {
        "t": [
            {"id": "v1", "tt": 0, "sg": [{"id": "s1", "d": 3000, "m": {"name": "a.jpg"}}]},
            {"id": "fx", "tt": 4, "m": {"name": "Effects", "blend": "screen"},
             "sg": [{"id": "e1", "d": 2000, "m": {"name": "glow", "k": [1, 2]}}], "z": 9},
        ]
    }  # fmt: skip
    sent: list[dict] = []

    def submit(request: httpx.Request) -> httpx.Response:
        sent.append(json.loads(request.content))
        return httpx.Response(200, json={"id": "r1", "status": "pending", "progress": 0})

    state = {"session_id": "sid", "state": {"draft": draft}}
    routes = {
        "GET /api/state/nemo_agent/me/sid/latest": lambda r: httpx.Response(200, json=state),
        "POST /api/render/proxy/lambda": submit,
    }
    async with client_for(BASES[0], cloud(routes)) as client:
        got = await client.state("sid")
        await client.submit_render("sid", got.state.draft)
    assert "2. Effects (type 4): glow (0-2s)" in summarize(got.state.draft)
    assert sent[0]["draft"] == draft
