"""The gateway's chat socket, `/ws/chat?token=&session_id=` (SPEC 11, GATEWAY.md 1.4 and E13).

After the handshake the server says `session_ready` and only then may the client send a
`message`; the turn's messages follow in dialect B and `done` ends it (not after a question: the
answer comes as the next `message`, on the same socket). `ping` is answered `pong`, `abort` stops
the running turn (its `done` follows). The server never closes first, except 4002 for a missing
session id and 4001 for a refused key. A turn runs on when its socket drops, and a socket opened
for the session soon after gets the rest of it (the CLI reconnects once and never resends)."""

from __future__ import annotations

import asyncio
import json
from contextlib import suppress
from typing import Any

from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from nemo_tui.engine.errors import ApiError
from nemo_tui.engine.gateway.relay import LiveTurn, Relays
from nemo_tui.engine.http.common import engine_of
from nemo_tui.engine.http.gateway import key_user
from nemo_tui.engine.limits import check_message
from nemo_tui.engine.store import SessionRow
from nemo_tui.engine.turn import Turn

CLOSE_BAD_KEY = 4001
CLOSE_NO_SESSION = 4002


def relays_of(socket: WebSocket) -> Relays:
    relays: Relays = socket.app.state.relays  # set once by the app factory
    return relays


class ChatSocket:
    """One client's socket in one session: sends are serialised (the turn's forwarder and the
    answers to pings share the socket)."""

    def __init__(self, socket: WebSocket, session: SessionRow) -> None:
        self.socket = socket
        self.session = session
        self._send_lock = asyncio.Lock()
        self._forwarder: asyncio.Task[None] | None = None

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.socket.send_text(json.dumps(message, ensure_ascii=False))

    def follow(self, live: LiveTurn) -> None:
        self._forwarder = asyncio.create_task(self._forward(live))
        live.forward_with(self._forwarder)

    async def _forward(self, live: LiveTurn) -> None:
        while (message := await live.messages.get()) is not None:
            await self.send(message)
        relays_of(self.socket).finished(live)

    def busy(self) -> bool:
        return self._forwarder is not None and not self._forwarder.done()

    async def close(self) -> None:
        # The turn goes on without this socket; only the forwarding stops.
        if self._forwarder is not None:
            self._forwarder.cancel()
            with suppress(asyncio.CancelledError):
                await self._forwarder

    async def handle(self, raw: str) -> None:
        engine = engine_of(self.socket)
        try:
            message = json.loads(raw) if len(raw) <= engine.settings.max_body_bytes else None
        except json.JSONDecodeError:
            message = None
        if not isinstance(message, dict):
            await self.send({"type": "error", "error": "a message must be one JSON object"})
            return
        kind = message.get("type")
        if kind == "ping":
            await self.send({"type": "pong"})
        elif kind == "abort":
            live = relays_of(self.socket).running(self.session.session_id)
            if live is not None:
                live.turn.cancel()
        elif kind == "message":
            await self._message(message.get("content"))

    async def _message(self, content: Any) -> None:
        engine = engine_of(self.socket)
        relays = relays_of(self.socket)
        if not isinstance(content, str) or not content.strip():
            await self.send({"type": "error", "error": "the message has no text (content)"})
            return
        if relays.running(self.session.session_id) is not None:
            await self.send(
                {"type": "error", "error": "a turn is still running: wait for done, or abort it"}
            )
            return
        try:
            check_message(content, engine.settings)
        except ApiError as exc:
            await self.send({"type": "error", "error": exc.message})
            return
        engine.store.record_message(self.session.session_id, content)
        await self.send({"type": "message_accepted"})
        live = relays.start(Turn(engine=engine, session=self.session, message=content))
        self.follow(live)


async def chat(socket: WebSocket) -> None:
    await socket.accept()
    session_id = socket.query_params.get("session_id", "").strip()
    if not session_id:
        await socket.close(CLOSE_NO_SESSION, "Missing session_id")
        return
    try:
        user_id = key_user(socket, socket.query_params.get("token", ""))
    except ApiError:
        await socket.close(CLOSE_BAD_KEY, "invalid token")
        return
    engine = engine_of(socket)
    session = engine.store.session(session_id)
    if session is None or session.user_id != user_id:
        await socket.close(CLOSE_BAD_KEY, "invalid token for this session")
        return
    chat_socket = ChatSocket(socket, session)
    await chat_socket.send({"type": "session_ready", "session_id": session.session_id})
    live = relays_of(socket).running(session.session_id)
    if live is not None:
        chat_socket.follow(live)
    try:
        while True:
            frame = await socket.receive()
            if frame["type"] == "websocket.disconnect":
                break
            raw = frame.get("text") or (frame.get("bytes") or b"").decode("utf-8", "replace")
            await chat_socket.handle(raw)
    except WebSocketDisconnect:
        pass
    finally:
        await chat_socket.close()


ROUTES = [WebSocketRoute("/ws/chat", chat)]
