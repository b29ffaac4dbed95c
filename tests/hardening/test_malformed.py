"""Malformed server data, thrown by hypothesis at every parser the client runs on what a server
sends: the SSE parser, envelope unwrapping, render-status shapes and the draft model. Nothing may
escape but the client's own `NemoError`s.

The draft model is the one exception by design: `Draft.from_wire` raises pydantic's
`ValidationError`, the contract of a model. The client never lets that out: it parses every answer
through `transport.parse_answer`, which turns it into a `ServerError`; that is what is tested here
for the session state, the answer that carries the draft.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any, get_args

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from nemo_tui.api.draft import Draft
from nemo_tui.api.errors import NemoError, ServerError
from nemo_tui.api.models import RenderStatus, SessionState
from nemo_tui.api.render_status import normalize_render_status
from nemo_tui.api.sse import (
    SseParser,
    StreamEvent,
    TextDelta,
    parse_bytes,
    parse_data,
)
from nemo_tui.api.summary import describe_diff, diff, summarize
from nemo_tui.api.transport import parse_answer, unwrap
from nemo_tui.api.turns import TurnAssembler

EVENT_TYPES = get_args(StreamEvent)
# Keys the parsers look for, so random objects reach past the first check.
KNOWN_KEYS = [
    "code", "message", "data", "success", "detail", "error", "errorCode", "errorMessage",
    "status", "progress", "id", "render_id", "output", "url", "outputUrl", "size", "duration",
    "content", "parts", "text", "partial", "thought", "functionCall", "functionResponse", "name",
    "args", "response", "invocationId", "author", "role", "type", "result",
    "d", "m", "t", "tt", "sg", "st", "src", "in", "fit", "motion", "transition", "volume",
    "title", "width", "height", "fps", "pos", "size", "color", "fade_out", "session_id", "state",
    "draft",
]  # fmt: skip
scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63)
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | st.sampled_from(["completed", "failed", "processing", "pending", "fade", "zoom_in", ""])
)
keys = st.sampled_from(KNOWN_KEYS) | st.text(max_size=8)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
    max_leaves=30,
)
json_objects = st.dictionaries(keys, json_values, max_size=8)
FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def as_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


@FAST
@given(st.lists(st.text(max_size=60) | st.builds(lambda v: f"data: {as_json(v)}", json_values)))
def test_the_sse_parser_yields_only_events_for_any_lines(lines: list[str]) -> None:
    parser = SseParser()
    events = [event for line in lines for event in parser.feed(line)] + parser.close()
    assert all(isinstance(event, EVENT_TYPES) for event in events)
    assembler = TurnAssembler()
    for event in events:
        if isinstance(event, TextDelta):
            assembler.feed(event)
    assert isinstance(assembler.visible_text, str)


@FAST
@given(st.binary(max_size=200), st.integers(min_value=1, max_value=200))
def test_random_bytes_through_the_stream_parser(raw: bytes, cut: int) -> None:
    # The client splits the body's bytes into lines itself, wherever the network cut them.
    async def collect() -> list[Any]:
        async def source():
            yield raw[:cut]
            yield raw[cut:]

        return [event async for event in parse_bytes(source())]

    assert all(isinstance(event, EVENT_TYPES) for event in asyncio.run(collect()))


@FAST
@given(json_values)
def test_any_json_data_line_is_events_or_nothing(value: Any) -> None:
    assert all(isinstance(event, EVENT_TYPES) for event in parse_data(as_json(value)))


def unwrapped_or_nemo_error(status: int, body: bytes) -> None:
    try:
        unwrap(status, body, anonymous=True, token="nmv_usr_secret_token")
    except NemoError as error:
        assert "\n" not in str(error)
        assert "nmv_usr_secret_token" not in str(error)


@FAST
@given(st.integers(min_value=100, max_value=599), st.binary(max_size=200))
def test_unwrap_of_random_bytes_is_data_or_a_nemo_error(status: int, body: bytes) -> None:
    unwrapped_or_nemo_error(status, body)


@FAST
@given(st.integers(min_value=100, max_value=599), json_values)
def test_unwrap_of_random_json_is_data_or_a_nemo_error(status: int, value: Any) -> None:
    unwrapped_or_nemo_error(status, as_json(value).encode())


@FAST
@given(json_values | json_objects)
def test_render_status_is_a_status_or_a_server_error(value: Any) -> None:
    try:
        status = normalize_render_status(value, render_id="render_1")
    except ServerError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(status, RenderStatus)
    assert 0 <= status.progress <= 100


# Mostly well-typed values, sometimes anything: enough drafts parse to reach the summary code.
times = st.integers(min_value=-(10**12), max_value=10**12) | scalars
segment_meta = st.fixed_dictionaries(
    {},
    optional={
        "name": st.text(max_size=12),
        "src": st.text(max_size=8),
        "in": times,
        "volume": st.floats(allow_nan=False) | st.integers(),
        "transition": st.fixed_dictionaries({}, optional={"type": st.text(max_size=6), "d": times}),
        "fade_out": times,
        "text": st.text(max_size=30),
        "pos": st.sampled_from(["top", "center", "bottom", "top-right", "middle"]),
        "size": times,
        "color": st.text(max_size=8),
        "motion": st.sampled_from(["none", "zoom_in", "spin"]),
    },
)
segments = st.fixed_dictionaries(
    {"id": st.text(max_size=6)},
    optional={"st": times, "d": times, "m": segment_meta | json_objects, "x": json_values},
)
tracks = st.fixed_dictionaries(
    {"id": st.text(max_size=6)},
    optional={
        "tt": st.sampled_from([0, 1, 7, 3]) | scalars,
        "m": st.fixed_dictionaries(
            {}, optional={"name": st.text(max_size=10), "role": st.sampled_from(["bgm", "voice"])}
        ),
        "sg": st.lists(segments, max_size=4) | json_values,
    },
)
drafts = st.fixed_dictionaries(
    {},
    optional={
        "d": times,
        "m": st.fixed_dictionaries(
            {}, optional={"title": st.text(max_size=10), "width": times, "height": times}
        )
        | json_objects,
        "t": st.lists(tracks, max_size=4) | json_values,
    },
)


@FAST
@given(drafts | json_objects)
def test_a_draft_parses_or_is_a_validation_error_and_every_parsed_one_can_be_shown(
    value: dict[str, Any],
) -> None:
    try:
        draft = Draft.from_wire(value)
    except ValidationError:
        return
    # What the controller does with every draft it receives must not fail on a strange one.
    assert isinstance(summarize(draft), str)
    assert isinstance(describe_diff(Draft(), draft), str)
    assert isinstance(diff(draft, Draft()), list)
    assert Draft.from_wire(draft.to_wire()).to_wire() == draft.to_wire()


@FAST
@given(drafts | json_values)
def test_the_client_parses_a_state_answer_or_raises_a_server_error(value: Any) -> None:
    answer = {"session_id": "s", "state": {"draft": value}}
    try:
        state = parse_answer(SessionState, answer, "session state")
    except ServerError as error:
        assert "\n" not in str(error)
        return
    assert isinstance(state.state.draft, Draft)
