"""One chat turn of `POST /run_sse`, streamed as ADK events (SPEC 4.1, dialect A).

The turn runs as its own task and hands SSE lines to the response through a queue, so a client that
drops the stream does not stop the turn: the draft is still saved, and the client finds it by
polling the session state, as SPEC 4 asks (a message is never sent twice).

The events are ADK 2.x's: an edit is two model calls of one invocation, the first explaining and
calling the tools (partial chunks, then a final repeating its text with the function calls), one
event with the tools' responses, then the second confirming. A turn: ask the agent for a plan
(keep-alive comments while it works); for a generate request, stream the opening words, freeze
credits, render the scene (keep-alives), place it, settle; save the new draft; then the rest. A
truly ambiguous request gets an `ask_question` call instead, and the turn ends there. A
`silent_share` of editing turns sends the function events only. Errors are 2.x's sequence.
"""

from __future__ import annotations

import asyncio
import json
import logging
import math
import re
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Sequence
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
MODEL_VERSION = "nemo-engine-rules-1"
ASK_QUESTION = "ask_question"
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
    """Builds the turn's events as ADK 2.x writes them: one invocation id and author for the
    turn; the partials and the final of one model call share one event id; `finishReason` and
    `usageMetadata` ride on a call's last partial and on its final; every event carries
    `nodeInfo` and the model's events `modelVersion`."""

    def __init__(self, prompt: str) -> None:
        self.invocation_id = f"e-{uuid.uuid4()}"
        self._prompt_tokens = _tokens(prompt)

    def _event(
        self,
        role: str,
        parts: list[Part],
        *,
        event_id: str,
        partial: bool = False,
        finished: str | None = None,
        **extra: Any,
    ) -> str:
        event = AdkEvent(
            content=Content(role=role, parts=parts),
            # The final event leaves `partial` out (nulls are omitted) rather than sending false.
            partial=True if partial else None,
            invocation_id=self.invocation_id,
            author=AGENT_NAME,
            actions=EventActions(),
            id=event_id,
            timestamp=round(time.time(), 3),
            model_version=MODEL_VERSION if role == "model" else None,
            node_info={"path": AGENT_NAME},
            finish_reason="STOP" if finished is not None else None,
            usage_metadata=self._usage(finished) if finished is not None else None,
            **extra,
        )
        wire = event.to_wire()
        if not parts:
            # A model call that said nothing more: `{"content": {"role": "model"}}`.
            del wire["content"]["parts"]
        return sse_data(wire)

    def _usage(self, text: str) -> dict[str, int]:
        said = _tokens(text)
        return {
            "promptTokenCount": self._prompt_tokens,
            "candidatesTokenCount": said,
            "totalTokenCount": self._prompt_tokens + said,
        }

    def model_call(
        self,
        text: str,
        calls: Sequence[FunctionCall] = (),
        *,
        long_running: bool = False,
        event_id: str | None = None,
    ) -> tuple[list[str], str]:
        """One model call (`event_id` names it, when its partials were sent earlier): its
        partial text events, and its final event (the whole text and the function calls). A call
        with neither ends on an empty partial, as ADK's stream does."""
        event_id = event_id or str(uuid.uuid4())
        chunks = text_chunks(text)
        partials = [
            self._event(
                "model",
                [Part(text=chunk)],
                event_id=event_id,
                partial=True,
                finished=text if index == len(chunks) - 1 else None,
            )
            for index, chunk in enumerate(chunks)
        ]
        parts = ([Part(text=text)] if text else []) + [Part(function_call=c) for c in calls]
        if not parts:
            return [], self._event("model", [], event_id=event_id, partial=True, finished="")
        extra: dict[str, Any] = {}
        if long_running:
            extra["longRunningToolIds"] = [call.id for call in calls]
        return partials, self._event("model", parts, event_id=event_id, finished=text, **extra)

    def function_responses(self, responses: Sequence[FunctionResponse]) -> str:
        """The tools' answers, one event (role user, author still the agent)."""
        parts = [Part(function_response=response) for response in responses]
        return self._event("user", parts, event_id=str(uuid.uuid4()))

    def error(self, error_type: str, message: str, code: str | None = None) -> list[str]:
        """ADK 2.x's error sequence: an event with `errorCode` and `errorMessage` and no content,
        then the `error` line written by `json.dumps` (with spaces); the stream closes after."""
        now = round(time.time(), 3)
        announced = {
            "errorCode": code or error_type,
            "errorMessage": message,
            "invocationId": self.invocation_id,
            "author": AGENT_NAME,
            "actions": EventActions().to_wire(),
            "id": str(uuid.uuid4()),
            "timestamp": now,
            "nodeInfo": {"path": AGENT_NAME},
        }
        details = {"error_type": error_type, "error_message": message, "timestamp": now}
        line = json.dumps({"error": f"{error_type}: {message}", "error_details": details})
        return [sse_data(announced), f"data: {line}\n\n"]


def _tokens(text: str) -> int:
    """A token count for usage metadata: about one per four characters, as models count."""
    return max(1, len(text) // 4) if text else 0


@dataclass
class Turn:
    """One message of one session, being answered."""

    engine: EngineContext
    session: SessionRow
    message: str
    # SSE lines for the response; None marks the end of the turn.
    _lines: asyncio.Queue[str | None] = field(default_factory=asyncio.Queue, init=False)
    _events: _EventWriter = field(init=False)
    _task: asyncio.Task[None] | None = field(default=None, init=False)
    # What the turn cost and which tools it called: its row of the credit ledger.
    _spent: int = field(default=0, init=False)
    _tools: list[str] = field(default_factory=list, init=False)

    def __post_init__(self) -> None:
        self._events = _EventWriter(self.message)

    def start(self) -> AsyncIterator[str]:
        """Run the turn in the background; iterate the result for its SSE lines."""
        task = asyncio.create_task(self._run(), name=f"turn-{self.session.session_id}")
        self._task = task
        self.engine.background.add(task)
        task.add_done_callback(self.engine.background.discard)
        return _drain(self._lines)

    def cancel(self) -> None:
        """Stop the turn (the gateway's `abort`): a generate gives its credits back, and the
        lines end without an error."""
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        # One turn at a time per session: a second one waits (with keep-alives) for the first to
        # store its edit, so neither plans on a draft the other is about to replace.
        lock = self.engine.turn_locks.setdefault(self.session.session_id, asyncio.Lock())
        try:
            await self._working(lock.acquire())
        except BaseException:
            self._lines.put_nowait(None)
            raise
        try:
            await self._answer()
        except TurnFailed as exc:
            code = str(int(exc.code)) if exc.code is not None else None
            self._put(*self._events.error("TurnFailed", exc.message, code))
        except Exception as exc:
            log.exception("turn failed in session %s", self.session.session_id)
            reason = (str(exc).strip().splitlines() or [exc.__class__.__name__])[0]
            self._put(
                *self._events.error(type(exc).__name__, f"the engine's agent failed: {reason}")
            )
        finally:
            lock.release()
            self._record_usage()
            self._lines.put_nowait(None)

    def _record_usage(self) -> None:
        session = self.session
        self.engine.store.record_usage(
            session.user_id,
            "conversation",
            -self._spent,
            {
                "project_id": session.task_id,
                "session_id": session.session_id,
                "conversation_id": self._events.invocation_id,
                "user_message": self.message[:500],
                "tool_breakdown": [{"tool_key": name} for name in self._tools],
            },
        )

    def _put(self, *lines: str) -> None:
        for line in lines:
            self._lines.put_nowait(line)

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
        if intent.is_undo(self.message):
            restored = store.undo_draft(session.session_id)
            await self._model_call(planner.undo_reply(session.language, restored))
            return
        media = [stored.info for stored in store.session_media(session.session_id)]
        asked = self.engine.questions.pop(session.session_id, None)
        plan = await self._working(
            anyio.to_thread.run_sync(
                planner.plan_turn, self.message, draft, media, session.language, asked
            )
        )
        if plan.ask is not None:
            # A question instead of an edit: the function call alone; the turn then waits for
            # the person's next message (a long-running tool, in ADK's words).
            self.engine.questions[session.session_id] = plan.ask.kind
            self._tools = [ASK_QUESTION]
            call = FunctionCall(id=_call_id(), name=ASK_QUESTION, args=plan.ask.args)
            await self._model_call("", [call], long_running=True)
            return
        opening = ""
        first_call = str(uuid.uuid4())
        if plan.generate is not None:
            # Say what is about to happen before the slow part; the final follows once it is done.
            opening = plan.text
            first_partials, _ = self._events.model_call(opening, event_id=first_call)
            await self._stream(first_partials)
            plan = await self._generate(plan, draft)
        if plan.draft.model_dump() != draft.model_dump():
            store.push_draft(session.session_id, plan.draft)
        # A generate turn already spoke, so only plain edits may end silently.
        silent = (
            not opening
            and bool(plan.calls)
            and self.engine.rng.random() < self.engine.settings.silent_share
        )
        await self._reply(plan, opening, silent, first_call)

    async def _reply(
        self, plan: planner.TurnPlan, opening: str, silent: bool, first_call: str
    ) -> None:
        """An edit as two model calls of one invocation: the first explains and calls the tools,
        their responses follow, the second confirms. A turn without tools is one call. A silent
        edit sends the calls and responses with no text (the second call ends on an empty
        partial)."""
        self._tools = [call.name for call in plan.calls]
        if not plan.calls:
            await self._model_call("" if silent else plan.text)
            return
        explain, confirm = plan.text, ""
        if plan.closing and plan.text.endswith(plan.closing):
            explain = plan.text[: len(plan.text) - len(plan.closing)].rstrip()
            confirm = plan.closing
        if opening:
            # The opening was streamed already: the final repeats it, the rest comes after.
            explain, confirm = opening, plan.text.removeprefix(opening).strip() or confirm
        calls = [
            (FunctionCall(id=_call_id(), name=c.name, args=c.args), c.response) for c in plan.calls
        ]
        partials, final = self._events.model_call(
            "" if silent else explain, [c for c, _ in calls], event_id=first_call
        )
        await self._stream([] if opening else partials)
        self._put(final)
        responses = [FunctionResponse(id=c.id, name=c.name, response=r) for c, r in calls]
        self._put(self._events.function_responses(responses))
        await self._model_call("" if silent else confirm)

    async def _model_call(
        self, text: str, calls: Sequence[FunctionCall] = (), long_running: bool = False
    ) -> None:
        partials, final = self._events.model_call(text, calls, long_running=long_running)
        await self._stream(partials)
        self._put(final)

    async def _stream(self, partials: list[str]) -> None:
        for line in partials:
            self._lines.put_nowait(line)
            await asyncio.sleep(self.engine.settings.chunk_delay)

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
        self._spent += cost
        return planner.place_generated(plan, clip)


def _call_id() -> str:
    return f"call_{uuid.uuid4().hex[:12]}"


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
