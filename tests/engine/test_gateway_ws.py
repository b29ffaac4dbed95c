"""The gateway's chat socket, `/ws/chat` (SPEC 11, GATEWAY.md 1.4 and E13), over real loopback with
the `websockets` client: `session_ready` first, a turn in dialect B ending with `done`, a question
answered on the same socket, ping and abort, the close codes, a dropped socket resumed without
resending, the Host and Origin checks, and the key kept out of every log line."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus

from nemo_tui.engine.http.server import RunningEngine
from tests.engine.gateway_helpers import (
    KeyUser,
    chat_socket,
    new_key,
    receive,
    say,
    send,
    until,
)
from tests.engine.helpers import data_of

TURN_TIMEOUT = 60.0


@pytest.fixture
def engine(start_engine: Callable[..., RunningEngine]) -> RunningEngine:
    return start_engine()


@pytest.fixture
def user(engine: RunningEngine) -> Iterator[KeyUser]:
    with httpx.Client(base_url=engine.base_url, trust_env=False, timeout=30) as http:
        yield KeyUser(http, new_key())


def with_photos(user: KeyUser, media_dir: Path, count: int = 3) -> tuple[str, str]:
    project_id, session_id = user.new_project()
    for index in range(count):
        user.upload(session_id, media_dir / f"photo{index + 1}.jpg", "image/jpeg")
    return project_id, session_id


async def test_session_ready_comes_first_and_a_turn_ends_with_done_on_an_open_socket(
    engine: RunningEngine, user: KeyUser, media_dir: Path
) -> None:
    project_id, session_id = with_photos(user, media_dir)
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        assert await receive(socket) == {"type": "session_ready", "session_id": session_id}
        await say(socket, "turn these photos into a 10-second video")
        turn = await asyncio.wait_for(until(socket, "done"), TURN_TIMEOUT)
        kinds = [message["type"] for message in turn]
        assert kinds[0] == "message_accepted" and kinds[-1] == "done"
        assert {"chunk", "text", "tool_start", "tool_end"} <= set(kinds)
        # Each `text` is the complete text of its step: the chunks just before it, joined.
        pending: list[str] = []
        for message in turn:
            if message["type"] == "chunk":
                pending.append(message["text"])
            elif message["type"] == "text":
                assert message["text"] == "".join(pending)
                pending = []
        assert "10" in " ".join(m["text"] for m in turn if m["type"] == "text")
        # The server never closes first: the socket still answers after `done`.
        await send(socket, {"type": "ping"})
        assert await receive(socket) == {"type": "pong"}
    draft = user.frontend(project_id)["project"]["timeline_draft"]
    assert draft["d"] == 10_000
    assert len(draft["t"][0]["sg"]) == 3


async def test_a_question_is_answered_on_the_same_socket_and_only_its_answer_ends_with_done(
    engine: RunningEngine, user: KeyUser, media_dir: Path
) -> None:
    project_id, session_id = with_photos(user, media_dir, count=2)
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        await receive(socket)
        await say(socket, "make a video")
        asked = await asyncio.wait_for(until(socket, "ask_question", "done"), TURN_TIMEOUT)
        question = asked[-1]
        assert question["type"] == "ask_question", asked
        prompts = [q["prompt"] for q in question["questions"]]
        assert prompts == ["How long should it be?", "Which shape?"]
        assert "30 seconds" in [o["label"] for o in question["questions"][0]["options"]]
        # No `done` came with the question; an abort is not needed but ends the wait too.
        await send(socket, {"type": "abort"})
        assert await asyncio.wait_for(receive(socket), TURN_TIMEOUT) == {"type": "done"}
        await say(socket, "1. How long should it be?: 30 seconds\n2. Which shape?: 9:16 vertical")
        answered = await asyncio.wait_for(until(socket, "done"), TURN_TIMEOUT)
        assert "ask_question" not in [m["type"] for m in answered]
    draft = user.frontend(project_id)["project"]["timeline_draft"]
    assert draft["d"] == 30_000
    assert (draft["m"]["width"], draft["m"]["height"]) == (1080, 1920)


async def test_abort_stops_a_generate_gives_its_credits_back_and_ends_with_done(
    engine: RunningEngine, user: KeyUser
) -> None:
    project_id, session_id = user.new_project()
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        await receive(socket)
        await send(socket, {"type": "ping"})
        assert await receive(socket) == {"type": "pong"}
        await say(socket, "generate a 60-second video of a sunset over the sea")
        await asyncio.wait_for(until(socket, "chunk"), TURN_TIMEOUT)
        await send(socket, {"type": "abort"})
        rest = await asyncio.wait_for(until(socket, "done"), TURN_TIMEOUT)
        assert "tool_start" not in [m["type"] for m in rest]
    assert user.balance() == {
        "available": 100,
        "frozen": 0,
        "total_granted": 100,
        "total_consumed": 0,
    }
    assert "timeline_draft" not in user.frontend(project_id)["project"]


async def close_code(engine: RunningEngine, key: str, session_id: str | None) -> int:
    async with chat_socket(engine.base_url, key, session_id) as socket:
        with pytest.raises(ConnectionClosed) as closed:
            await asyncio.wait_for(socket.recv(), TURN_TIMEOUT)
    assert closed.value.rcvd is not None
    return closed.value.rcvd.code


async def test_close_codes_4002_without_a_session_and_4001_for_a_refused_key_or_foreign_session(
    start_engine: Callable[..., RunningEngine],
) -> None:
    # With an access key the engine takes only the keys it was started with.
    given = new_key()
    engine = start_engine(access_key="door", api_keys=[given])
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        owner = KeyUser(http, given)
        _, session_id = owner.new_project()
        refused = KeyUser(http, new_key())
        answer = refused.get("/billing/balance")
        assert answer.status_code == 401
        assert "API key was rejected" in answer.json()["message"]
        assert refused.key not in answer.text
    assert await close_code(engine, given, None) == 4002
    assert await close_code(engine, refused.key, session_id) == 4001
    assert await close_code(engine, given, "not-a-session") == 4001


async def test_a_dropped_socket_gets_the_rest_of_its_turn_on_the_next_one_without_resending(
    engine: RunningEngine, user: KeyUser, media_dir: Path
) -> None:
    project_id, session_id = with_photos(user, media_dir)
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        await receive(socket)
        await say(socket, "turn these photos into a 12-second video")
        assert (await receive(socket))["type"] == "message_accepted"
    # The client reconnects and sends nothing: the turn's words and its `done` come anyway.
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        assert (await receive(socket))["type"] == "session_ready"
        rest = await asyncio.wait_for(until(socket, "done"), TURN_TIMEOUT)
        assert any(m["type"] == "text" and "12" in m["text"] for m in rest), rest
    usage = data_of(user.get("/billing/usage/conversations"))
    turns = [item for item in usage["items"] if item["kind"] == "conversation"]
    assert [t["conversation"]["user_message"] for t in turns] == [
        "turn these photos into a 12-second video"
    ]
    assert user.frontend(project_id)["project"]["timeline_draft"]["d"] == 12_000


async def test_a_socket_naming_another_host_or_opened_by_another_site_is_refused(
    engine: RunningEngine, user: KeyUser
) -> None:
    _, session_id = user.new_project()
    with pytest.raises(InvalidStatus) as refused:
        async with chat_socket(engine.base_url, user.key, session_id, origin="http://evil.example"):
            pass
    assert refused.value.response.status_code == 421
    assert b"another site" in refused.value.response.body
    handshake = {
        "Host": "evil.example",
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    answer = httpx.get(
        f"{engine.base_url}/ws/chat?session_id={session_id}", headers=handshake, trust_env=False
    )
    assert answer.status_code == 421
    assert "does not name this engine" in answer.json()["message"]


class Lines(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))


async def test_the_key_never_reaches_a_log_line(
    engine: RunningEngine, user: KeyUser, media_dir: Path
) -> None:
    handler = Lines()
    loggers = [logging.getLogger(name) for name in ("uvicorn.error", "uvicorn.access")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.DEBUG)
    try:
        _, session_id = user.new_project()
        async with chat_socket(engine.base_url, user.key, session_id) as socket:
            await receive(socket)
            await say(socket, "hello")
            await asyncio.wait_for(until(socket, "done"), TURN_TIMEOUT)
        user.get(f"/billing/balance?token={user.key}")
        with pytest.raises(ConnectionClosed):
            async with chat_socket(engine.base_url, user.key, None) as socket:
                await socket.recv()
    finally:
        for logger, level in zip(loggers, levels, strict=True):
            logger.removeHandler(handler)
            logger.setLevel(level)
    logged = "\n".join(handler.lines)
    assert "/ws/chat?token=***" in logged, logged
    assert "/billing/balance?token=***" in logged, logged
    assert user.key not in logged
    assert user.key.removeprefix("nmv_usr_") not in logged


async def test_a_failed_turn_is_an_error_message_then_done(
    start_engine: Callable[..., RunningEngine],
) -> None:
    engine = start_engine(initial_credits=5)
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = KeyUser(http, new_key())
        _, session_id = user.new_project()
        async with chat_socket(engine.base_url, user.key, session_id) as socket:
            await receive(socket)
            await say(socket, "generate a 10-second video of a storm")
            turn = await asyncio.wait_for(until(socket, "done"), TURN_TIMEOUT)
        (error,) = [m for m in turn if m["type"] == "error"]
        assert "not enough credits" in error["error"] and "5 are left" in error["error"]
        assert turn[-1] == {"type": "done"}
        assert user.balance()["available"] == 5


async def test_an_idle_socket_outlives_the_header_deadline_of_plain_connections(
    start_engine: Callable[..., RunningEngine],
) -> None:
    engine = start_engine(header_timeout_seconds=0.3)
    with httpx.Client(base_url=engine.base_url, trust_env=False) as http:
        user = KeyUser(http, new_key())
        _, session_id = user.new_project()
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        await receive(socket)
        await asyncio.sleep(1.0)
        await send(socket, {"type": "ping"})
        assert await asyncio.wait_for(receive(socket), TURN_TIMEOUT) == {"type": "pong"}


async def test_a_frame_that_is_not_a_json_object_is_answered_with_an_error_not_a_close(
    engine: RunningEngine, user: KeyUser
) -> None:
    _, session_id = user.new_project()
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        await receive(socket)
        for frame in ("not json", "[1, 2]", json.dumps({"type": "message", "content": ""})):
            await socket.send(frame)
            answer = await asyncio.wait_for(receive(socket), TURN_TIMEOUT)
            assert answer["type"] == "error", answer
        await send(socket, {"type": "ping"})
        assert await receive(socket) == {"type": "pong"}


async def test_a_second_socket_takes_over_the_running_turn_from_the_first(
    engine: RunningEngine, user: KeyUser
) -> None:
    _, session_id = user.new_project()
    async with chat_socket(engine.base_url, user.key, session_id) as first:
        await receive(first)
        await say(first, "generate a 20-second video of a forest")
        await asyncio.wait_for(until(first, "message_accepted"), TURN_TIMEOUT)
        async with chat_socket(engine.base_url, user.key, session_id) as second:
            await receive(second)
            rest = await asyncio.wait_for(until(second, "done"), TURN_TIMEOUT)
            assert [m["tool"] for m in rest if m["type"] == "tool_start"] == ["generate_video"]
        # The first socket is still open and answers, but the end of the turn went elsewhere.
        await send(first, {"type": "ping"})
        seen = await asyncio.wait_for(until(first, "pong"), TURN_TIMEOUT)
        assert [m["type"] for m in seen if m["type"] in ("tool_start", "done")] == []


async def test_a_new_client_after_a_dropped_one_gets_its_own_turn_not_the_old_ones_end(
    engine: RunningEngine, user: KeyUser, media_dir: Path
) -> None:
    _, session_id = with_photos(user, media_dir)
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        await receive(socket)
        await say(socket, "turn these photos into a 12-second video")
        assert (await receive(socket))["type"] == "message_accepted"
    async with chat_socket(engine.base_url, user.key, session_id) as socket:
        assert (await receive(socket))["type"] == "session_ready"
        await say(socket, "hello")
        mine = await asyncio.wait_for(until(socket, "done"), TURN_TIMEOUT)
    assert [m["type"] for m in mine].count("message_accepted") == 1
    assert not [m for m in mine if m["type"] in ("tool_start", "tool_end")], mine
    assert "12" not in " ".join(m.get("text", "") for m in mine)
