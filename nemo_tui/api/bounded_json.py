"""JSON from the other side of the wire, parsed within bounds: a size cap and a nesting cap, each
refused with its own error naming the limit. Both halves use it: the engine on request bodies, the
client on answers, so neither turns hostile JSON into a RecursionError (a bare 500, an exit 70).
"""

from __future__ import annotations

import json
from typing import Any

# Deeper than any draft or answer of the protocol (a draft is about six levels deep).
MAX_DEPTH = 64
# Below this size, counting the brackets (in C, microseconds) may rule out a deep nesting.
COUNT_BRACKETS_BELOW = 64 * 1024


class JsonRefused(ValueError):
    """JSON refused for its size or its depth; `str()` names the limit."""


class JsonTooLarge(JsonRefused):
    pass


class JsonTooDeep(JsonRefused):
    pass


def too_large(size: int, limit: int) -> JsonTooLarge:
    return JsonTooLarge(f"{size} bytes, over the limit of {limit} bytes (JSON size)")


def loads_bounded(raw: bytes | str, *, max_bytes: int, max_depth: int = MAX_DEPTH) -> Any:
    """`json.loads(raw)` once `raw` is at most `max_bytes` long and nests at most `max_depth`
    objects or arrays deep. Malformed JSON raises `json.JSONDecodeError` as usual."""
    if len(raw) > max_bytes:
        raise too_large(len(raw), max_bytes)
    deep = JsonTooDeep(f"nested deeper than {max_depth} levels (JSON depth)")
    try:
        value = json.loads(raw)
    except RecursionError:
        raise deep from None
    # Text with no more brackets than the limit cannot nest past it: a C count settles most
    # messages (a streamed chunk is a few hundred bytes) without walking what was parsed.
    small = len(raw) <= COUNT_BRACKETS_BELOW
    if small and _brackets(raw) <= max_depth:
        return value
    if _deeper_than(value, max_depth):
        raise deep
    return value


def _brackets(raw: bytes | str) -> int:
    if isinstance(raw, bytes):
        return raw.count(b"{") + raw.count(b"[")
    return raw.count("{") + raw.count("[")


def _deeper_than(value: Any, limit: int) -> bool:
    """Whether containers nest past `limit`; iterative, so the check itself cannot recurse. Plain
    Python on purpose: a thread running it lets others run every few milliseconds, where a C
    scan of the raw text would hold the interpreter for its whole length."""
    stack = [(value, 1)] if isinstance(value, dict | list) else []
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children if isinstance(child, dict | list))
    return False
