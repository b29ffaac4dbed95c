"""One chat turn as the user sees it: text assembled without doubling or loss, and keep-alives.

`TurnAssembler` applies SPEC 4.1's rule per model call: one invocation may hold several model calls
under the same `(invocationId, author)`; partial text appends to that key's open call, a final
event replaces the open call's text and closes it, and the turn's text is every call's text in
order. It reports, per event, the text to append on screen (or, when a final does not extend what
was shown, the whole answer to redraw). A trailing "I encountered a temporary issue..." call after
normal text is backend noise (SPEC 4.1) and is never shown: a call whose first words could still
become that phrase is held back until they cannot.
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
# Model calls are shown one paragraph apart.
CALL_SEPARATOR = "\n\n"
# The backend's noise after a normal answer (the official skill says to ignore it).
TEMPORARY_ISSUE = "i encountered a temporary issue"


@dataclass(frozen=True)
class TextUpdate:
    """What changed on screen after one event: `delta` is the text to append; when `replaced`
    is true the whole answer is redrawn as `text` (set only then) instead."""

    delta: str
    replaced: bool = False
    text: str | None = None


class _Buffer:
    """A model call's text as chunks, joined only when asked: appending a chunk costs the chunk,
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


class _Shown(Enum):
    WAITING = "waiting"  # no text yet, or text that may yet turn out to be noise
    SHOWN = "shown"
    NOISE = "noise"


@dataclass(eq=False)
class _Call:
    """One model call's text and whether the person sees it."""

    buffer: _Buffer = field(default_factory=_Buffer)
    shown: _Shown = _Shown.WAITING


class TurnAssembler:
    """Builds the visible answer of a turn from text deltas, model calls in order of appearance."""

    def __init__(self) -> None:
        self._calls: list[_Call] = []
        self._open: dict[MessageKey, _Call] = {}
        self._visible: list[_Call] = []

    def feed(self, event: TextDelta) -> TextUpdate | None:
        """The screen change for one text event, None when nothing visible changed."""
        key = (event.invocation_id, event.author)
        if event.partial:
            call = self._open.get(key)
            if call is None:
                call = self._open[key] = self._new_call()
            call.buffer.append(event.text)
            if call.shown is _Shown.SHOWN:
                if call is self._visible[-1]:
                    return TextUpdate(event.text)
                return self._redraw()
            return self._classify(call)
        call = self._open.pop(key, None) or self._new_call()
        if call.shown is _Shown.SHOWN:
            before = call.buffer.text
            call.buffer.replace(event.text)
            if call is self._visible[-1] and event.text.startswith(before):
                return TextUpdate(event.text[len(before) :])
            return self._redraw()
        call.buffer.replace(event.text)
        return self._classify(call)

    def close(self, key: MessageKey) -> None:
        """A final event without text: the open call of `key` ends as it stands."""
        self._open.pop(key, None)

    def finish(self) -> TextUpdate | None:
        """The stream ended: open calls count as final, and text held back because it might have
        been the noise phrase, but was not, is shown."""
        self._open.clear()
        update = None
        for call in self._calls:
            if call.shown is _Shown.WAITING and call.buffer.text:
                call.shown = _Shown.SHOWN
                update = self._redraw()
        return update

    @property
    def visible_text(self) -> str:
        """The answer so far: every shown model call's text, one blank line apart."""
        return CALL_SEPARATOR.join(call.buffer.text for call in self._visible)

    def _new_call(self) -> _Call:
        call = _Call()
        self._calls.append(call)
        return call

    def _classify(self, call: _Call) -> TextUpdate | None:
        """Decide whether a call not yet shown is shown now (and return what to draw)."""
        text = call.buffer.text
        if not text:
            return None
        if self._visible and call.shown is not _Shown.NOISE:
            head = text.lstrip().casefold()
            if head.startswith(TEMPORARY_ISSUE):
                call.shown = _Shown.NOISE
            if TEMPORARY_ISSUE.startswith(head) or call.shown is _Shown.NOISE:
                return None
        elif call.shown is _Shown.NOISE:
            return None
        call.shown = _Shown.SHOWN
        last = self._visible[-1] if self._visible else None
        if last is None or self._calls.index(call) > self._calls.index(last):
            separator = CALL_SEPARATOR if self._visible else ""
            self._visible.append(call)
            return TextUpdate(separator + text)
        return self._redraw()

    def _redraw(self) -> TextUpdate:
        self._visible = [call for call in self._calls if call.shown is _Shown.SHOWN]
        return TextUpdate("", replaced=True, text=self.visible_text)


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
