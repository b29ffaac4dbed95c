"""One chat turn: the `/run_sse` stream turned into the updates a person sees.

Text is assembled without doubling or loss (`TurnAssembler`), GUI-translated as a whole and emitted
as deltas; tool calls become activity lines, thought parts one dim "thinking" line (never answer
text); a question the agent asks is handed back in the outcome; keep-alives become at most one
"Still working..." per two minutes, and ten minutes of them end the turn as timed out. The message
is sent once: a dropped stream is reported, never retried, and the caller polls the state to say
what changed.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Protocol

from nemo_tui.api.client import NemoClient
from nemo_tui.api.errors import StreamError
from nemo_tui.api.intents import GUI_TRIGGER_REACH, GuiHints, may_mention_gui, translate_gui
from nemo_tui.api.questions import Question
from nemo_tui.api.sse import (
    Asked,
    CallEnd,
    Finished,
    KeepAlive,
    TextDelta,
    Thinking,
    ToolCall,
    ToolResult,
    stop_reason_text,
)
from nemo_tui.api.turns import KeepAliveTracker, Silence, TextUpdate, TurnAssembler
from nemo_tui.core.updates import Activity, AgentText, StillWorking, Update


@dataclass(frozen=True)
class TurnOutcome:
    """How a turn ended. `text` is what the person saw; `interrupted` says why it ended early
    (a dropped stream, an error event, or ten minutes of keep-alives), None when it closed
    normally. `question` is what the agent asked, waiting for the next message; `edited` says a
    tool ran (the draft may have changed); `stopped` is a model stop reason in plain words."""

    text: str
    interrupted: str | None = None
    question: Question | None = None
    edited: bool = False
    stopped: str | None = None

    @property
    def silent(self) -> bool:
        return not self.text.strip()


# GUI phrases never cross a sentence end, so text up to one is translated once and for all.
SENTENCE_END = re.compile(r"(?:[.!?](?=\s)|[。！？\n])\s*")
# A tail with no sentence end is settled once it is this long (at a space if it has one), so a
# long run-on answer stays linear in any language; a settle is only kept when it translates
# exactly as the whole tail did. GUI phrases are far shorter than half of it.
_LONGEST_TAIL = 400


class Secrets(Protocol):
    """What hides the token in streamed text (`NemoClient` is one)."""

    def scrub(self, text: str) -> str: ...
    def partial_secret(self, text: str) -> int: ...


class NoSecrets:
    def scrub(self, text: str) -> str:
        return text

    def partial_secret(self, text: str) -> int:
        return 0


class TranslatedText:
    """The answer GUI-translated, as deltas to append (or, rarely, a full text to redraw).

    Only the text after the last sentence end is re-translated as chunks arrive, so a phrase
    split across chunks ("click the Exp" + "ort button") is still caught and a 20,000-chunk answer
    costs linear time; and only once that text holds the first word of a GUI phrase, which is
    checked on each chunk's new text alone. When translation rewrites what was already shown,
    the caller is told to replace it.

    The token is scrubbed the same way, on the whole tail: one split across chunks is still
    caught, and the end of the tail that may be its start is held back until the next chunk (or
    `finish`) shows what it is, so no part of it is ever shown.
    """

    def __init__(self, hints: GuiHints, secrets: Secrets | None = None) -> None:
        self._hints = hints
        self._secrets = secrets or NoSecrets()
        self._settled: list[str] = []
        self._tail_raw = ""
        # The tail translated and scrubbed, and the part of it shown (all but a held-back end).
        self._tail_full = ""
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
        self._tail_full = self._translate(self._tail_raw, self._tail_may_change)
        held = self._secrets.partial_secret(self._tail_full)
        update = self._show(self._tail_full[: len(self._tail_full) - held])
        # A sentence end needs the character after it: the old tail's last one may be one now.
        self._settle(max(0, old_length - 1))
        return update

    def finish(self) -> tuple[str, bool]:
        """(delta, replace) showing what was held back: the answer is complete."""
        return self._show(self._tail_full)

    def reset(self, raw: str) -> str:
        """The whole answer is now `raw` (a final event rewrote it): its translation, to redraw."""
        self._settled, self._tail_raw, self._tail_full, self._tail_shown = [], "", "", ""
        self._tail_may_change = False
        self.append(raw)
        return self.shown

    def _translate(self, raw: str, may_change: bool = True) -> str:
        return self._secrets.scrub(translate_gui(raw, self._hints) if may_change else raw)

    def _show(self, visible: str) -> tuple[str, bool]:
        if visible.startswith(self._tail_shown):
            delta, replace = visible[len(self._tail_shown) :], False
        else:
            delta, replace = "".join(self._settled) + visible, True
        self._tail_shown = visible
        return delta, replace

    def _settle(self, scan_from: int) -> None:
        """Settle the tail up to its last sentence end; ends before `scan_from` were seen by
        earlier calls."""
        cut = max((m.end() for m in SENTENCE_END.finditer(self._tail_raw, scan_from)), default=0)
        if not cut and len(self._tail_raw) > _LONGEST_TAIL:
            # At a space when there is one; text without spaces (Chinese) at any character, or
            # the tail would grow with the answer and each chunk re-translate all of it.
            keep_from = len(self._tail_raw) - _LONGEST_TAIL // 2
            cut = self._tail_raw.rfind(" ", 0, keep_from) + 1 or keep_from
        if cut <= 0:
            return
        head = self._translate(self._tail_raw[:cut])
        rest = self._translate(self._tail_raw[cut:])
        # Kept only when it changes nothing shown: same translation, nothing held in the head.
        if head + rest == self._tail_full and self._tail_shown.startswith(head):
            self._settled.append(head)
            self._tail_raw, self._tail_full = self._tail_raw[cut:], rest
            self._tail_shown = self._tail_shown[len(head) :]
            self._tail_may_change = may_mention_gui(self._tail_raw)


def _said_stop(reason: str) -> str:
    return stop_reason_text(reason) or f"The model stopped early ({reason}); the text is kept."


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
    translated = TranslatedText(hints, client)
    keep_alives = KeepAliveTracker(clock=clock)
    question: Question | None = None
    edited = thinking = False
    stopped: str | None = None

    def show(update: TextUpdate | None) -> None:
        if update is None:
            return
        if update.replaced:
            emit(AgentText(turn_id, translated.reset(update.text or ""), True))
        elif update.delta:
            delta, replace = translated.append(update.delta)
            emit(AgentText(turn_id, delta, replace))

    def outcome(interrupted: str | None = None) -> TurnOutcome:
        show(assembler.finish())
        # The text held back in case it began the token is shown now that nothing follows.
        delta, replace = translated.finish()
        if delta or replace:
            emit(AgentText(turn_id, delta, replace))
        return TurnOutcome(translated.shown, interrupted, question, edited, stopped)

    try:
        async with client.run_sse(session_id, text) as events:
            async for event in events:
                if isinstance(event, KeepAlive):
                    silence = keep_alives.keep_alive()
                    if silence is Silence.STILL_WORKING:
                        emit(StillWorking(turn_id, keep_alives.silent_for()))
                    elif silence is Silence.TIMED_OUT:
                        return outcome(
                            "The agent sent only keep-alives for 10 minutes; the turn is "
                            "treated as timed out."
                        )
                    continue
                keep_alives.activity()
                match event:
                    case TextDelta():
                        show(assembler.feed(event))
                    case CallEnd(invocation_id=invocation_id, author=author):
                        assembler.close((invocation_id, author))
                    case ToolCall(name=name):
                        edited = True
                        emit(Activity(turn_id, f"· {name}"))
                    case ToolResult(name=name):
                        emit(Activity(turn_id, f"✓ {name}"))
                    case Thinking() if not thinking:
                        # Reasoning is never answer text; one dim line says it happens.
                        thinking = True
                        emit(Activity(turn_id, "· thinking"))
                    case Asked(question=asked):
                        question = asked
                    case Finished(reason=reason) if stopped is None:
                        stopped = _said_stop(reason)
    except StreamError as error:
        return outcome(str(error))
    return outcome()
