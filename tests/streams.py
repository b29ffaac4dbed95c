"""`/run_sse` byte streams written from SPEC 4.1-4.4 (not from our engine), with what a person
must end up seeing for each: the text, and what else must be said or asked.

They reach the client through the engine's `replay` fault (a real loopback HTTP stream), whole or
cut every `SPLITS` bytes, so lines, UTF-8 characters and CRLF pairs arrive split at odd places.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# Whole, then pieces of 7 bytes: odd, smaller than any event, and never on a line end by design.
SPLITS: tuple[int | None, ...] = (None, 7)
INVOCATION = "e-7f1c2a"
AUTHOR = "nemo_agent"
USAGE = {"promptTokenCount": 812, "candidatesTokenCount": 40, "totalTokenCount": 852}


def _adk(event_id: str, content: dict[str, Any] | None, **fields: Any) -> dict[str, Any]:
    event: dict[str, Any] = {
        "invocationId": INVOCATION,
        "author": AUTHOR,
        "actions": {"stateDelta": {}, "artifactDelta": {}, "requestedAuthConfigs": {}},
        "id": event_id,
        "timestamp": 1763412345.12,
        "nodeInfo": {"path": "nemo_agent/call_llm"},
        "modelVersion": "gemini-2.5-flash",
    }
    if content is not None:
        event["content"] = content
    event.update(fields)
    return event


def _model(parts: list[dict[str, Any]]) -> dict[str, Any]:
    return {"role": "model", "parts": parts}


def model_call(
    event_id: str,
    chunks: list[str],
    calls: list[dict[str, Any]] = (),  # type: ignore[assignment]
    finish: str = "STOP",
    final: bool = True,
) -> list[dict[str, Any]]:
    """One ADK 2.x model call: partial chunks sharing `event_id`, the last carrying finishReason
    and usage, then the final repeating the whole text with the function calls."""
    events = [
        _adk(event_id, _model([{"text": chunk}]), partial=True)
        | ({"finishReason": finish, "usageMetadata": USAGE} if i == len(chunks) - 1 else {})
        for i, chunk in enumerate(chunks)
    ]
    if final:
        parts = ([{"text": "".join(chunks)}] if chunks else []) + [
            {"functionCall": call} for call in calls
        ]
        events.append(_adk(event_id, _model(parts), finishReason=finish, usageMetadata=USAGE))
    return events


def tool_answers(event_id: str, calls: list[dict[str, Any]]) -> dict[str, Any]:
    parts = [
        {"functionResponse": {"id": c["id"], "name": c["name"], "response": {"ok": True}}}
        for c in calls
    ]
    return _adk(event_id, {"role": "user", "parts": parts})


def sse(events: list[dict[str, Any] | str], newline: str = "\n") -> str:
    """Each event as `data: <compact JSON>` and a blank line (a str is sent as the raw line)."""
    lines = []
    for event in events:
        data = event if isinstance(event, str) else json.dumps(
            event, separators=(",", ":"), ensure_ascii=False
        )  # fmt: skip
        lines.append(f"data: {data}{newline}{newline}")
    return "".join(lines)


CROSSFADE = {"id": "call_1", "name": "edit_multitrack", "args": {"action": "transition"}}
ASK = {
    "id": "call_q",
    "name": "ask_question",
    "args": {
        "title": "Before I start",
        "questions": [
            {
                "id": "length",
                "prompt": "How long should it be?",
                "options": [
                    {"id": "a", "label": "15 seconds"},
                    {"id": "b", "label": "30 seconds"},
                ],
            }
        ],
    },
}


@dataclass(frozen=True)
class Case:
    """A stream and what a person must see: `text` is the whole answer; `said` a line that must
    appear besides it (a warning, an error), `hidden` text that must appear nowhere."""

    name: str
    body: str
    text: str
    said: str | None = None
    hidden: tuple[str, ...] = ()
    asks: str | None = None


TWO_CALLS = Case(
    "two-model-calls",
    sse(
        [
            *model_call("m-1", ["I'll add a crossfade ", "between the clips."], [CROSSFADE]),
            tool_answers("r-1", [CROSSFADE]),
            *model_call("m-2", ["Done: the crossfade ", "is in."]),
        ]
    ),
    "I'll add a crossfade between the clips.\n\nDone: the crossfade is in.",
)
SEPARATORS = Case(
    "line-separators-in-text",
    sse(
        [*model_call("m-1", ["Line\u2028one, para\u2029two, ", "next\u0085line, ümlaut 片"])]
    ).replace("\n", "\r\n"),
    "Line\u2028one, para\u2029two, next\u0085line, ümlaut 片",
)
CR_ONLY = Case(
    "cr-line-ends",
    sse([*model_call("m-1", ["Ends ", "at CR."])]).replace("\n", "\r"),
    "Ends at CR.",
)
ERROR_2X = Case(
    "adk-2x-error-sequence",
    sse(
        [
            *model_call("m-1", ["Working on ", "the cut."], final=False),
            _adk("err-1", None, errorCode="RuntimeError", errorMessage="renderer crashed"),
        ]
    )
    + "data: "
    + json.dumps(
        {
            "error": "RuntimeError: renderer crashed",
            "error_details": {
                "error_type": "RuntimeError",
                "error_message": "renderer crashed",
                "timestamp": 1763412346.0,
            },
        }
    )
    + "\n\n",
    "Working on the cut.",
    said="renderer crashed",
)
MAX_TOKENS = Case(
    "max-tokens",
    sse([*model_call("m-1", ["A long reply ", "that stops mid"], finish="MAX_TOKENS")]),
    "A long reply that stops mid",
    said="cut short",
)
SAFETY = Case(
    "safety-error-code",
    sse(
        [
            *model_call("m-1", ["Here is the plan."]),
            _adk("err-1", None, errorCode="SAFETY", errorMessage="blocked"),
        ]
    ),
    "Here is the plan.",
    said="safety",
)
ENDS_ON_PARTIAL = Case(
    "ends-on-a-partial",
    sse(
        [
            *model_call("m-1", ["Muting the clip."], [CROSSFADE]),
            tool_answers("r-1", [CROSSFADE]),
            _adk("m-2", {"role": "model"}, partial=True, finishReason="STOP"),
            *model_call("m-3", ["Anything ", "else?"], final=False),
        ]
    ),
    "Muting the clip.\n\nAnything else?",
)
THOUGHTS = Case(
    "thought-parts",
    sse(
        [
            _adk("m-1", _model([{"text": "secret reasoning", "thought": True}]), partial=True),
            *model_call("m-1", ["Added the title."]),
        ]
    ),
    "Added the title.",
    hidden=("secret reasoning",),
)
NOISE = Case(
    "temporary-issue-noise",
    sse(
        [
            *model_call("m-1", ["Added the ", "title."]),
            *model_call("m-2", ["I encountered a ", "temporary issue. Please try again."]),
        ]
    ),
    "Added the title.",
    hidden=("temporary issue",),
)
GATEWAY = Case(
    "gateway-dialect-b",
    sse(
        [
            {"type": "message_accepted"},
            {"type": "warming_up"},
            {"type": "session_ready"},
            {"type": "thinking_start"},
            {"type": "thinking_chunk", "text": "private musing"},
            {"type": "thinking_end"},
            {"type": "chunk", "text": "Adding "},
            {"type": "toolcall_start", "tool": "edit_multitrack"},
            {"type": "status", "message": "rendering"},
            {"type": "pong"},
            {"type": "toolcall_end", "tool_name": "edit_multitrack", "result": {"ok": True}},
            {"type": "chunk", "content": "music."},
            # The gateway's `text` is the step's complete text: shown once, not appended.
            {"type": "text", "content": "Adding music."},
            {"type": "done"},
            {"type": "chunk", "text": " AFTER DONE"},
        ]
    ),
    "Adding music.",
    hidden=("private musing", "AFTER DONE", "rendering"),
)
QUESTION = Case(
    "ask-question",
    sse([*model_call("m-1", [], [ASK])]),
    "",
    asks="How long should it be?",
)
GATEWAY_QUESTION = Case(
    "gateway-ask-question",
    sse([{"type": "ask_question", **ASK["args"]}, {"type": "done"}]),
    "",
    asks="How long should it be?",
)

CASES = (
    TWO_CALLS,
    SEPARATORS,
    CR_ONLY,
    ERROR_2X,
    MAX_TOKENS,
    SAFETY,
    ENDS_ON_PARTIAL,
    THOUGHTS,
    NOISE,
    GATEWAY,
    QUESTION,
    GATEWAY_QUESTION,
)


def _replay_rule(case: Case, chunk_bytes: int | None, **counts: Any) -> dict[str, Any]:
    rule: dict[str, Any] = {"path": "/run_sse", "replay": case.body, **counts}
    if chunk_bytes is not None:
        rule["chunk_bytes"] = chunk_bytes
    return rule


def replay_faults(case: Case, chunk_bytes: int | None) -> str:
    """The engine's fault rules that answer every `/run_sse` with `case`'s bytes."""
    return json.dumps([_replay_rule(case, chunk_bytes, times=None)])


def replay_in_turn(cases: list[Case], chunk_bytes: int | None) -> str:
    """Fault rules that answer the n-th `/run_sse` with the n-th case's bytes (one engine and one
    app for a whole series)."""
    return json.dumps(
        [_replay_rule(case, chunk_bytes, skip=n, times=1) for n, case in enumerate(cases)]
    )
