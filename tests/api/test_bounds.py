"""The two checks every streamed chunk goes through, against their plain definitions: the
nesting cap of `loads_bounded` and the held-back end of `partial_secret`. Both have a fast path
(a bracket count, a search for the token's first character) that must agree with the slow one."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nemo_tui.api.bounded_json import MAX_DEPTH, JsonTooDeep, loads_bounded
from nemo_tui.api.transport import partial_secret

# Not shaped like a NemoVideo token (those are held back by their shape), and its first
# characters come back inside it, so a search that stops at the first match would be wrong.
TOKEN = "sk-sk_sk-9ab"


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_nesting_past_the_limit_is_refused_however_short_the_text() -> None:
    assert loads_bounded(nested(MAX_DEPTH), max_bytes=1000) is not None
    with pytest.raises(JsonTooDeep):
        loads_bounded(nested(MAX_DEPTH + 1), max_bytes=1000)
    with pytest.raises(JsonTooDeep):
        loads_bounded(nested(MAX_DEPTH + 1).encode(), max_bytes=1000)


def test_brackets_inside_strings_are_text() -> None:
    text = json.dumps({"text": "[" * 500, "more": ["{" * 500]})
    assert loads_bounded(text, max_bytes=10_000)["text"] == "[" * 500


def held_by_definition(text: str, token: str) -> int:
    """The longest end of `text` that is a proper start of `token` (0 for none)."""
    return max((size for size in range(1, len(token)) if text.endswith(token[:size])), default=0)


@given(
    before=st.text(alphabet="sk-_9ab ", max_size=60),
    cut=st.integers(min_value=0, max_value=len(TOKEN) - 1),
)
def test_the_held_back_end_is_the_longest_start_of_the_token(before: str, cut: int) -> None:
    text = before + TOKEN[:cut]
    assert partial_secret(text, TOKEN) == held_by_definition(text, TOKEN)
