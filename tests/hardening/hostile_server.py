"""A hostile server for the client: the protocol's routes on loopback, answering what a test
scripts (control sequences, echoed tokens, bombs, paths in ids, bodies past their announced size).
A real HTTP server (Starlette under uvicorn in a thread), so the client's own httpx stack, headers
and decoding are what is tested.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

Handler = Callable[[Request], Response]

ONE_SEGMENT_DRAFT: dict[str, Any] = {
    "d": 1000,
    "m": {"width": 320, "height": 180, "fps": 30},
    "t": [{"id": "v1", "tt": 0, "name": "Video", "sg": [{"id": "s1", "d": 1000, "m": {}}]}],
}


def ok(data: Any) -> JSONResponse:
    return JSONResponse({"code": 0, "message": "ok", "data": data})


def sse_text_events(texts: list[str]) -> bytes:
    """ADK partial text events, one per text, then the final repeat of the whole."""
    lines = []
    for text in texts:
        event = {"content": {"role": "model", "parts": [{"text": text}]}, "partial": True}
        lines.append(f"data: {json.dumps(event)}\n\n")
    final = {"content": {"role": "model", "parts": [{"text": "".join(texts)}]}}
    lines.append(f"data: {json.dumps(final)}\n\n")
    return "".join(lines).encode()


@dataclass
class HostileServer:
    """What each route answers. Change fields (or `routes`) before the client calls."""

    token: str = "tok-hostile-echo-0123456789abcdef"
    agent_texts: list[str] = field(default_factory=lambda: ["Done."])
    draft: dict[str, Any] = field(default_factory=lambda: json.loads(json.dumps(ONE_SEGMENT_DRAFT)))
    render_id: str = "render_1"
    render_error: str | None = None
    file_bytes: bytes = b"\x00" * 1024
    # Overrides by path (exact), consulted before the defaults.
    routes: dict[str, Handler] = field(default_factory=dict)
    base_url: str = ""
    # Each request as (method, path as sent, its Accept-Encoding header).
    requests: list[tuple[str, str, str]] = field(default_factory=list)

    async def dispatch(self, request: Request) -> Response:
        path = request.url.path
        raw_path = request.scope["raw_path"].decode("latin-1")
        self.requests.append((request.method, raw_path, request.headers.get("accept-encoding", "")))
        if path in self.routes:
            return self.routes[path](request)
        if path == "/api/auth/anonymous-token":
            expires = "2099-01-01T00:00:00+00:00"
            data = {"token": self.token, "user_id": "u1", "credits": 100, "expires_at": expires}
            return ok(data)
        if path == "/api/tasks/me/with-session/nemo_agent":
            return ok({"task_id": "t1", "session_id": "s1"})
        if path == "/api/credits/balance/simple":
            return ok({"available": 100, "frozen": 0, "total": 100})
        if path.startswith("/api/state/nemo_agent/me/"):
            return ok({"session_id": "s1", "task_id": "t1", "state": {"draft": self.draft}})
        if path == "/run_sse":
            return Response(sse_text_events(self.agent_texts), media_type="text/event-stream")
        if path == "/api/render/proxy/lambda":
            return ok({"id": self.render_id, "status": "pending", "progress": 0})
        if path.startswith("/api/render/proxy/lambda/"):
            if self.render_error is not None:
                failed = {"id": self.render_id, "status": "failed", "error": self.render_error}
                return ok(failed)
            output = {"url": f"{self.base_url}/file.mp4", "size": len(self.file_bytes)}
            return ok({"id": self.render_id, "status": "completed", "output": output})
        if path == "/file.mp4":
            return Response(self.file_bytes, media_type="video/mp4")
        return JSONResponse({"code": 404, "message": "no such route", "data": None}, 404)


def endless(chunk: bytes, count: int) -> Callable[[], AsyncIterator[bytes]]:
    async def body() -> AsyncIterator[bytes]:
        for _ in range(count):
            yield chunk

    return body


def streaming(chunk: bytes, count: int, **headers: str) -> Handler:
    """A handler streaming `count` chunks (chunked encoding: no length announced)."""
    return lambda request: StreamingResponse(endless(chunk, count)(), headers=headers)


@contextmanager
def hostile_server(server: HostileServer | None = None) -> Iterator[HostileServer]:
    server = server or HostileServer()
    app = Starlette(routes=[Route("/{path:path}", server.dispatch, methods=["GET", "POST"])])
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    server.base_url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    runner = uvicorn.Server(uvicorn.Config(app, log_level="error", lifespan="off"))
    thread = threading.Thread(target=runner.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not runner.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the hostile server did not start"
        time.sleep(0.01)
    try:
        yield server
    finally:
        runner.should_exit = True
        thread.join()
        sock.close()
