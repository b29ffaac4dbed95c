"""SSE line splitting on raw bytes (SPEC 4.1): only CR, LF and CRLF end a line, wherever the
network cuts the bytes; U+2028, U+2029 and U+0085 stay text; a line has a size cap."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from nemo_tui.api.errors import SseLineTooLong, StreamError
from nemo_tui.api.sse import MAX_LINE_BYTES, TextDelta, parse_bytes, sse_lines

TEXT = "a\u2028b\u2029c\u0085d é 片"
EVENT = json.dumps(
    {"content": {"parts": [{"text": TEXT}]}, "partial": True, "invocationId": "e", "author": "a"},
    ensure_ascii=False,
)


async def pieces(body: bytes, size: int) -> AsyncIterator[bytes]:
    for start in range(0, len(body), size):
        yield body[start : start + size]


async def lines_of(body: bytes, size: int) -> list[str]:
    return [line async for line in sse_lines(pieces(body, size))]


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
async def test_every_cut_of_the_bytes_gives_the_same_lines(newline: str) -> None:
    body = f": ping{newline}{newline}data: {EVENT}{newline}{newline}".encode()
    expected = [": ping", "", f"data: {EVENT}", ""]
    for size in range(1, len(body) + 1):
        assert await lines_of(body, size) == expected, size


async def test_unicode_line_separators_survive_into_the_event() -> None:
    body = f"data: {EVENT}\r\n\r\n".encode()
    events = [event async for event in parse_bytes(pieces(body, 3))]
    assert events == [TextDelta("e", "a", TEXT, partial=True)]


async def test_a_last_line_without_an_end_is_kept() -> None:
    assert await lines_of(b"data: x\n\ndata: tail", 4) == ["data: x", "", "data: tail"]


async def test_a_line_past_the_cap_ends_the_stream_with_our_error() -> None:
    body = b"data: " + b"x" * (MAX_LINE_BYTES + 1) + b"\n\n"
    with pytest.raises(SseLineTooLong) as caught:
        await lines_of(body, 64 * 1024)
    assert isinstance(caught.value, StreamError)
    assert "1024 KiB" in str(caught.value)
    # A line that never ends is caught as it grows, not once it is whole.
    with pytest.raises(SseLineTooLong):
        await lines_of(b"x" * (3 * MAX_LINE_BYTES), MAX_LINE_BYTES // 2)
