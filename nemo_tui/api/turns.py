"""One chat turn as the user sees it: text assembled without doubling, and keep-alive timing.

`TurnAssembler` applies SPEC 4.1's rule: partial text appends to a buffer keyed by
`(invocationId, author)`, the final event replaces that buffer. It reports, per event, the text to
append on screen (or, when a final text does not extend what was shown, the whole text to redraw).
`KeepAliveTracker` decides when a silent turn deserves a "Still working..." line and when it has
timed out (SPEC 4.3), with an injectable clock so tests need not wait.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from enum import Enum

from nemo_tui.api.sse import TextDelta

MessageKey = tuple[str | None, str | None]


@dataclass(frozen=True)
class TextUpdate:
    """What changed on screen for one message after one event.

    `delta` is the text to append. When `replaced` is true, the final text did not start with what
    was already shown: redraw the message with `text` (set only then) instead of appending.
    """

    key: MessageKey
    delta: str
    replaced: bool
    thought: bool
    text: str | None = None


class _Buffer:
    """A message's text as chunks, joined only when asked: appending a chunk costs the chunk,
    not the whole answer, so a 20,000-chunk answer stays linear."""

    def __init__(self) -> None:
        self._chunks: list[str] = []

    def append(self, chunk: str) -> None:
        self._chunks.append(chunk)

    def replace(self, text: str) -> None:
        self._chunks = [text]

    @property
    def text(self) -> str:
        if len(self._chunks) > 1:
            self._chunks = ["".join(self._chunks)]
        return self._chunks[0] if self._chunks else ""


@dataclass
class _Message:
    answer: _Buffer = field(default_factory=_Buffer)
    thought: _Buffer = field(default_factory=_Buffer)


class TurnAssembler:
    """Builds the visible answer of a turn from text deltas, messages in order of appearance."""

    def __init__(self) -> None:
        self._messages: dict[MessageKey, _Message] = {}

    def feed(self, event: TextDelta) -> TextUpdate:
        key = (event.invocation_id, event.author)
        message = self._messages.setdefault(key, _Message())
        buffer = message.thought if event.thought else message.answer
        if event.partial:
            buffer.append(event.text)
            return TextUpdate(key, event.text, False, event.thought)
        shown = buffer.text
        buffer.replace(event.text)
        if event.text.startswith(shown):
            return TextUpdate(key, event.text[len(shown) :], False, event.thought)
        return TextUpdate(key, "", True, event.thought, event.text)

    @property
    def visible_text(self) -> str:
        """The answer so far: every message's text, thoughts left out, one blank line apart."""
        return "\n\n".join(text for _, text in self.messages())

    @property
    def thoughts(self) -> str:
        return "\n\n".join(m.thought.text for m in self._messages.values() if m.thought.text)

    def messages(self) -> list[tuple[MessageKey, str]]:
        """Each message's answer text, keyed by (invocation id, author), in order of appearance."""
        return [(key, m.answer.text) for key, m in self._messages.items() if m.answer.text]


class Silence(Enum):
    """What a keep-alive means for the user at this moment."""

    QUIET = "quiet"
    STILL_WORKING = "still_working"
    TIMED_OUT = "timed_out"


STILL_WORKING_EVERY = 120.0
SILENCE_TIMEOUT = 600.0


class KeepAliveTracker:
    """Times the stretches of a turn with nothing but keep-alives.

    Call `activity()` on every real event (text, tool call or result) and `keep_alive()` on every
    keep-alive. `keep_alive()` answers STILL_WORKING once for each full 2 minutes of silence (not
    once per ping), and TIMED_OUT once 10 minutes of silence have passed.
    """

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        notice_every: float = STILL_WORKING_EVERY,
        timeout: float = SILENCE_TIMEOUT,
    ) -> None:
        self._clock = clock
        self._notice_every = notice_every
        self._timeout = timeout
        self._quiet_since = clock()
        self._notices = 0

    def activity(self) -> None:
        self._quiet_since = self._clock()
        self._notices = 0

    def keep_alive(self) -> Silence:
        silent_for = self.silent_for()
        if silent_for >= self._timeout:
            return Silence.TIMED_OUT
        due = int(silent_for // self._notice_every)
        if due > self._notices:
            self._notices = due
            return Silence.STILL_WORKING
        return Silence.QUIET

    def silent_for(self) -> float:
        """Seconds since the last real event (or since the turn began)."""
        return self._clock() - self._quiet_since

    @property
    def timed_out(self) -> bool:
        return self.silent_for() >= self._timeout
