"""Server-sent events of `/run_sse` (SPEC 4) turned into typed events, for both dialects.

A small parser of our own rather than httpx-sse: httpx-sse drops `: ping` comments, and those are
exactly the keep-alives the caller must see; and rather than httpx's `aiter_lines`, which also
breaks lines at U+2028, U+2029 and U+0085 and so corrupts the JSON of any event holding one.
`sse_lines` splits bytes at CR, LF and CRLF only, with a cap per line; `SseParser.feed(line)` takes
one line (no newline) and returns the events it completes; `parse_bytes` does both over a body.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
from collections.abc import AsyncIterable, AsyncIterator
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from nemo_tui.api.bounded_json import JsonRefused, loads_bounded
from nemo_tui.api.errors import SseLineTooLong
from nemo_tui.api.models import AdkEvent
from nemo_tui.api.questions import Question, parse_question

# The largest event data parsed: a text chunk or a tool result is a few kilobytes.
MAX_EVENT_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class TextDelta:
    """Text from the agent. `partial` chunks append to the open model call of their
    `(invocation_id, author)`; a final one (partial False) repeats that call's whole text and
    closes it. Thought parts never become a TextDelta (see `Thinking`)."""

    invocation_id: str | None
    author: str | None
    text: str
    partial: bool


@dataclass(frozen=True)
class CallEnd:
    """A final model event with no text (say, only a function call): it closes the open model
    call of its `(invocation_id, author)` as it stands."""

    invocation_id: str | None
    author: str | None


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolResult:
    name: str
    result: Any = None


@dataclass(frozen=True)
class Thinking:
    """The model is reasoning (a thought part, or the gateway's `thinking_*`): never answer text."""


@dataclass(frozen=True)
class Asked:
    """The agent asks the person a question (SPEC 4.4) and waits for the next message."""

    question: Question


@dataclass(frozen=True)
class Finished:
    """A model call ended for a reason other than a normal stop (`MAX_TOKENS`, `SAFETY`...)."""

    reason: str


@dataclass(frozen=True)
class KeepAlive:
    """A comment, an empty `data:` line, a heartbeat or a gateway progress signal: the server is
    still working."""


@dataclass(frozen=True)
class TurnDone:
    """The gateway said the turn ended (dialect B `done`); nothing after it belongs to the turn."""


@dataclass(frozen=True)
class StreamFailure:
    """The server reported an error mid-stream. `code` is the event's `errorCode` when it sent one
    (an exception class name, a model stop reason, or e.g. "2001" when a generate ran out of
    credits). `announced` marks ADK 2.x's first event of an error, which the `error` line follows
    before the stream closes."""

    message: str
    code: str | None = None
    announced: bool = False


StreamEvent = (
    TextDelta
    | CallEnd
    | ToolCall
    | ToolResult
    | Thinking
    | Asked
    | Finished
    | KeepAlive
    | TurnDone
    | StreamFailure
)

ASK_QUESTION = "ask_question"
# Finish reasons that mean a normal end; any other is said to the person.
NORMAL_FINISH = frozenset({"STOP", "FINISH_REASON_UNSPECIFIED"})
# A model stop reason in plain words (SPEC 4.1: the text stays, the person is told why it ends).
STOP_REASONS = {
    "MAX_TOKENS": "The answer was cut short: the model reached its length limit.",
    "SAFETY": "The model stopped this answer for safety reasons.",
    "RECITATION": "The model stopped this answer because it was repeating a known source.",
    "PROHIBITED_CONTENT": "The model stopped this answer: it touched content it may not produce.",
    "BLOCKLIST": "The model stopped this answer: it held a blocked term.",
    "SPII": "The model stopped this answer: it held sensitive personal information.",
}
# Dialect B's progress signals (SPEC 4.2): "still working", never chat text.
PROGRESS_TYPES = frozenset(
    {"heartbeat", "status", "warming_up", "session_ready", "message_accepted", "pong"}
)

# Older servers write `{"error": "<message>"}` without escaping quotes inside the message; the
# message is everything between the first quote after the key and the last quote before `}`.
_UNESCAPED_ERROR = re.compile(r'^\s*\{\s*"error"\s*:\s*"(?P<message>.*)"\s*\}\s*$', re.DOTALL)


def stop_reason_text(reason: str | None) -> str | None:
    """A model stop reason said in plain words, or None for a normal stop or an unknown word."""
    return STOP_REASONS.get(reason or "")


def parse_data(data: str) -> list[StreamEvent]:
    """The events carried by one SSE message's data (its `data:` lines joined by newlines)."""
    if not data.strip():
        return [KeepAlive()]
    try:
        payload = loads_bounded(data, max_bytes=MAX_EVENT_BYTES)
    except JsonRefused:
        # Too big or too deep to be an event of the protocol: skipped like a garbled one.
        return []
    except json.JSONDecodeError:
        match = _UNESCAPED_ERROR.match(data)
        if match:
            return [StreamFailure(_failure_text(match.group("message")))]
        # One garbled event must not end a turn that may last minutes: skip it.
        return []
    if not isinstance(payload, dict):
        return []
    if "error" in payload and not isinstance(payload.get("type"), str):
        return [_error_line(payload)]
    if isinstance(payload.get("type"), str):
        return _parse_type_tagged(payload)
    return _parse_adk(payload)


def _error_line(payload: dict[str, Any]) -> StreamFailure:
    """`{"error": "<Type>: <message>", "error_details": {...}}` (ADK 2.x) or `{"error": ...}`."""
    details = payload.get("error_details")
    code = _code_of(payload)
    error = payload["error"]
    if isinstance(details, dict) and details.get("error_message"):
        kind = details.get("error_type")
        error = str(details["error_message"]) + (f" ({kind})" if kind else "")
        code = code or (str(kind) if kind else None)
    plain = stop_reason_text(code)
    return StreamFailure(plain or _failure_text(error), code)


def _code_of(payload: dict[str, Any]) -> str | None:
    code = payload.get("errorCode")
    return str(code) if code not in (None, "") else None


def _failure_text(error: Any) -> str:
    if isinstance(error, dict):
        error = error.get("message") or json.dumps(error, ensure_ascii=False)
    text = " ".join(str(error).split())
    return f"The agent stopped with an error: {text or 'no details given'}"


def _tool_name(payload: dict[str, Any]) -> str:
    for key in ("tool", "tool_name", "name"):
        if isinstance(payload.get(key), str):
            return str(payload[key])
    return ""


def _parse_type_tagged(payload: dict[str, Any]) -> list[StreamEvent]:
    """Dialect B (SPEC 4.2 v3), with the official gateway's names. A `chunk` is a fragment to
    append; a `text` is the complete text of the step, so it is a final: it replaces what the
    step's chunks showed and closes the step (chunks then their `text` show once)."""
    kind = payload["type"]
    if kind in ("text", "chunk"):
        text = payload.get("text", payload.get("content"))
        if not isinstance(text, str):
            return []
        return [TextDelta(None, None, text, partial=kind == "chunk")]
    if kind.startswith("thinking_"):
        return [Thinking()]
    if kind in ("tool_call", "tool_start", "toolcall_start"):
        args = payload.get("args", payload.get("input"))
        return [ToolCall(_tool_name(payload), args if isinstance(args, dict) else {})]
    if kind in ("tool_result", "tool_end", "toolcall_end"):
        return [ToolResult(_tool_name(payload), payload.get("result", payload.get("output")))]
    if kind == ASK_QUESTION:
        question = parse_question(payload)
        return [Asked(question)] if question else []
    if kind in PROGRESS_TYPES:
        return [KeepAlive()]
    if kind == "done":
        return [TurnDone()]
    if kind == "error":
        return [StreamFailure(_failure_text(payload.get("error") or payload.get("message", "")))]
    return []


def _text_chunk(payload: dict[str, Any]) -> TextDelta | None:
    """The usual dialect A event, a partial one with a single text part, read without the
    model: a streamed answer is thousands of these, and validating each one costs more than
    the rest of its parsing. None for any other event."""
    if payload.get("partial") is not True or "errorCode" in payload or "errorMessage" in payload:
        return None
    if "finishReason" in payload:
        return None
    content = payload.get("content")
    parts = content.get("parts") if isinstance(content, dict) else None
    if not isinstance(parts, list) or len(parts) != 1:
        return None
    part = parts[0]
    if not isinstance(part, dict) or part.keys() != {"text"} or not isinstance(part["text"], str):
        return None
    invocation_id, author = payload.get("invocationId"), payload.get("author")
    if not isinstance(invocation_id, str | None) or not isinstance(author, str | None):
        return None
    return TextDelta(invocation_id, author, part["text"], partial=True)


def _parse_adk(payload: dict[str, Any]) -> list[StreamEvent]:
    """Dialect A (SPEC 4.1): one ADK event may hold text, thoughts, calls and responses."""
    chunk = _text_chunk(payload)
    return [chunk] if chunk is not None else _parse_adk_event(payload)


def _parse_adk_event(payload: dict[str, Any]) -> list[StreamEvent]:
    """Any dialect A event, through the wire model."""
    try:
        event = AdkEvent.from_wire(payload)
    except ValidationError:
        return []
    if event.error_code or event.error_message:
        code = event.error_code
        plain = stop_reason_text(code)
        detail = event.error_message or "no message"
        text = plain or _failure_text(f"{detail} ({code})" if code else detail)
        return [StreamFailure(text, code, announced=True)]
    finish: list[StreamEvent] = []
    if event.finish_reason and event.finish_reason not in NORMAL_FINISH:
        finish.append(Finished(event.finish_reason))
    if event.content is None:
        return finish
    partial = bool(event.partial)
    answer: list[str] = []
    thoughts = False
    calls: list[StreamEvent] = []
    for part in event.content.parts:
        if part.text is not None:
            if part.thought:
                thoughts = True
            else:
                answer.append(part.text)
        # A partial event's function call may carry half-written args; the final event repeats it.
        if part.function_call is not None and not partial:
            call = part.function_call
            question = parse_question(call.args) if call.name == ASK_QUESTION else None
            calls.append(Asked(question) if question else ToolCall(call.name, dict(call.args)))
        if part.function_response is not None:
            calls.append(ToolResult(part.function_response.name, part.function_response.response))
    events: list[StreamEvent] = [Thinking()] if thoughts else []
    if answer:
        # One delta for all the text parts, so a final event's REPLACE covers them at once.
        events.append(TextDelta(event.invocation_id, event.author, "".join(answer), partial))
    elif not partial and event.content.role == "model":
        events.append(CallEnd(event.invocation_id, event.author))
    return events + calls + finish


class SseParser:
    """Incremental SSE parser: feed lines, get events. Comments are keep-alives here."""

    def __init__(self) -> None:
        self._data: list[str] = []
        self._has_data = False

    def feed(self, line: str) -> list[StreamEvent]:
        line = line.rstrip("\r\n")
        if not line:
            return self._dispatch()
        if line.startswith(":"):
            return [KeepAlive()]
        name, _, value = line.partition(":")
        if name == "data":
            # The SSE format strips exactly one space after the colon.
            self._data.append(value[1:] if value.startswith(" ") else value)
            self._has_data = True
        # `event:`, `id:` and `retry:` carry nothing either dialect uses.
        return []

    def close(self) -> list[StreamEvent]:
        """Flush a last message whose blank line never came (the server closed right after it)."""
        return self._dispatch()

    def _dispatch(self) -> list[StreamEvent]:
        if not self._has_data:
            return []
        data = "\n".join(self._data)
        self._data = []
        self._has_data = False
        return parse_data(data)


# A burst of buffered lines is read without the loop ever waiting on the socket; handing the loop
# back this often keeps whatever shares it (a UI taking keys) responsive while a stream floods in.
YIELD_SECONDS = 0.02
# The longest SSE line read; an event is one line, and no answer chunk comes near this.
MAX_LINE_BYTES = 1024 * 1024
# SSE's line ends (CR, LF, CRLF) and nothing else: U+2028, U+2029 and U+0085 are text.
_LINE_END = re.compile(rb"\r\n|\r|\n")


async def sse_lines(
    chunks: AsyncIterable[bytes], max_line: int = MAX_LINE_BYTES
) -> AsyncIterator[str]:
    """The lines of a byte stream, split only at CR, LF or CRLF (a CRLF split across two chunks
    is one line end), decoded as UTF-8 once whole. A line longer than `max_line` bytes raises
    `SseLineTooLong` rather than growing without end. A last line with no end is yielded."""
    pending = bytearray()
    after_cr = False
    async for chunk in chunks:
        start = 0
        if after_cr and chunk[:1] == b"\n":
            start = 1
        after_cr = False
        for match in _LINE_END.finditer(chunk, start):
            pending += chunk[start : match.start()]
            if len(pending) > max_line:
                raise SseLineTooLong(max_line)
            yield pending.decode("utf-8", "replace")
            pending.clear()
            start = match.end()
            after_cr = match.group() == b"\r" and start == len(chunk)
        pending += chunk[start:]
        if len(pending) > max_line:
            raise SseLineTooLong(max_line)
    if pending:
        yield pending.decode("utf-8", "replace")


async def parse_stream(lines: AsyncIterable[str]) -> AsyncIterator[StreamEvent]:
    """Events from an async iterator of lines (see `sse_lines`). The loop gets a turn at least
    every `YIELD_SECONDS` of parsing (and of the caller's work per event)."""
    parser = SseParser()
    since = time.perf_counter()
    async for line in lines:
        for event in parser.feed(line):
            yield event
        if time.perf_counter() - since > YIELD_SECONDS:
            await asyncio.sleep(0)
            since = time.perf_counter()
    for event in parser.close():
        yield event


def parse_bytes(chunks: AsyncIterable[bytes]) -> AsyncIterator[StreamEvent]:
    """Events from the raw bytes of a `text/event-stream` body."""
    return parse_stream(sse_lines(chunks))
