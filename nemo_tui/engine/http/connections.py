"""The connection guard: uvicorn's HTTP/1.1 protocol with a deadline on request headers and a cap
on open connections, so clients that open connections and send their headers slowly (or never)
cannot use up the engine's sockets and lock everyone out of `/health`.

A connection must deliver a request's headers within `header_timeout` of opening (or of its last
answer, when kept alive), or it is closed. When a new connection would pass `max_connections`, the
connection that has waited longest for its headers is closed to make room: a slow client loses
its place, a real request (whose headers came at once) keeps it.
"""

from __future__ import annotations

import asyncio
import weakref
from typing import Any

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState

# The connections of each server that are waiting for request headers, oldest first.
_waiting: weakref.WeakKeyDictionary[ServerState, dict[GuardedH11Protocol, None]] = (
    weakref.WeakKeyDictionary()
)


class GuardedH11Protocol(H11Protocol):
    """`H11Protocol` with a header deadline and eviction; see the module docstring."""

    header_timeout = 10.0
    max_connections = 512

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._deadline: asyncio.TimerHandle | None = None
        self._queue = _waiting.setdefault(self.server_state, {})

    @classmethod
    def configured(cls, header_timeout: float, max_connections: int) -> type[GuardedH11Protocol]:
        return type(
            "GuardedH11Protocol",
            (cls,),
            {"header_timeout": header_timeout, "max_connections": max_connections},
        )

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        if len(self.connections) > self.max_connections:
            oldest = next(iter(self._queue), None)
            if oldest is None:
                # Every connection is busy with a real request: this one waits its turn elsewhere.
                transport.close()
                return
            oldest._give_up()
        self._await_headers()

    def connection_lost(self, exc: Exception | None) -> None:
        self._headers_arrived()
        super().connection_lost(exc)

    def handle_events(self) -> None:
        super().handle_events()
        if self.conn.their_state is not h11.IDLE:
            self._headers_arrived()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and self.conn.their_state is h11.IDLE:
            self._await_headers()

    def _await_headers(self) -> None:
        self._headers_arrived()
        self._queue[self] = None
        self._deadline = self.loop.call_later(self.header_timeout, self._give_up)

    def _headers_arrived(self) -> None:
        self._queue.pop(self, None)
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None

    def _give_up(self) -> None:
        self._headers_arrived()
        if not self.transport.is_closing():
            self.transport.close()
