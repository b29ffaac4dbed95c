"""Gateway shapes the engine never sends, so they are served here by a small WebSocket server of
the test's own (real sockets on loopback): a sandbox warming up (503, then a 403 with no reason,
both retried as the official CLI does), a 403 naming a bad token (not retried), close codes 4001 and
4002 before `session_ready`; and the export path rewrite, a pure function."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from http import HTTPStatus

import httpx
import pytest
from websockets.asyncio.server import ServerConnection, serve
from websockets.http11 import Request, Response

from nemo_tui.api.errors import AuthError, ServerError
from nemo_tui.api.gateway import KEY_REJECTED, rewrite_userdata_paths
from nemo_tui.api.gateway_chat import GatewayChat, websocket_url
from nemo_tui.api.sse import TextDelta

KEY = "nmv_usr_shapes_0123456789"


@asynccontextmanager
async def gateway_socket(
    refusals: list[tuple[int, bytes]], close_code: int | None = None
) -> AsyncIterator[tuple[str, list[str]]]:
    """A chat socket that first refuses the handshakes listed, then says `session_ready` and
    answers one message with a `text` and `done` (or closes with `close_code` at once)."""
    seen: list[str] = []

    def refuse(connection: ServerConnection, request: Request) -> Response | None:
        seen.append(request.path)
        if refusals:
            status, body = refusals.pop(0)
            return connection.respond(HTTPStatus(status), body.decode())
        return None

    async def chat(connection: ServerConnection) -> None:
        if close_code is not None:
            await connection.close(close_code)
            return
        await connection.send(json.dumps({"type": "session_ready"}))
        message = json.loads(await connection.recv())
        await connection.send(json.dumps({"type": "text", "text": f"got {message['content']}"}))
        await connection.send(json.dumps({"type": "done"}))
        await connection.wait_closed()

    async with serve(chat, "127.0.0.1", 0, process_request=refuse) as server:
        port = server.sockets[0].getsockname()[1]
        yield f"http://127.0.0.1:{port}", seen


def chat_for(base: str, waits: list[float]) -> GatewayChat:
    async def record(seconds: float) -> None:
        waits.append(seconds)

    return GatewayChat(
        httpx.URL(base), KEY, {}, KEY_REJECTED, lambda text: text.replace(KEY, "[key]"), record
    )


async def turn_text(chat: GatewayChat) -> list[object]:
    return [event async for event in chat.turn("s-1", "hello")]


async def test_a_warming_up_gateway_is_retried_like_the_official_cli() -> None:
    refusals = [(503, b"starting"), (403, b""), (502, b"")]
    async with gateway_socket(refusals) as (base, seen):
        waits: list[float] = []
        events = await turn_text(chat_for(base, waits))
    assert events == [TextDelta(None, None, "got hello", partial=False)]
    assert waits == [2.0, 3.0, 3.0]
    assert len(seen) == 4
    assert seen[-1] == f"/ws/chat?token={KEY}&session_id=s-1"


async def test_a_403_naming_the_token_is_the_rejected_key_at_once() -> None:
    refusals = [(403, b'{"reason": "Invalid token"}')]
    async with gateway_socket(refusals) as (base, seen):
        waits: list[float] = []
        with pytest.raises(AuthError) as caught:
            await turn_text(chat_for(base, waits))
    assert str(caught.value) == KEY_REJECTED
    assert waits == [] and len(seen) == 1


async def test_retries_run_out_with_one_line_that_never_holds_the_key() -> None:
    refusals = [(503, KEY.encode())] * 11
    async with gateway_socket(refusals) as (base, _seen):
        waits: list[float] = []
        with pytest.raises(ServerError) as caught:
            await turn_text(chat_for(base, waits))
    assert len(waits) == 10 and sum(waits) == 39.0
    assert "HTTP 503" in str(caught.value) and "retries exhausted" in str(caught.value)
    assert KEY not in str(caught.value)


@pytest.mark.parametrize(
    ("code", "error", "words"),
    [(4001, AuthError, "API key was rejected"), (4002, ServerError, "no session id")],
)
async def test_close_codes_before_session_ready(
    code: int, error: type[Exception], words: str
) -> None:
    async with gateway_socket([], close_code=code) as (base, _seen):
        with pytest.raises(error, match=words):
            await turn_text(chat_for(base, []))


def test_the_websocket_url_follows_the_scheme_and_encodes_the_key() -> None:
    def url(base: str) -> str:
        return websocket_url(httpx.URL(base), "nmv_usr_a/b", "s 1")

    assert (
        url("https://gw.example/")
        == "wss://gw.example/ws/chat?token=nmv_usr_a%2Fb&session_id=s%201"
    )
    assert url("http://127.0.0.1:8700").startswith("ws://127.0.0.1:8700/ws/chat?")


def test_userdata_paths_become_the_files_cdn_urls() -> None:
    draft = {
        "t": [
            {"sg": [{"m": {"src": "/mnt/userdata/abc/shoe1.jpg"}}]},
            {"sg": [{"m": {"src": "/mnt/userdata/x/voice.m4a", "name": "voice"}}]},
            {"sg": [{"m": {"src": "/mnt/userdata/x/other.png"}}]},
        ]
    }
    files = [
        {"s3_key": "uploads/u1/shoe1.jpg", "cdn_url": "https://cdn.example/shoe1.jpg?sig=1"},
        {"s3_key": "uploads/u1/voice.m4a", "cdn_url": 'https://cdn.example/v"oice.m4a'},
    ]
    rewritten = rewrite_userdata_paths(draft, files)
    sources = [track["sg"][0]["m"]["src"] for track in rewritten["t"]]
    assert sources == [
        "https://cdn.example/shoe1.jpg?sig=1",
        'https://cdn.example/v"oice.m4a',
        "/mnt/userdata/x/other.png",  # no file of that name: left as it was
    ]
    assert rewritten["t"][1]["sg"][0]["m"]["name"] == "voice"
    assert rewrite_userdata_paths(draft, []) is draft
