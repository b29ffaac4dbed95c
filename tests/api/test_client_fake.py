"""Client behaviour the local engine cannot show, through `httpx.MockTransport`.

The engine only ever sends dialect A events and render-status shape 1, never a 5xx on purpose, and
never a download URL on another host; a fake transport is used here for exactly those cases (and
to watch an HTTP stream being closed). Everything else is tested against the real engine.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from nemo_tui.api.client import NemoClient
from nemo_tui.api.errors import ServerError, StreamError
from nemo_tui.api.sse import KeepAlive, TextDelta, ToolCall, ToolResult
from nemo_tui.api.transport import MemoryCredentials

BASE = "http://api.test"
TOKEN = "nmv_usr_faketoken123456"


async def no_wait(seconds: float) -> None:
    """Tests that do not count waits skip them."""


def cloud_like(handler):
    """`handler` behind a server with no `/health` route, as the cloud may be."""

    def answer(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/health":
            return httpx.Response(404, json={"detail": "Not Found"})
        return handler(request)

    return answer


def make_client(handler, sleep=no_wait) -> NemoClient:
    return NemoClient(
        BASE,
        credentials=MemoryCredentials(token=TOKEN, client_id="c-1"),
        sleep=sleep,
        http_transport=httpx.MockTransport(cloud_like(handler)),
    )


def sse(*payloads: dict[str, object]) -> bytes:
    return b"".join(f"data: {json.dumps(p)}\n\n".encode() for p in payloads)


async def test_dialect_b_stream_through_the_client() -> None:
    body = sse(
        {"type": "text", "content": "Adding music"},
        {"type": "heartbeat"},
        {"type": "tool_call", "name": "add_audio", "args": {"volume": 0.35}},
        {"type": "tool_result", "name": "add_audio", "result": {"ok": True}},
    )

    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["accept"] == "text/event-stream"
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    async with make_client(handler) as client, client.run_sse("s1", "music") as events:
        received = [event async for event in events]
    assert received == [
        TextDelta(None, None, "Adding music", partial=False),
        KeepAlive(),
        ToolCall("add_audio", {"volume": 0.35}),
        ToolResult("add_audio", {"ok": True}),
    ]


async def test_error_event_mid_stream_raises_stream_error_after_the_text() -> None:
    body = sse({"type": "chunk", "content": "Working"}) + b'data: {"error": "GPU "busy""}\n\n'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body)

    received = []
    async with make_client(handler) as client:
        with pytest.raises(StreamError, match='GPU "busy"') as caught:
            async for event in client.run_sse("s1", "go"):
                received.append(event)
    assert received == [TextDelta(None, None, "Working", partial=True)]
    assert not caught.value.dropped


class SlowStream(httpx.AsyncByteStream):
    """An endless event stream that records whether the client closed it."""

    def __init__(self) -> None:
        self.closed = asyncio.Event()

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            yield sse({"type": "text", "content": "."})
            await asyncio.sleep(0.01)

    async def aclose(self) -> None:
        self.closed.set()


async def test_closing_the_event_stream_early_closes_the_http_stream() -> None:
    stream = SlowStream()

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=stream)

    async with make_client(handler) as client:
        events = client.run_sse("s1", "long turn")
        first = await anext(events)
        assert isinstance(first, TextDelta)
        await events.aclose()
        assert stream.closed.is_set()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        (
            {
                "success": True,
                "data": {"id": "r2", "status": "processing", "progress": 40, "outputUrl": None},
            },
            ("r2", "processing", 40.0, None),
        ),
        (
            {"render_id": "r3", "status": "completed", "output": {"url": "https://cdn.test/x.mp4"}},
            ("r3", "completed", 100.0, "https://cdn.test/x.mp4"),
        ),
    ],
)
async def test_render_status_shapes_two_and_three(answer: dict, expected: tuple) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, json=answer)

    async with make_client(handler) as client:
        status = await client.render_status(expected[0])
    url = status.output.url if status.output else None
    assert (status.id, status.status, status.progress, url) == expected


async def test_download_from_another_host_gets_no_token(tmp_path: Path) -> None:
    seen: dict[str, httpx.Headers] = {}

    def handler(request: httpx.Request) -> httpx.Response:
        seen[request.url.host] = request.headers
        return httpx.Response(200, content=b"x" * 1000)

    async with make_client(handler) as client:
        dest = await client.download("https://cdn.test/out.mp4", tmp_path / "out.mp4")
        await client.download(f"{BASE}/api/render/proxy/r1/download", tmp_path / "own.mp4")
    assert dest.read_bytes() == b"x" * 1000
    assert "authorization" not in seen["cdn.test"]
    assert seen["cdn.test"]["x-skill-source"] == "nemo-video"
    assert seen["api.test"]["authorization"] == f"Bearer {TOKEN}"


async def test_gets_retry_5xx_with_backoff_but_posts_do_not(sleeps) -> None:
    calls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        if len(calls) < 3:
            return httpx.Response(503, text="busy")
        return httpx.Response(200, json={"code": 0, "data": {"available": 7}})

    async with make_client(handler, sleeps) as client:
        credits = await client.credits()
    assert credits.available == 7 and calls == ["GET"] * 3 and sleeps.calls == [0.5, 1.0]

    calls.clear()
    async with make_client(handler) as client:
        with pytest.raises(ServerError, match="HTTP 503") as caught:
            await client.create_session("en")
    assert calls == ["POST"]
    assert TOKEN not in str(caught.value)


async def test_http_400_on_the_token_route_gets_a_new_client_id_and_one_retry() -> None:
    """The engine answers 400 only to a missing X-Client-Id, which this client never sends, so the
    400 case of SPEC 8 is played by a fake server that refuses the first id it sees."""
    ids: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/api/auth/anonymous-token":
            ids.append(request.headers["x-client-id"])
            if len(ids) == 1:
                return httpx.Response(400, json={"code": 400, "message": "missing X-Client-Id"})
            token = {"token": TOKEN, "user_id": "anon_1", "credits": 100, "expires_at": "x"}
            return httpx.Response(200, json={"code": 0, "data": token})
        assert request.headers["authorization"] == f"Bearer {TOKEN}"
        return httpx.Response(200, json={"available": 100, "frozen": 0, "total": 100})

    store = MemoryCredentials(client_id="refused-id")
    async with NemoClient(
        BASE, credentials=store, http_transport=httpx.MockTransport(cloud_like(handler))
    ) as client:
        credits = await client.credits()
    assert credits.available == 100
    assert ids[0] == "refused-id" and len(ids) == 2 and store.client_id == ids[1] != ids[0]
    assert store.token == TOKEN


async def test_malformed_json_is_a_one_line_server_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, text="<html>\n<b>oops</b>\n</html>")

    async with make_client(handler) as client:
        with pytest.raises(ServerError, match="malformed") as caught:
            await client.create_session("en")
    assert "\n" not in str(caught.value)


async def test_a_token_echoed_by_the_server_is_scrubbed_from_the_message() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(422, json={"detail": f"bad header Bearer {TOKEN}"})

    async with make_client(handler) as client:
        with pytest.raises(Exception) as caught:
            await client.create_session("en")
    assert TOKEN not in str(caught.value) and TOKEN not in repr(caught.value)


async def test_a_render_id_with_a_slash_is_cancelled_at_its_own_quoted_path() -> None:
    # The engine never hands out such an id; a hostile or odd server might.
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.url.raw_path.decode())
        return httpx.Response(200, json={"code": 0, "message": "ok", "data": {}})

    client = make_client(handler)
    await client.cancel_render("render_1/../../api/credits")
    assert seen == ["/api/render/proxy/lambda/render_1%2F..%2F..%2Fapi%2Fcredits/cancel"]
    await client.aclose()
