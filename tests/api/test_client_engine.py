"""The client against the real local engine over loopback HTTP: tokens, every SPEC 8 case, chat
turns, uploads and renders. Nothing here is mocked."""

from __future__ import annotations

import json
import os
import socket
import uuid
from collections.abc import Callable
from pathlib import Path

import av
import pytest

from nemo_tui.api.client import NemoClient
from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import (
    AuthError,
    BadRequest,
    ExportBlocked,
    NoCredits,
    RateLimited,
    ServerError,
    SessionNotFound,
    UploadRejected,
)
from nemo_tui.api.sse import KeepAlive, TextDelta, ToolCall, ToolResult
from nemo_tui.api.transport import MemoryCredentials
from nemo_tui.api.turns import TurnAssembler
from nemo_tui.engine.http.server import RunningEngine
from tests.support import faults

from .conftest import Sleeps


class CountingCredentials(MemoryCredentials):
    """Counts how many tokens were stored: each one is an anonymous-token call that succeeded."""

    def __init__(self, **fields: str | None) -> None:
        super().__init__(**fields)
        self.tokens_stored = 0

    def set_token(self, token: str | None, user_id: str | None = None) -> None:
        super().set_token(token, user_id)
        self.tokens_stored += token is not None


def connect(engine: RunningEngine, credentials: MemoryCredentials, **options) -> NemoClient:
    options.setdefault("rate_limit_wait", 0.01)
    options.setdefault("retry_backoff", 0.01)
    return NemoClient(engine.base_url, credentials=credentials, **options)


# --- tokens ------------------------------------------------------------------------------------


async def test_anonymous_token_is_fetched_once_and_kept(engine: RunningEngine) -> None:
    store = CountingCredentials()
    async with connect(engine, store) as client:
        session = await client.create_session("en")
        credits = await client.credits()
    assert store.token is not None and store.token.startswith("nmv_")
    assert uuid.UUID(store.client_id or "")
    assert session.session_id and credits.available == 100
    # A second run with the same store reuses the token: no new one (the engine would answer 429).
    async with connect(engine, store) as client:
        state = await client.state(session.session_id)
    assert state.session_id == session.session_id and store.tokens_stored == 1


async def test_a_rejected_token_is_replaced_once_and_the_call_succeeds(
    engine: RunningEngine,
) -> None:
    store = CountingCredentials(token="nmv_usr_madeup_expired_token", client_id=str(uuid.uuid4()))
    async with connect(engine, store) as client:
        credits = await client.credits()
    assert credits.available == 100
    assert store.tokens_stored == 1 and store.token != "nmv_usr_madeup_expired_token"


async def test_a_rejected_user_token_is_reported_not_replaced(engine: RunningEngine) -> None:
    store = CountingCredentials()
    secret = "nmv_usr_users_own_token_abcdef"
    async with connect(engine, store, token=secret) as client:
        with pytest.raises(AuthError, match="NEMO_TOKEN") as caught:
            await client.credits()
    assert store.tokens_stored == 0
    assert secret not in str(caught.value) and secret not in repr(caught.value)


async def test_rate_limited_token_waits_exactly_once(engine: RunningEngine, sleeps) -> None:
    client_id = str(uuid.uuid4())
    async with connect(engine, MemoryCredentials(client_id=client_id)) as client:
        await client.credits()
    # Same install, token lost: the engine allows one token per client id per window -> 429.
    async with connect(engine, MemoryCredentials(client_id=client_id), sleep=sleeps) as client:
        with pytest.raises(RateLimited, match="limiting requests"):
            await client.credits()
    assert sleeps.calls == [0.01]


async def test_a_damaged_stored_client_id_is_replaced(engine: RunningEngine) -> None:
    store = CountingCredentials(client_id="not a\tvalid header value")
    async with connect(engine, store) as client:
        credits = await client.credits()
    assert credits.available == 100 and store.tokens_stored == 1
    assert uuid.UUID(store.client_id or "")


# --- sessions, credits, export, and the other errors -------------------------------------------


async def test_unknown_session_is_session_not_found(client: NemoClient) -> None:
    with pytest.raises(SessionNotFound):
        await client.state("no-such-session")
    with pytest.raises(SessionNotFound):
        async with client.run_sse("no-such-session", "hello") as events:
            [event async for event in events]


async def test_export_without_attribution_is_blocked_not_a_credit_issue(
    engine: RunningEngine,
) -> None:
    async with connect(engine, MemoryCredentials(), skill_platform="") as client:
        session = await client.create_session("en")
        with pytest.raises(ExportBlocked, match="unlock export") as caught:
            await client.submit_render(session.session_id, Draft.blank())
    # SPEC 2: a 402 on export points to the claim link, not to credits.
    assert "not a credits issue" in str(caught.value)
    assert caught.value.claim_url and "/claim?ct=clm_" in caught.value.claim_url


async def test_exporting_an_empty_draft_is_a_clear_one_line_error(client: NemoClient) -> None:
    session = await client.create_session("en")
    with pytest.raises(BadRequest, match="nothing to export") as caught:
        await client.submit_render(session.session_id, Draft.blank())
    assert "\n" not in str(caught.value)


async def test_out_of_credits_gives_an_anonymous_user_the_claim_link(make_engine) -> None:
    engine = make_engine(initial_credits=0)
    async with connect(engine, MemoryCredentials()) as client:
        session = await client.create_session("en")
        with pytest.raises(NoCredits) as caught:
            async with client.run_sse(
                session.session_id, "generate a 3-second video of a sunset"
            ) as events:
                [event async for event in events]
    error = caught.value
    assert error.anonymous and error.claim_url and "/claim?ct=clm_" in error.claim_url
    assert error.claim_url in str(error)


async def test_connection_refused_is_one_line_after_three_tries(sleeps) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    store = MemoryCredentials(token="nmv_usr_whatever_123")
    async with NemoClient(f"http://127.0.0.1:{port}", credentials=store, sleep=sleeps) as client:
        with pytest.raises(ServerError, match="Cannot reach") as caught:
            await client.credits()
    assert "\n" not in str(caught.value) and len(sleeps.calls) == 2


# --- chat --------------------------------------------------------------------------------------


async def test_a_turn_streams_text_once_and_tool_activity(client: NemoClient) -> None:
    session = await client.create_session("en")
    turn = TurnAssembler()
    shown = ""
    kinds: set[type] = set()
    async with client.run_sse(session.session_id, "make it vertical 9:16") as events:
        async for event in events:
            kinds.add(type(event))
            if isinstance(event, TextDelta):
                update = turn.feed(event)
                shown = update.text if update.replaced else shown + update.delta
    assert {TextDelta, ToolCall, ToolResult} <= kinds
    assert "vertical" in turn.visible_text and shown == turn.visible_text
    state = await client.state(session.session_id)
    assert (state.state.draft.m.width, state.state.draft.m.height) == (1080, 1920)


async def test_keep_alives_arrive_while_the_engine_works(client: NemoClient) -> None:
    session = await client.create_session("en")
    async with client.run_sse(session.session_id, "generate a 2-second video of the sea") as events:
        received = [event async for event in events]
    assert any(isinstance(event, KeepAlive) for event in received)
    credits = await client.credits()
    assert credits.available == 98


async def test_leaving_a_turn_early_leaves_the_client_usable(client: NemoClient) -> None:
    session = await client.create_session("en")
    events = client.run_sse(session.session_id, "generate a 2-second video of a forest")
    first = await anext(events)
    assert first is not None
    await events.aclose()
    assert (await client.credits()).total == 100


# --- uploads -----------------------------------------------------------------------------------


async def test_upload_streams_files_with_progress(client: NemoClient, media_dir: Path) -> None:
    session = await client.create_session("en")
    files = [media_dir / "photo1.jpg", media_dir / "clip.mp4", media_dir / "voice.m4a"]
    progress: list[tuple[int, int | None]] = []
    result = await client.upload(
        session.session_id, files, on_progress=lambda done, total: progress.append((done, total))
    )
    total = sum(path.stat().st_size for path in files)
    assert [f.filename for f in result.files] == ["photo1.jpg", "clip.mp4", "voice.m4a"]
    assert [f.file_type for f in result.files] == ["image", "video", "audio"]
    assert progress[-1] == (total, total)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    state = await client.state(session.session_id)
    assert len(state.state.video_infos) == 3


async def test_upload_pre_checks_name_each_file_and_send_nothing(
    client: NemoClient, media_dir: Path, tmp_path: Path
) -> None:
    session = await client.create_session("en")
    notes = tmp_path / "notes.pdf"
    notes.write_text("not media")
    empty = tmp_path / "empty.mp4"
    empty.touch()
    folder = tmp_path / "shoot.mov"
    folder.mkdir()
    huge = tmp_path / "huge.mp4"
    with huge.open("wb"):
        pass
    os.truncate(huge, 501 * 1024 * 1024)  # sparse: no disk used
    good = media_dir / "photo2.jpg"
    with pytest.raises(UploadRejected) as caught:
        await client.upload(session.session_id, [good, notes, empty, folder, huge])
    problems = {problem.path.name: problem for problem in caught.value.problems}
    assert set(problems) == {"notes.pdf", "empty.mp4", "shoot.mov", "huge.mp4"}
    assert problems["notes.pdf"].reason == "unsupported" and "mp4" in problems["notes.pdf"].message
    assert problems["empty.mp4"].reason == "empty"
    assert problems["shoot.mov"].reason == "directory"
    assert problems["huge.mp4"].reason == "too_large"
    assert "huge.mp4 is 501 MB, over the 500 MB limit" in problems["huge.mp4"].message
    for name in problems:
        assert name in str(caught.value)
    state = await client.state(session.session_id)
    assert state.state.video_infos == []


async def test_image_skills_have_the_lower_limit(engine: RunningEngine, tmp_path: Path) -> None:
    big = tmp_path / "big.jpg"
    with big.open("wb"):
        pass
    os.truncate(big, 201 * 1024 * 1024)
    async with connect(engine, MemoryCredentials(), skill="image-no-generator") as client:
        assert [p.reason for p in client.check_files([big])] == ["too_large"]


# --- renders -----------------------------------------------------------------------------------


async def _session_with_slideshow(client: NemoClient, media_dir: Path) -> tuple[str, Draft]:
    session = await client.create_session("en")
    await client.upload(session.session_id, [media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
    async with client.run_sse(
        session.session_id, "create a slideshow from these images, each photo 1 second"
    ) as events:
        [event async for event in events]
    draft = (await client.state(session.session_id)).state.draft
    assert draft.is_exportable()
    return session.session_id, draft


async def test_render_submit_poll_and_download_a_real_mp4(
    client: NemoClient, media_dir: Path, tmp_path: Path
) -> None:
    session_id, draft = await _session_with_slideshow(client, media_dir)
    submitted = await client.submit_render(session_id, draft, output_height=180)
    assert submitted.id.startswith("render_") and submitted.status in ("pending", "processing")
    seen: list[str] = []
    done = await client.wait_for_render(submitted.id, 0.1, lambda s: seen.append(s.status))
    assert seen[-1] == "completed" and done.output is not None
    downloaded: list[int] = []
    dest = await client.download(
        done, tmp_path / "out" / "video.mp4", lambda n, _: downloaded.append(n)
    )
    assert dest.stat().st_size == done.output.size == downloaded[-1]
    assert not (tmp_path / "out" / "video.mp4.part").exists()
    with av.open(str(dest)) as container:
        video = container.streams.video[0]
        assert video.codec_context.name == "h264" and video.height == 180
        assert container.duration / av.time_base == pytest.approx(
            draft.computed_duration() / 1000, abs=0.3
        )


async def test_interrupted_download_resumes_with_range_and_is_byte_identical(
    client: NemoClient, media_dir: Path, tmp_path: Path
) -> None:
    session_id, draft = await _session_with_slideshow(client, media_dir)
    done = await client.wait_for_render(
        (await client.submit_render(session_id, draft, output_height=180)).id, 0.1
    )
    whole = await client.download(done, tmp_path / "whole.mp4")
    original = whole.read_bytes()
    # An earlier download died part-way: its .part holds the first third.
    part = tmp_path / "resumed.mp4.part"
    kept = len(original) // 3
    part.write_bytes(original[:kept])
    progress: list[int] = []
    resumed = await client.download(
        done.id and client.download_url(done), tmp_path / "resumed.mp4",
        lambda n, _: progress.append(n),
    )  # fmt: skip
    assert resumed.read_bytes() == original
    # Only the missing bytes came over the wire: counting starts at the kept size.
    assert progress[0] > kept and progress[-1] == len(original)
    assert (
        sum(b - a for a, b in zip([kept, *progress], progress, strict=False))
        == len(original) - kept
    )
    assert not part.exists()


@pytest.mark.parametrize(("failures", "arrives"), [(2, True), (3, False)])
async def test_a_failing_download_is_tried_three_times_on_one_schedule(
    make_engine, media_dir: Path, tmp_path: Path, sleeps: Sleeps, failures: int, arrives: bool
) -> None:
    """The fault switch fails the first `failures` GETs of the file: three attempts in all, with the
    transport's backoff between them (once, the download looped three times around a transport
    that itself tried three times: nine GETs on two schedules)."""
    engine = make_engine(
        faults=faults({"path": "/api/media/*", "method": "GET", "times": failures, "error": 500})
    )
    photo = media_dir / "photo1.jpg"
    dest = tmp_path / "photo.jpg"
    async with connect(engine, MemoryCredentials(), sleep=sleeps) as client:
        session = await client.create_session("en")
        url = (await client.upload(session.session_id, [photo])).files[0].cdn_url
        if arrives:
            await client.download(url, dest)
        else:
            with pytest.raises(ServerError, match="injected fault"):
                await client.download(url, dest)
    assert sleeps.calls == [0.01, 0.02]
    assert dest.exists() == arrives
    if arrives:
        assert dest.read_bytes() == photo.read_bytes()


async def test_fallback_download_route_when_the_status_has_no_url(
    client: NemoClient, media_dir: Path, tmp_path: Path
) -> None:
    session_id, draft = await _session_with_slideshow(client, media_dir)
    done = await client.wait_for_render(
        (await client.submit_render(session_id, draft, output_height=180)).id, 0.1
    )
    without_url = done.model_copy(update={"output": None})
    assert client.download_url(without_url) == f"/api/render/proxy/{done.id}/download"
    dest = await client.download(without_url, tmp_path / "fallback.mp4")
    assert dest.stat().st_size == done.output.size


async def test_a_failed_health_check_is_asked_again_not_kept_for_the_process(
    start_engine: Callable[..., RunningEngine],
) -> None:
    engine = start_engine(faults=json.dumps([{"path": "/health", "error": 500, "times": 1}]))
    client = NemoClient(engine.base_url, credentials=MemoryCredentials())
    first = await client.identify()
    second = await client.identify()
    assert first.startswith("http://127.0.0.1")  # by its origin while it could not say
    assert second.startswith("instance ")  # then by its own id, once it answered
    await client.aclose()
