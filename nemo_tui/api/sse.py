"""Server-sent events of `/run_sse` (SPEC 4) turned into typed events, for both dialects.

A small line parser of our own rather than httpx-sse: httpx-sse drops `: ping` comments, and those
are exactly the keep-alives the caller must see. `SseParser.feed(line)` takes one line (no newline)
and returns the events it completes; `parse_stream` does the same over an async line iterator.
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

from nemo_tui.api.models import AdkEvent


@dataclass(frozen=True)
class TextDelta:
    """Text from the agent. `partial` chunks append; a final one (partial False) repeats the whole
    text of its `(invocation_id, author)` message. `thought` text is reasoning, not the answer."""

    invocation_id: str | None
    author: str | None
    text: str
    partial: bool
    thought: bool = False


@dataclass(frozen=True)
class ToolCall:
    name: str
    args: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ToolResult:
    name: str
    result: Any = None


@dataclass(frozen=True)
class KeepAlive:
    """A comment, an empty `data:` line or a heartbeat: the server is still working."""


@dataclass(frozen=True)
class StreamFailure:
    """The server reported an error mid-stream; it closes the stream after this. `code` is the
    event's `errorCode` when it sent one (e.g. "2001" when a generate ran out of credits)."""

    message: str
    code: str | None = None


StreamEvent = TextDelta | ToolCall | ToolResult | KeepAlive | StreamFailure

# Older servers write `{"error": "<message>"}` without escaping quotes inside the message; the
# message is everything between the first quote after the key and the last quote before `}`.
_UNESCAPED_ERROR = re.compile(r'^\s*\{\s*"error"\s*:\s*"(?P<message>.*)"\s*\}\s*$', re.DOTALL)


def parse_data(data: str) -> list[StreamEvent]:
    """The events carried by one SSE message's data (its `data:` lines joined by newlines)."""
    if not data.strip():
        return [KeepAlive()]
    try:
        payload = json.loads(data)
    except json.JSONDecodeError:
        match = _UNESCAPED_ERROR.match(data)
        if match:
            return [StreamFailure(_failure_text(match.group("message")))]
        # One garbled event must not end a turn that may last minutes: skip it.
        return []
    if not isinstance(payload, dict):
        return []
    if "error" in payload:
        return [StreamFailure(_failure_text(payload["error"]), _code_of(payload))]
    if isinstance(payload.get("type"), str):
        return _parse_type_tagged(payload)
    return _parse_adk(payload)


def _code_of(payload: dict[str, Any]) -> str | None:
    code = payload.get("errorCode")
    return str(code) if code not in (None, "") else None


def _failure_text(error: Any) -> str:
    if isinstance(error, dict):
        error = error.get("message") or json.dumps(error, ensure_ascii=False)
    text = " ".join(str(error).split())
    return f"The agent stopped with an error: {text or 'no details given'}"


def _parse_type_tagged(payload: dict[str, Any]) -> list[StreamEvent]:
    """Dialect B (SPEC 4.2). Its text events are chunks to append; there is no final repeat."""
    kind = payload["type"]
    if kind == "text":
        text = payload.get("content")
        return [TextDelta(None, None, text, partial=True)] if isinstance(text, str) else []
    if kind == "tool_call":
        args = payload.get("args")
        return [ToolCall(str(payload.get("name", "")), args if isinstance(args, dict) else {})]
    if kind == "tool_result":
        return [ToolResult(str(payload.get("name", "")), payload.get("result"))]
    if kind == "heartbeat":
        return [KeepAlive()]
    if kind == "error":
        return [StreamFailure(_failure_text(payload.get("message") or payload.get("error", "")))]
    return []


def _text_chunk(payload: dict[str, Any]) -> TextDelta | None:
    """The usual dialect A event, a partial one with a single text part, read without the
    model: a streamed answer is thousands of these, and validating each one costs more than
    the rest of its parsing. None for any other event."""
    if payload.get("partial") is not True or "errorCode" in payload or "errorMessage" in payload:
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
        detail = event.error_message or "no message"
        code = f" ({event.error_code})" if event.error_code else ""
        return [StreamFailure(_failure_text(f"{detail}{code}"), event.error_code)]
    if event.content is None:
        return []
    partial = bool(event.partial)
    answer: list[str] = []
    thoughts: list[str] = []
    calls: list[StreamEvent] = []
    for part in event.content.parts:
        if part.text is not None:
            (thoughts if part.thought else answer).append(part.text)
        # A partial event's function call may carry half-written args; the final event repeats it.
        if part.function_call is not None and not partial:
            calls.append(ToolCall(part.function_call.name, dict(part.function_call.args)))
        if part.function_response is not None:
            calls.append(ToolResult(part.function_response.name, part.function_response.response))
    events: list[StreamEvent] = []
    # One delta per kind of text, so a final event's REPLACE covers all its parts at once.
    if thoughts:
        events.append(
            TextDelta(event.invocation_id, event.author, "".join(thoughts), partial, thought=True)
        )
    if answer:
        events.append(TextDelta(event.invocation_id, event.author, "".join(answer), partial))
    return events + calls


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


async def parse_stream(lines: AsyncIterable[str]) -> AsyncIterator[StreamEvent]:
    """Events from an async iterator of lines, such as `httpx.Response.aiter_lines()`. The loop
    gets a turn at least every `YIELD_SECONDS` of parsing (and of the caller's work per event)."""
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
