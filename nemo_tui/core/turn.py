"""One chat turn: the `/run_sse` stream turned into the updates a person sees.

Text is assembled without doubling (`TurnAssembler`), GUI-translated as a whole and emitted as
deltas; tool calls become activity lines; keep-alives become at most one "Still working..." per
two minutes, and ten minutes of them end the turn as timed out. The message is sent once: a dropped
stream is reported, never retried, and the caller polls the state to say what changed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass

from nemo_tui.api.client import NemoClient
from nemo_tui.api.errors import StreamError
from nemo_tui.api.intents import GUI_TRIGGER_REACH, GuiHints, may_mention_gui, translate_gui
from nemo_tui.api.sse import KeepAlive, TextDelta, ToolCall, ToolResult
from nemo_tui.api.turns import KeepAliveTracker, MessageKey, Silence, TurnAssembler
from nemo_tui.core.updates import Activity, AgentText, StillWorking, Update


@dataclass(frozen=True)
class TurnOutcome:
    """How a turn ended. `text` is what the person saw; `interrupted` says why it ended early
    (a dropped stream, an error event, or ten minutes of keep-alives), None when it closed
    normally."""

    text: str
    interrupted: str | None = None

    @property
    def silent(self) -> bool:
        return not self.text.strip()


# GUI phrases never cross a sentence end, so text up to one is translated once and for all.
SENTENCE_END = re.compile(r"(?:[.!?](?=\s)|[。！？\n])\s*")
# A tail with no sentence end is settled at a space once it is this long, so a long run-on
# answer stays linear; a settle is only kept when it translates exactly as the whole tail did.
_LONGEST_TAIL = 400


class TranslatedText:
    """The answer GUI-translated, as deltas to append (or, rarely, a full text to redraw).

    Only the text after the last sentence end is re-translated as chunks arrive, so a phrase
    split across chunks ("click the Exp" + "ort button") is still caught and a 20,000-chunk answer
    costs linear time; and only once that text holds the first word of a GUI phrase, which is
    checked on each chunk's new text alone. When translation rewrites what was already shown,
    the caller is told to replace it.
    """

    def __init__(self, hints: GuiHints) -> None:
        self._hints = hints
        self._settled: list[str] = []
        self._tail_raw = ""
        self._tail_shown = ""
        self._tail_may_change = False

    @property
    def shown(self) -> str:
        return "".join(self._settled) + self._tail_shown

    def append(self, raw: str) -> tuple[str, bool]:
        """(delta, replace) after `raw` is appended to the answer."""
        old_length = len(self._tail_raw)
        self._tail_raw += raw
        if not self._tail_may_change:
            start = max(0, old_length - GUI_TRIGGER_REACH)
            self._tail_may_change = may_mention_gui(self._tail_raw, start)
        if self._tail_may_change:
            translated = translate_gui(self._tail_raw, self._hints)
        else:
            translated = self._tail_raw
        if translated.startswith(self._tail_shown):
            delta, replace = translated[len(self._tail_shown) :], False
        else:
            delta, replace = "".join(self._settled) + translated, True
        self._tail_shown = translated
        # A sentence end needs the character after it: the old tail's last one may be one now.
        self._settle(max(0, old_length - 1))
        return delta, replace

    def reset(self, raw: str) -> str:
        """The whole answer is now `raw` (a final event rewrote it): its translation, to redraw."""
        self._settled, self._tail_raw, self._tail_shown = [], "", ""
        self._tail_may_change = False
        self.append(raw)
        return self.shown

    def _settle(self, scan_from: int) -> None:
        """Settle the tail up to its last sentence end; ends before `scan_from` were seen by
        earlier calls."""
        cut = max((m.end() for m in SENTENCE_END.finditer(self._tail_raw, scan_from)), default=0)
        if not cut and len(self._tail_raw) > _LONGEST_TAIL:
            cut = self._tail_raw.rfind(" ", 0, len(self._tail_raw) - _LONGEST_TAIL // 2) + 1
        if cut <= 0:
            return
        head = translate_gui(self._tail_raw[:cut], self._hints)
        rest = translate_gui(self._tail_raw[cut:], self._hints)
        if head + rest == self._tail_shown:
            self._settled.append(head)
            self._tail_raw, self._tail_shown = self._tail_raw[cut:], rest
            self._tail_may_change = may_mention_gui(self._tail_raw)


async def run_turn(
    client: NemoClient,
    session_id: str,
    text: str,
    turn_id: str,
    emit: Callable[[Update], None],
    hints: GuiHints,
    clock: Callable[[], float] = time.monotonic,
) -> TurnOutcome:
    """Stream one turn, emitting AgentText / Activity / StillWorking. Cancelling the calling task
    closes the HTTP stream (the `async with`), and nothing is resent."""
    assembler = TurnAssembler()
    translated = TranslatedText(hints)
    keep_alives = KeepAliveTracker(clock=clock)
    # Messages come in order; text for one that is no longer the last needs a redraw.
    last_key: MessageKey | None = None
    finished_keys: set[MessageKey] = set()
    try:
        async with client.run_sse(session_id, text) as events:
            async for event in events:
                if isinstance(event, KeepAlive):
                    silence = keep_alives.keep_alive()
                    if silence is Silence.STILL_WORKING:
                        emit(StillWorking(turn_id, keep_alives.silent_for()))
                    elif silence is Silence.TIMED_OUT:
                        return TurnOutcome(
                            translated.shown,
                            "The agent sent only keep-alives for 10 minutes; the turn is "
                            "treated as timed out.",
                        )
                    continue
                keep_alives.activity()
                if isinstance(event, TextDelta):
                    if event.thought:
                        continue
                    update = assembler.feed(event)
                    if update.replaced or update.key in finished_keys:
                        # A final that rewrote its partials, or text for an earlier message:
                        # the answer is redrawn whole.
                        emit(AgentText(turn_id, translated.reset(assembler.visible_text), True))
                    elif update.delta:
                        separator = "\n\n" if update.key != last_key and translated.shown else ""
                        delta, replace = translated.append(separator + update.delta)
                        emit(AgentText(turn_id, delta, replace))
                    if update.key != last_key and last_key is not None:
                        finished_keys.add(last_key)
                    last_key = update.key
                elif isinstance(event, ToolCall):
                    emit(Activity(turn_id, f"· {event.name}"))
                elif isinstance(event, ToolResult):
                    emit(Activity(turn_id, f"✓ {event.name}"))
    except StreamError as error:
        return TurnOutcome(translated.shown, str(error))
    return TurnOutcome(translated.shown)
