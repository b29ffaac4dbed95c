"""The gateway's chat socket, `/ws/chat?token=&session_id=` (SPEC 11, GATEWAY.md 1.4 and E13).

After the handshake the server says `session_ready` and only then may the client send a
`message`; the turn's messages follow in dialect B and `done` ends it (not after a question: the
answer comes as the next `message`, on the same socket). `ping` is answered `pong`, `abort` stops
the running turn (its `done` follows). The server never closes first, except 4002 for a missing
session id and 4001 for a refused key. A turn runs on when its socket drops, and a socket opened
for the session soon after that sends nothing gets the rest of it (the CLI reconnects once and
never resends); a new message instead starts its own turn, which waits for the one before."""

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
# A socket opened while its session's turn is running (or just ended unheard) gets the rest of
# that turn only if it sends no message this soon: a client reconnecting after a drop sends
# nothing, a new one sends its message as soon as it is ready and must not get an old `done`.
RESUME_GRACE_SECONDS = 1.0


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
        self._resume: asyncio.Task[None] | None = None
        # The last turn forwarded ended on a question: the client owes an answer (or an abort).
        self._asked = False

    async def send(self, message: dict[str, Any]) -> None:
        async with self._send_lock:
            await self.socket.send_text(json.dumps(message, ensure_ascii=False))

    def follow(self, live: LiveTurn) -> None:
        self._forwarder = asyncio.create_task(self._forward(live))
        live.forward_with(self._forwarder)

    async def _forward(self, live: LiveTurn) -> None:
        while (message := await live.messages.get()) is not None:
            await self.send(message)
            self._asked = message["type"] == "ask_question"
        relays_of(self.socket).finished(live)

    def resume_later(self, live: LiveTurn) -> None:
        """Follow `live` after the grace period, unless this socket's client speaks first."""
        self._resume = asyncio.create_task(self._resume_after_grace(live))

    async def _resume_after_grace(self, live: LiveTurn) -> None:
        await asyncio.sleep(RESUME_GRACE_SECONDS)
        self.follow(live)

    def busy(self) -> bool:
        """True while this socket is forwarding a turn its client started or resumed."""
        return self._forwarder is not None and not self._forwarder.done()

    async def close(self) -> None:
        # The turn goes on without this socket; only the forwarding stops.
        for task in (self._resume, self._forwarder):
            if task is not None:
                task.cancel()
                with suppress(asyncio.CancelledError):
                    await task

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
            await self._abort()
        elif kind == "message":
            await self._message(message.get("content"))

    async def _abort(self) -> None:
        """Stop the running turn (its `done` follows); while a question waits for its answer,
        the abort is the answer: the turn is over, `done`."""
        live = relays_of(self.socket).running(self.session.session_id)
        if live is not None and live.ended is None:
            live.turn.cancel()
        elif self._asked and not self.busy():
            self._asked = False
            await self.send({"type": "done"})

    async def _message(self, content: Any) -> None:
        engine = engine_of(self.socket)
        relays = relays_of(self.socket)
        if not isinstance(content, str) or not content.strip():
            await self.send({"type": "error", "error": "the message has no text (content)"})
            return
        if self.busy():
            await self.send(
                {"type": "error", "error": "a turn is still running: wait for done, or abort it"}
            )
            return
        self._asked = False
        if self._resume is not None:
            # A new client, not a reconnecting one: an earlier turn's rest is not for it.
            self._resume.cancel()
            self._resume = None
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
        chat_socket.resume_later(live)
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
