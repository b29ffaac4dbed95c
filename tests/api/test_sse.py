"""SSE parsing of both dialects (SPEC 4.1, 4.2, 4.3), fed line by line as the wire delivers them."""

from __future__ import annotations

import asyncio
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nemo_tui.api import sse
from nemo_tui.api.sse import (
    CallEnd,
    KeepAlive,
    SseParser,
    StreamFailure,
    TextDelta,
    Thinking,
    ToolCall,
    ToolResult,
    parse_stream,
)


def feed(lines: list[str]) -> list[object]:
    parser = SseParser()
    events: list[object] = []
    for line in lines:
        events.extend(parser.feed(line))
    events.extend(parser.close())
    return events


def message(payload: dict[str, object]) -> list[str]:
    return [f"data: {json.dumps(payload, separators=(',', ':'))}", ""]


def adk(parts: list[dict[str, object]], partial: bool | None, **extra: object) -> list[str]:
    event: dict[str, object] = {
        "content": {"role": "model", "parts": parts},
        "invocationId": "e-1",
        "author": "nemo_agent",
        "id": "x",
        **extra,
    }
    if partial is not None:
        event["partial"] = partial
    return message(event)


def test_adk_partial_and_final_text_become_text_deltas() -> None:
    events = feed(
        adk([{"text": "Adding a "}], True)
        + adk([{"text": "crossfade."}], True)
        + adk([{"text": "Adding a crossfade."}], None)
    )
    assert events == [
        TextDelta("e-1", "nemo_agent", "Adding a ", partial=True),
        TextDelta("e-1", "nemo_agent", "crossfade.", partial=True),
        TextDelta("e-1", "nemo_agent", "Adding a crossfade.", partial=False),
    ]


def test_thought_parts_are_kept_apart_from_the_answer() -> None:
    events = feed(adk([{"text": "planning", "thought": True}, {"text": "Done."}], False))
    assert events == [Thinking(), TextDelta("e-1", "nemo_agent", "Done.", partial=False)]


def test_function_calls_in_partial_events_are_ignored_and_final_ones_kept() -> None:
    call = {"functionCall": {"id": "c1", "name": "edit_multitrack", "args": {"volu": 0}}}
    final_call = {"functionCall": {"id": "c1", "name": "edit_multitrack", "args": {"volume": 35}}}
    response = {"functionResponse": {"id": "c1", "name": "edit_multitrack", "response": {"ok": 1}}}
    events = feed(adk([call], True) + adk([final_call], False) + adk([response], None))
    assert events == [
        CallEnd("e-1", "nemo_agent"),
        ToolCall("edit_multitrack", {"volume": 35}),
        CallEnd("e-1", "nemo_agent"),
        ToolResult("edit_multitrack", {"ok": 1}),
    ]


def test_unknown_fields_and_markers_are_ignored() -> None:
    events = feed(
        adk(
            [{"text": "Hi", "videoMetadata": {}}],
            False,
            finishReason="STOP",
            usageMetadata={"totalTokenCount": 5},
            turnComplete=True,
            brandNewField=[1, 2],
        )
    )
    assert events == [TextDelta("e-1", "nemo_agent", "Hi", partial=False)]


def test_comment_empty_data_and_heartbeat_are_keep_alives() -> None:
    events = feed([": ping", "", "data:", "", *message({"type": "heartbeat"})])
    assert events == [KeepAlive(), KeepAlive(), KeepAlive()]


def test_error_line_becomes_stream_failure() -> None:
    events = feed(message({"error": "render quota exceeded"}))
    assert events == [StreamFailure("The agent stopped with an error: render quota exceeded")]
    coded = feed(message({"error": "not enough credits", "errorCode": "2001"}))
    assert coded == [StreamFailure("The agent stopped with an error: not enough credits", "2001")]


def test_unescaped_error_line_is_parsed_tolerantly() -> None:
    events = feed(['data: {"error": "bad "quote" here"}', ""])
    assert events == [StreamFailure('The agent stopped with an error: bad "quote" here')]


def test_error_code_and_message_fields_become_stream_failure() -> None:
    events = feed(message({"errorCode": "RuntimeError", "errorMessage": "boom", "id": "z"}))
    assert events == [
        StreamFailure("The agent stopped with an error: boom (RuntimeError)", "RuntimeError", True)
    ]
    stop = feed(message({"errorCode": "MAX_TOKENS", "errorMessage": "too long", "id": "z"}))
    assert stop == [StreamFailure(sse.STOP_REASONS["MAX_TOKENS"], "MAX_TOKENS", True)]


def test_garbled_non_error_line_is_skipped_without_ending_the_turn() -> None:
    events = feed(["data: {not json", "", *adk([{"text": "ok"}], False)])
    assert events == [TextDelta("e-1", "nemo_agent", "ok", partial=False)]


def test_dialect_b_events() -> None:
    events = feed(
        message({"type": "chunk", "content": "Hello "})
        + message({"type": "tool_call", "name": "add_title", "args": {"text": "Hi"}})
        + message({"type": "tool_result", "name": "add_title", "result": {"ok": True}})
        + message({"type": "heartbeat"})
        + message({"type": "text", "content": "Hello world"})
        + message({"type": "something_new", "x": 1})
    )
    # SPEC 4.2 v3: a chunk is a fragment, a `text` the step's complete text (a final).
    assert events == [
        TextDelta(None, None, "Hello ", partial=True),
        ToolCall("add_title", {"text": "Hi"}),
        ToolResult("add_title", {"ok": True}),
        KeepAlive(),
        TextDelta(None, None, "Hello world", partial=False),
    ]


def test_multi_line_data_and_a_last_message_without_blank_line() -> None:
    events = feed(["event: message", "id: 7", 'data: {"type":', 'data: "text", "content": "x"}'])
    assert events == [TextDelta(None, None, "x", partial=False)]


async def test_parse_stream_over_async_lines() -> None:
    async def lines():
        for line in [": ping", "", *adk([{"text": "Hi"}], False)]:
            yield line

    events = [event async for event in parse_stream(lines())]
    assert events == [KeepAlive(), TextDelta("e-1", "nemo_agent", "Hi", partial=False)]


async def test_a_burst_of_buffered_lines_lets_the_loop_run_meanwhile(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A short slice, so the burst below spans many of them however fast this machine parses.
    monkeypatch.setattr(sse, "YIELD_SECONDS", 0.001)

    # Lines that are all there already (this iterator never suspends), as when a fast stream
    # fills the socket buffer: another task on the loop must still get turns while they parse.
    async def lines():
        for index in range(3000):
            for line in adk([{"text": f"word{index} "}], True):
                yield line

    turns = 0

    async def other_task() -> None:
        nonlocal turns
        while True:
            turns += 1
            await asyncio.sleep(0)

    ticker = asyncio.create_task(other_task())
    await asyncio.sleep(0)
    turns = 0
    events = [event async for event in parse_stream(lines())]
    ticker.cancel()
    assert len(events) == 3000
    assert turns > 1


TEXTS = st.one_of(st.text(max_size=8), st.integers(), st.none())
PARTS = st.lists(
    st.one_of(
        st.fixed_dictionaries({"text": TEXTS}),
        st.fixed_dictionaries({"text": TEXTS, "thought": st.booleans()}),
        st.fixed_dictionaries({"functionCall": st.just({"name": "edit", "args": {}})}),
    ),
    max_size=2,
)
ADK_EVENTS = st.fixed_dictionaries(
    {"content": st.fixed_dictionaries({"role": st.just("model"), "parts": PARTS})},
    optional={
        "partial": st.one_of(st.booleans(), st.none(), st.just("yes")),
        "invocationId": TEXTS,
        "author": TEXTS,
        "errorCode": st.just("E1"),
    },
)


@settings(max_examples=300, deadline=None)
@given(ADK_EVENTS)
def test_the_quick_path_for_text_chunks_reads_them_as_the_model_does(
    payload: dict[str, object],
) -> None:
    chunk = sse._text_chunk(payload)
    if chunk is not None:
        assert sse._parse_adk_event(payload) == [chunk]
