"""The `Host` header check: a request is served only when it names this engine (a loopback name,
the address the connection came in on, or a host the settings allow). A web page on another site
that rebinds its DNS name to 127.0.0.1 sends its own name as `Host`, so it is refused with 421 in
the envelope instead of reaching tokens and media, and its name never lands in an output URL.
"""

from __future__ import annotations

import json

from starlette.types import ASGIApp, Receive, Scope, Send

from nemo_tui.loopback import is_loopback_host

MISDIRECTED = 421


def host_name(header: str) -> str:
    """The name part of a `Host` header value: no port, no IPv6 brackets, lower case."""
    header = header.strip().lower()
    if header.startswith("["):
        return header[1 : header.find("]")] if "]" in header else header
    return header.rsplit(":", 1)[0] if header.count(":") == 1 else header


class HostGuard:
    """ASGI middleware refusing requests whose `Host` is not this engine."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = {name.lower() for name in allowed}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        header = next((v for k, v in scope["headers"] if k == b"host"), b"").decode("latin-1")
        name = host_name(header)
        server = scope.get("server") or ("", None)
        if name and (is_loopback_host(name) or name == str(server[0]) or name in self.allowed):
            await self.app(scope, receive, send)
            return
        shown = "".join(char for char in header[:80] if char.isprintable())
        body = json.dumps(
            {
                "code": MISDIRECTED,
                "message": f"the Host header '{shown}' does not name this engine: use its address"
                ", or add the name to NEMO_ENGINE_ALLOWED_HOSTS",
                "data": None,
            }
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": MISDIRECTED,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
