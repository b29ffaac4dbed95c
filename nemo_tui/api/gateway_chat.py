"""Chat turns over the gateway's WebSocket (SPEC 11, GATEWAY.md 1.4), as the same typed events
the SSE reader gives (`nemo_tui.api.sse`), so a turn looks the same to `core` on either API.

One socket per turn: open `/ws/chat?token=&session_id=`, wait for `session_ready`, send the
message once, read dialect-B messages until `done`, then close it ourselves. A `{"type":"ping"}`
goes out every 30 s. Leaving early (Escape) sends `{"type":"abort"}` first. A socket the server
drops is reopened once and the message is never resent; a second drop ends the turn as dropped,
for the caller to poll the state. A question (`ask_question`) ends our side of the turn but keeps
the socket: the answer goes out on it as the next message (SPEC 4.4).

The key travels in the URL, so the URL is built at connect time, never logged (the WebSocket
library's own logger, which prints request lines, is switched off) and never put in an error.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from collections.abc import AsyncGenerator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

import httpx
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, InvalidHandshake, InvalidStatus

from nemo_tui.api.errors import AuthError, NemoError, ServerError, StreamError
from nemo_tui.api.sse import MAX_EVENT_BYTES, Asked, StreamEvent, StreamFailure, TurnDone
from nemo_tui.api.sse import parse_data as parse_message

# The WebSocket library logs each handshake's request line, key and all: that logger stays off.
_WIRE_LOG = logging.getLogger("nemo_tui.gateway.wire")
_WIRE_LOG.disabled = True

PING_EVERY = 30.0
RECONNECT_AFTER = 1.0
# The CLI's handshake retries while the gateway warms a sandbox up (502/503/504, or a 403 that
# names no auth problem): about 39 s in all.
HANDSHAKE_DELAYS = (2.0, 3.0, 3.0, 3.0, 3.0, 5.0, 5.0, 5.0, 5.0, 5.0)
OPEN_TIMEOUT = 15.0
# As for SSE (SPEC 4): a turn may last 15 minutes; nothing at all for that long is a lost turn.
SILENCE_LIMIT = 900.0
ABORT_WAIT = 2.0
CLOSE_BAD_KEY = 4001
CLOSE_NO_SESSION = 4002
# A 403 whose reason holds one of these is a refused key, not a sandbox warming up.
_AUTH_PHRASES = (
    "invalid authentication token",
    "invalid token",
    "invalid or expired",
    "missing authentication token",
    "token not found",
    "token has been revoked",
    "token has expired",
)
_RETRY_STATUSES = frozenset({502, 503, 504})
MAX_REASON = 200

Sleep = Callable[[float], Awaitable[None]]


def websocket_url(base: httpx.URL, key: str, session_id: str) -> str:
    """GATEWAY.md 1.4: `https` -> `wss`, `http` -> `ws`, key and session in the query."""
    scheme = "wss" if base.scheme == "https" else "ws"
    root = str(base.copy_with(scheme=scheme)).rstrip("/")
    token, session = quote(key, safe=""), quote(session_id, safe="")
    return f"{root}/ws/chat?token={token}&session_id={session}"


@dataclass
class _Parked:
    """A socket kept open after a question, read (and pinged) until the answer goes out on it."""

    socket: ClientConnection
    keeper: asyncio.Task[None]


@dataclass
class GatewayChat:
    """The gateway's chat socket for one API key. `rejected` is the one line said when the key is
    refused; `scrub` masks it in any server text that reaches an error."""

    base: httpx.URL
    key: str = field(repr=False)
    headers: dict[str, str]
    rejected: str
    scrub: Callable[[str], str]
    sleep: Sleep = asyncio.sleep
    ping_every: float = PING_EVERY
    reconnect_after: float = RECONNECT_AFTER
    handshake_delays: Sequence[float] = HANDSHAKE_DELAYS
    silence_limit: float = SILENCE_LIMIT
    _parked: dict[str, _Parked] = field(default_factory=dict, repr=False)

    async def aclose(self) -> None:
        for session_id in list(self._parked):
            parked = self._parked.pop(session_id)
            parked.keeper.cancel()
            await parked.socket.close()

    async def turn(self, session_id: str, text: str) -> AsyncGenerator[StreamEvent, None]:
        """The events of one turn; ends at `done`, after a question, or with a `NemoError`."""
        socket = await self._reuse(session_id) or await self._connect(session_id)
        pinger = asyncio.create_task(self._ping(socket))
        finished = False
        try:
            await socket.send(_message(text))
            reconnected = False
            while True:
                try:
                    raw = await asyncio.wait_for(socket.recv(), self.silence_limit)
                except TimeoutError:
                    raise StreamError(
                        "The agent sent nothing for 15 minutes; the turn is treated as lost "
                        "(the message was not resent).",
                        dropped=True,
                    ) from None
                except ConnectionClosed as closed:
                    self._refuse_close(closed)
                    if reconnected:
                        raise _dropped("again after reconnecting") from None
                    reconnected = True
                    pinger.cancel()
                    socket = await self._reconnect(session_id)
                    pinger = asyncio.create_task(self._ping(socket))
                    continue
                for event in parse_message(raw if isinstance(raw, str) else raw.decode()):
                    if isinstance(event, TurnDone):
                        finished = True
                        return
                    if isinstance(event, StreamFailure):
                        finished = True
                        raise StreamError(self.scrub(event.message))
                    yield event
                    if isinstance(event, Asked):
                        # The answer goes out on this socket; `done` may come only after it.
                        finished = True
                        pinger.cancel()
                        self._park(session_id, socket)
                        return
        finally:
            pinger.cancel()
            if session_id not in self._parked or self._parked[session_id].socket is not socket:
                await self._close(socket, abort=not finished)

    async def _reuse(self, session_id: str) -> ClientConnection | None:
        parked = self._parked.pop(session_id, None)
        if parked is None:
            return None
        parked.keeper.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await parked.keeper
        if parked.socket.close_code is not None:
            return None
        return parked.socket

    def _park(self, session_id: str, socket: ClientConnection) -> None:
        self._parked[session_id] = _Parked(socket, asyncio.create_task(self._keep(socket)))

    async def _keep(self, socket: ClientConnection) -> None:
        """While a question waits: ping, and read what comes (a `done` sent early is ignored,
        as the CLI ignores it while a question is pending)."""
        pinger = asyncio.create_task(self._ping(socket))
        try:
            async for _ in socket:
                pass
        except ConnectionClosed:
            pass
        finally:
            pinger.cancel()

    async def _close(self, socket: ClientConnection, *, abort: bool) -> None:
        """Close our side. A turn left before its end first asks the gateway to stop it and waits
        (briefly) for its `done` or `error`, so the gateway has nothing of it left to hand to the
        next socket of the session."""
        with contextlib.suppress(ConnectionClosed, TimeoutError, OSError):
            if abort:
                async with asyncio.timeout(ABORT_WAIT):
                    await socket.send(json.dumps({"type": "abort"}))
                    async for raw in socket:
                        payload = _json(raw)
                        if payload is not None and payload.get("type") in ("done", "error"):
                            break
            await asyncio.wait_for(socket.close(), ABORT_WAIT)

    async def _ping(self, socket: ClientConnection) -> None:
        with contextlib.suppress(ConnectionClosed):
            while True:
                # Real time, whatever `sleep` a test injects: the gateway counts seconds.
                await asyncio.sleep(self.ping_every)
                await socket.send(json.dumps({"type": "ping"}))

    def _refuse_close(self, closed: ConnectionClosed) -> None:
        code = closed.rcvd.code if closed.rcvd is not None else None
        if code == CLOSE_BAD_KEY:
            raise AuthError(self.rejected) from None
        if code == CLOSE_NO_SESSION:
            raise ServerError("The gateway said the chat had no session id (a bug in nemo-tui).")

    async def _reconnect(self, session_id: str) -> ClientConnection:
        """SPEC 11: one reconnect, the message not resent; the turn's end comes on the new one."""
        await self.sleep(self.reconnect_after)
        try:
            return await self._connect(session_id)
        except AuthError:
            raise
        except NemoError:
            raise _dropped("and reconnecting failed") from None

    async def _connect(self, session_id: str) -> ClientConnection:
        """Open the socket (retrying a warming-up gateway) and wait for `session_ready`."""
        for attempt in range(len(self.handshake_delays) + 1):
            try:
                socket = await self._open(session_id)
            except InvalidStatus as refused:
                status = refused.response.status_code
                reason = _reason(refused.response.body)
                if status == 401 or (status == 403 and _names_auth(reason)):
                    raise AuthError(self.rejected) from None
                transient = status in _RETRY_STATUSES or (status == 403 and not _names_auth(reason))
                if transient and attempt < len(self.handshake_delays):
                    await self.sleep(self.handshake_delays[attempt])
                    continue
                said = f" — {self.scrub(reason)}" if reason else ""
                tried = " (retries exhausted)" if transient else ""
                raise ServerError(
                    f"The gateway refused the chat connection: HTTP {status}{said}{tried}."
                ) from None
            return await self._ready(socket)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _open(self, session_id: str) -> ClientConnection:
        try:
            return await connect(
                websocket_url(self.base, self.key, session_id),
                additional_headers=self.headers,
                open_timeout=OPEN_TIMEOUT,
                # Keep-alive is the gateway's own `ping` message (below), as the official CLI's.
                ping_interval=None,
                max_size=MAX_EVENT_BYTES,
                close_timeout=ABORT_WAIT,
                logger=_WIRE_LOG,
                proxy=None,
            )
        except InvalidStatus:
            raise
        except (InvalidHandshake, OSError, TimeoutError) as error:
            # Never the exception's own words: they may quote the URL, and the URL holds the key.
            where = f"{self.base.scheme}://{self.base.netloc.decode()}"
            raise ServerError(
                f"Cannot open the chat connection to {where} ({type(error).__name__}).",
                transient=True,
            ) from None

    async def _ready(self, socket: ClientConnection) -> ClientConnection:
        """Wait for `session_ready`: the gateway reads nothing sent before it."""
        try:
            async with asyncio.timeout(OPEN_TIMEOUT * 4):
                async for raw in socket:
                    payload = _json(raw)
                    if payload is not None and payload.get("type") == "session_ready":
                        return socket
                    if payload is not None and payload.get("type") == "error":
                        detail = self.scrub(str(payload.get("error") or payload.get("message")))
                        await socket.close()
                        raise ServerError(f"The gateway refused the chat: {detail}.")
        except ConnectionClosed as closed:
            self._refuse_close(closed)
        except TimeoutError:
            await socket.close()
            raise ServerError("The gateway opened the chat but never said it was ready.") from None
        self._refuse_close_code(socket)
        raise ServerError("The gateway closed the chat before it was ready.", transient=True)

    def _refuse_close_code(self, socket: ClientConnection) -> None:
        if socket.close_code == CLOSE_BAD_KEY:
            raise AuthError(self.rejected)
        if socket.close_code == CLOSE_NO_SESSION:
            raise ServerError("The gateway said the chat had no session id (a bug in nemo-tui).")


def _message(text: str) -> str:
    return json.dumps({"type": "message", "content": text, "metadata": {}}, ensure_ascii=False)


def _dropped(how: str) -> StreamError:
    return StreamError(f"The chat connection dropped {how}; the message was not resent.", True)


def _json(raw: str | bytes) -> dict[str, Any] | None:
    try:
        payload = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    return payload if isinstance(payload, dict) else None


def _reason(body: bytes | bytearray | None) -> str:
    """A refused handshake's reason: JSON `reason`/`message`/`detail`, else its first words."""
    text = bytes(body or b"")[:4096].decode("utf-8", "replace")
    payload = _json(text)
    if payload is not None:
        for key in ("reason", "message", "detail"):
            if isinstance(payload.get(key), str):
                return " ".join(str(payload[key]).split())[:MAX_REASON]
    return " ".join(text.split())[:MAX_REASON]


def _names_auth(reason: str) -> bool:
    lowered = reason.lower()
    return any(phrase in lowered for phrase in _AUTH_PHRASES)
