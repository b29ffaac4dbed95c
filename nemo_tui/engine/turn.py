"""One chat turn of `POST /run_sse`, streamed as ADK events (SPEC 4.1, dialect A).

The turn runs as its own task and hands SSE lines to the response through a queue, so a client that
drops the stream does not stop the turn: the draft is still saved, and the client finds it by
polling the session state, as SPEC 4 asks (a message is never sent twice).

A turn: ask the agent for a plan (keep-alive comments while it works); for a generate request,
stream the agent's opening words, freeze credits, render the scene (keep-alives), place it,
settle; save the new draft; then stream the reply in partial chunks, one functionCall and one
functionResponse event per tool call, and a final event repeating the whole text of the turn.
A `silent_share` of editing turns sends the function events only.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.to_thread

from nemo_tui import cjk
from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import ErrorCode
from nemo_tui.api.models import (
    AdkEvent,
    Content,
    EventActions,
    FunctionCall,
    FunctionResponse,
    Part,
)
from nemo_tui.engine.agent import intent, planner
from nemo_tui.engine.context import EngineContext
from nemo_tui.engine.media.generate import generate_scene
from nemo_tui.engine.media.uploads import store_generated
from nemo_tui.engine.store import SessionRow

log = logging.getLogger(__name__)

AGENT_NAME = "nemo_agent"
PING = ": ping\n\n"
WORDS_PER_CHUNK = 4
# The short side of a generated scene; the long side follows the draft's canvas.
GENERATED_SHORT_SIDE = 360

Result = TypeVar("Result")


def sse_data(payload: dict[str, Any]) -> str:
    """One SSE message: a single `data:` line of compact JSON and a blank line."""
    return f"data: {json.dumps(payload, separators=(',', ':'), ensure_ascii=False)}\n\n"


# A word of spaced text, or one CJK character (Chinese has no spaces to cut at).
_CJK = cjk.IDEOGRAPHS + cjk.PUNCTUATION
_TOKEN = re.compile(rf"\s*(?:[{_CJK}]|[^\s{_CJK}]+)\s*")


def text_chunks(text: str, words: int = WORDS_PER_CHUNK) -> list[str]:
    """The text cut into pieces of a few words (or CJK characters) whose concatenation is
    exactly `text`."""
    tokens = _TOKEN.findall(text) or ([text] if text else [])
    return ["".join(tokens[i : i + words]) for i in range(0, len(tokens), words)]


class TurnFailed(Exception):
    """Ends a turn with a mid-stream error line; `code` is an SPEC 8 code when one applies."""

    def __init__(self, message: str, code: ErrorCode | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code


class _EventWriter:
    """Builds the turn's events: one invocation id and author, a fresh id and timestamp each."""

    def __init__(self) -> None:
        self.invocation_id = f"e-{uuid.uuid4()}"

    def _event(self, role: str, part: Part, partial: bool | None) -> str:
        event = AdkEvent(
            content=Content(role=role, parts=[part]),
            partial=partial,
            invocation_id=self.invocation_id,
            author=AGENT_NAME,
            actions=EventActions(),
            id=str(uuid.uuid4()),
            timestamp=round(time.time(), 3),
        )
        return sse_data(event.to_wire())

    def text(self, text: str, *, partial: bool) -> str:
        # The final event leaves `partial` out (nulls are omitted) rather than sending false.
        return self._event("model", Part(text=text), True if partial else None)

    def function_call(self, call_id: str, name: str, args: dict[str, Any]) -> str:
        call = FunctionCall(id=call_id, name=name, args=args)
        return self._event("model", Part(function_call=call), None)

    def function_response(self, call_id: str, name: str, response: dict[str, Any]) -> str:
        answer = FunctionResponse(id=call_id, name=name, response=response)
        return self._event("user", Part(function_response=answer), None)


@dataclass
class Turn:
    """One message of one session, being answered."""

    engine: EngineContext
    session: SessionRow
    message: str
    # SSE lines for the response; None marks the end of the turn.
    _lines: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue, init=False)

    def start(self) -> AsyncIterator[str]:
        """Run the turn in the background; iterate the result for its SSE lines."""
        task = asyncio.create_task(self._run(), name=f"turn-{self.session.session_id}")
        self.engine.background.add(task)
        task.add_done_callback(self.engine.background.discard)
        return _drain(self._lines)

    async def _run(self) -> None:
        try:
            await self._answer()
        except TurnFailed as exc:
            payload: dict[str, Any] = {"error": exc.message}
            if exc.code is not None:
                payload["errorCode"] = str(int(exc.code))
            self._lines.put_nowait(sse_data(payload))
        except Exception as exc:
            log.exception("turn failed in session %s", self.session.session_id)
            reason = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            self._lines.put_nowait(sse_data({"error": f"the engine's agent failed: {reason}"}))
        finally:
            self._lines.put_nowait(None)

    async def _working(self, work: Awaitable[Result]) -> Result:
        """Await `work`, sending a keep-alive comment every `keepalive_seconds` until it is done."""
        task = asyncio.ensure_future(work)
        try:
            while True:
                done, _ = await asyncio.wait({task}, timeout=self.engine.settings.keepalive_seconds)
                if done:
                    return task.result()
                self._lines.put_nowait(PING)
        finally:
            task.cancel()

    async def _answer(self) -> None:
        store = self.engine.store
        session = self.session
        draft = store.latest_draft(session.session_id)
        events = _EventWriter()
        if intent.is_undo(self.message):
            restored = store.undo_draft(session.session_id)
            await self._reply(events, planner.undo_reply(session.language, restored), [])
            return
        media = [stored.info for stored in store.session_media(session.session_id)]
        plan = await self._working(
            anyio.to_thread.run_sync(
                planner.plan_turn, self.message, draft, media, session.language
            )
        )
        opening = ""
        if plan.generate is not None:
            # Say what is about to happen before the slow part, then the rest once it is done.
            opening = plan.text
            await self._partials(events, opening)
            plan = await self._generate(plan, draft)
        if plan.draft.model_dump() != draft.model_dump():
            store.push_draft(session.session_id, plan.draft)
        # A generate turn already spoke, so only plain edits may end silently.
        silent = (
            not opening
            and bool(plan.calls)
            and self.engine.rng.random() < self.engine.settings.silent_share
        )
        text = "" if silent else plan.text
        await self._reply(events, text, plan.calls, opening=opening)

    async def _partials(self, events: _EventWriter, text: str) -> None:
        for chunk in text_chunks(text):
            self._lines.put_nowait(events.text(chunk, partial=True))
            await asyncio.sleep(self.engine.settings.chunk_delay)

    async def _reply(
        self,
        events: _EventWriter,
        text: str,
        calls: list[planner.ToolCall],
        opening: str = "",
    ) -> None:
        """Partial text chunks, then each tool call and its result, then the whole text of the
        turn again (`opening`, already streamed, included) as the final event."""
        separator = " " if opening and text else ""
        await self._partials(events, separator + text)
        for call in calls:
            call_id = f"call_{uuid.uuid4().hex[:12]}"
            self._lines.put_nowait(events.function_call(call_id, call.name, call.args))
            self._lines.put_nowait(events.function_response(call_id, call.name, call.response))
        whole = opening + separator + text
        if whole:
            self._lines.put_nowait(events.text(whole, partial=False))

    async def _generate(self, plan: planner.TurnPlan, draft: Draft) -> planner.TurnPlan:
        """Charge for, render and place a generated scene. Credits are frozen first and only spent
        when the scene exists; a failure gives them back."""
        request = plan.generate
        assert request is not None
        store = self.engine.store
        user_id = self.session.user_id
        cost = max(1, math.ceil(request.seconds)) * self.engine.settings.generate_cost
        if not store.freeze_credits(user_id, cost):
            available = store.credits(user_id).available
            raise TurnFailed(
                f"not enough credits: a {request.seconds:g}-second scene costs {cost} credits and "
                f"{available} are left; register with the claim link or top up credits",
                ErrorCode.NO_CREDITS,
            )
        media_id = f"m_{uuid.uuid4().hex}"
        path = self.engine.settings.media_dir / f"{media_id}.mp4"
        width, height = _scene_size(draft)
        try:
            await self._working(
                generate_scene(request.prompt, request.seconds, path, width=width, height=height)
            )
            clip = await store_generated(
                store, self.session.session_id, path, f"generated-{media_id[2:10]}.mp4", media_id
            )
        except BaseException:
            store.release_credits(user_id, cost)
            path.unlink(missing_ok=True)
            raise
        store.settle_credits(user_id, cost)
        return planner.place_generated(plan, clip)


def _scene_size(draft: Draft) -> tuple[int, int]:
    """A small frame with the canvas's shape (even sides, as H.264 wants)."""
    width, height = draft.m.width or 16, draft.m.height or 9
    short = GENERATED_SHORT_SIDE
    if width >= height:
        return round(short * width / height / 2) * 2, short
    return short, round(short * height / width / 2) * 2


async def _drain(lines: asyncio.Queue[str | None]) -> AsyncIterator[str]:
    while (line := await lines.get()) is not None:
        yield line
