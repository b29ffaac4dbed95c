"""The `Host` header check (HTTP and WebSocket): a request is served only when it names this
engine (a loopback name, the address the connection came in on, or a host the settings allow). A
web page on another site that rebinds its DNS name to 127.0.0.1 sends its own name as `Host`, so
it is refused with 421 in the envelope instead of reaching tokens and media, and its name never
lands in an output URL.
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


def origin_host(origin: str) -> str:
    """The host name of an `Origin` header value (`scheme://host[:port]`); '' when unreadable."""
    _, sep, rest = origin.strip().partition("://")
    return host_name(rest) if sep else ""


class HostGuard:
    """ASGI middleware refusing requests and WebSocket handshakes whose `Host` is not this
    engine, and handshakes from a web page of another site (its `Origin`): a page may open a
    socket to 127.0.0.1 with the right `Host`, but its browser names the page in `Origin`."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = {name.lower() for name in allowed}

    def _ours(self, name: str, scope: Scope) -> bool:
        server = scope.get("server") or ("", None)
        return bool(name) and (
            is_loopback_host(name) or name == str(server[0]) or name in self.allowed
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        headers = {k: v.decode("latin-1") for k, v in scope["headers"] if k in (b"host", b"origin")}
        header = headers.get(b"host", "")
        refusal = None
        if not self._ours(host_name(header), scope):
            shown = "".join(char for char in header[:80] if char.isprintable())
            refusal = (
                f"the Host header '{shown}' does not name this engine: use its address"
                ", or add the name to NEMO_ENGINE_ALLOWED_HOSTS"
            )
        elif (
            scope["type"] == "websocket"
            and b"origin" in headers
            and not self._ours(origin_host(headers[b"origin"]), scope)
        ):
            refusal = "a web page of another site may not open this engine's chat socket"
        if refusal is None:
            await self.app(scope, receive, send)
            return
        body = json.dumps({"code": MISDIRECTED, "message": refusal, "data": None}).encode()
        if scope["type"] != "websocket":
            await _send_refusal(send, "http.response", body)
        elif "websocket.http.response" in scope.get("extensions", {}):
            # A handshake answered as an HTTP response where the server can (an ASGI extension).
            await _send_refusal(send, "websocket.http.response", body)
        else:
            await send({"type": "websocket.close", "code": 1008})  # a bare 403


async def _send_refusal(send: Send, kind: str, body: bytes) -> None:
    """The refusal as a 421 JSON response, in the ASGI messages of `kind`."""
    await send(
        {
            "type": f"{kind}.start",
            "status": MISDIRECTED,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": f"{kind}.body", "body": body})
