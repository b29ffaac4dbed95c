"""One chat turn: the `/run_sse` stream turned into the updates a person sees.

Text is assembled without doubling (`TurnAssembler`), GUI-translated as a whole and emitted as
deltas; tool calls become activity lines; keep-alives become at most one "Still working..." per
two minutes, and ten minutes of them end the turn as timed out. The message is sent once: a dropped
stream is reported, never retried, and the caller polls the state to say what changed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from nemo_tui.api.client import NemoClient
from nemo_tui.api.errors import StreamError
from nemo_tui.api.intents import GuiHints, translate_gui
from nemo_tui.api.sse import KeepAlive, TextDelta, ToolCall, ToolResult
from nemo_tui.api.turns import KeepAliveTracker, Silence, TurnAssembler
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


class TranslatedText:
    """The GUI-translated answer as deltas: the whole text is translated each time, so a phrase
    split across chunks ("click the Exp" + "ort button") is still caught, and when translation
    rewrites what was already shown the view is told to replace it."""

    def __init__(self, hints: GuiHints) -> None:
        self._hints = hints
        self.shown = ""

    def update(self, raw: str) -> tuple[str, bool]:
        """(delta, replace) for the new raw text."""
        translated = translate_gui(raw, self._hints)
        if translated.startswith(self.shown):
            delta, replace = translated[len(self.shown) :], False
        else:
            delta, replace = translated, True
        self.shown = translated
        return delta, replace


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
                    assembler.feed(event)
                    delta, replace = translated.update(assembler.visible_text)
                    if delta or replace:
                        emit(AgentText(turn_id, delta, replace))
                elif isinstance(event, ToolCall):
                    emit(Activity(turn_id, f"· {event.name}"))
                elif isinstance(event, ToolResult):
                    emit(Activity(turn_id, f"✓ {event.name}"))
    except StreamError as error:
        return TurnOutcome(translated.shown, str(error))
    return TurnOutcome(translated.shown)
