"""The relay between a running turn and whichever socket is chatting in its session. A turn runs
on its own (SPEC 4: a dropped client never stops it); its messages wait in the relay, so a client
that reconnects after a drop (the official CLI does once, without resending) gets the rest of the
turn and its `done` on the new socket."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from nemo_tui.engine.gateway.dialect_b import DialectB, Message
from nemo_tui.engine.turn import Turn

log = logging.getLogger(__name__)

DONE: Message = {"type": "done"}
# A turn that ended while no socket listened is handed to a socket opened this soon after (the
# CLI's one reconnect comes after a second); later, a new socket starts clean.
RESUME_SECONDS = 30.0


@dataclass
class LiveTurn:
    """One turn's messages on their way to the session's socket; None ends them."""

    turn: Turn
    messages: asyncio.Queue[Message | None] = field(default_factory=asyncio.Queue)
    ended: float | None = None
    # The task forwarding the messages to a socket: one at a time, the newest socket's.
    forwarder: asyncio.Task[None] | None = None

    def forward_with(self, forwarder: asyncio.Task[None]) -> None:
        """Hand the messages to a new socket's forwarder; an older socket stops getting them."""
        if self.forwarder is not None:
            self.forwarder.cancel()
        self.forwarder = forwarder

    async def pump(self, lines: AsyncIterator[str]) -> None:
        """Translate the turn's lines into messages: `done` at the end unless it asked."""
        dialect = DialectB()
        try:
            async for line in lines:
                for message in dialect.translate(line):
                    self.messages.put_nowait(message)
        except Exception:
            log.exception("a turn's relay failed in session %s", self.turn.session.session_id)
            error = "the turn failed (an internal error of the engine); see its log"
            self.messages.put_nowait({"type": "error", "error": error})
        finally:
            if not dialect.asked:
                self.messages.put_nowait(DONE)
            self.messages.put_nowait(None)
            self.ended = time.monotonic()


@dataclass
class Relays:
    """The live turn of each session (at most one), shared by the engine's sockets."""

    live: dict[str, LiveTurn] = field(default_factory=dict)

    def start(self, turn: Turn) -> LiveTurn:
        """Run `turn`, its pump held with the engine's background tasks (stopped with it)."""
        live = LiveTurn(turn)
        session_id = turn.session.session_id
        self.live[session_id] = live
        background = turn.engine.background
        task = asyncio.create_task(live.pump(turn.start()), name=f"relay-{session_id}")
        background.add(task)
        task.add_done_callback(background.discard)
        return live

    def running(self, session_id: str) -> LiveTurn | None:
        """The session's turn whose messages a new socket should get: one still running, or
        one that ended moments ago with nobody listening."""
        live = self.live.get(session_id)
        if live is None or live.ended is None:
            return live
        if time.monotonic() - live.ended > RESUME_SECONDS:
            del self.live[session_id]
            return None
        return live

    def finished(self, live: LiveTurn) -> None:
        """Its last message was delivered: the session is free for the next turn."""
        session_id = live.turn.session.session_id
        if self.live.get(session_id) is live:
            del self.live[session_id]
