"""A turn's ADK events (SPEC 4.1, as `engine.turn` writes them) said again as the gateway's
dialect-B messages (SPEC 4.2, GATEWAY.md E13): a partial's text is a `chunk`, a model call's final
text its complete `text`, a function call a `tool_start` (the agent's question an `ask_question`),
a function response a `tool_end`, the error line an `error`. Keep-alive comments say nothing: the
socket has no read timeout to feed."""

from __future__ import annotations

import json
from typing import Any

ASK_QUESTION = "ask_question"
DATA_PREFIX = "data: "

Message = dict[str, Any]


class DialectB:
    """Translates the SSE lines of one turn; `asked` tells whether the turn ended on a question
    (then it ends without `done`: the answer's turn brings it)."""

    def __init__(self) -> None:
        self.asked = False

    def translate(self, line: str) -> list[Message]:
        if not line.startswith(DATA_PREFIX):
            return []
        event = json.loads(line[len(DATA_PREFIX) :])
        if "error" in event:
            return [{"type": "error", "error": str(event["error"])}]
        content = event.get("content")
        if not isinstance(content, dict):
            # The announcement before the error line (`errorCode`), or an empty model call.
            return []
        parts = [part for part in content.get("parts", []) if not part.get("thought")]
        if event.get("partial"):
            return [{"type": "chunk", "text": part["text"]} for part in parts if part.get("text")]
        if content.get("role") == "model":
            return self._final(parts)
        return [
            {"type": "tool_end", "tool": part["functionResponse"]["name"]}
            for part in parts
            if "functionResponse" in part
        ]

    def _final(self, parts: list[dict[str, Any]]) -> list[Message]:
        messages: list[Message] = []
        text = "".join(part.get("text", "") for part in parts)
        if text:
            messages.append({"type": "text", "text": text})
        for part in parts:
            call = part.get("functionCall")
            if call is None:
                continue
            args = call.get("args") or {}
            if call["name"] == ASK_QUESTION:
                self.asked = True
                messages.append(
                    {
                        "type": "ask_question",
                        "title": args.get("title", ""),
                        "questions": args.get("questions", []),
                    }
                )
            else:
                messages.append({"type": "tool_start", "tool": call["name"], "args": args})
        return messages
