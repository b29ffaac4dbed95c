"""Every stream of SPEC 4.1-4.4 (tests/streams.py) on the TUI's screen: the real app on the real
engine, whose `/run_sse` replays the streams one turn after another, cut every 7 bytes (and, with
`slow`, whole). Each answer shows once, what must not show never does, what must be said is said,
and a question appears as a choice list, never as a silent edit."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.widget import Widget

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.tui.answer import AgentMarkdown
from nemo_tui.tui.app import NemoApp
from nemo_tui.tui.question import QuestionCard
from tests.streams import CASES, replay_in_turn

from .engine_app import engine_app, send, wait_ready, wait_turn
from .helpers import screen_text, shown

pytestmark = pytest.mark.usefixtures("app_dirs")

# Words of five letters or more: the screen wraps and styles text, but keeps its words, each as
# often as the answer has it (never doubled).
_WORD = re.compile(r"[^\s\u2028\u2029\u0085.,:?!]{5,}")


def on_screen(app: NemoApp, widget: Widget) -> str:
    """The characters the screen shows where `widget` is."""
    box = widget.region
    rows = screen_text(app).splitlines()[box.y : box.y + box.height]
    return "\n".join(row[box.x : box.x + box.width] for row in rows)


@pytest.mark.slow
@pytest.mark.parametrize(
    "chunk_bytes", [7, pytest.param(None, marks=pytest.mark.slow)], ids=["split-7", "whole"]
)
async def test_every_stream_on_screen(
    chunk_bytes: int | None, start_engine: Callable[..., RunningEngine], tmp_path: Path
) -> None:
    engine = start_engine(faults=replay_in_turn(list(CASES), chunk_bytes))
    app = engine_app(engine.base_url, "create-a-video-using-ai", tmp_path, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        for number, case in enumerate(CASES):
            message = f"message {number}"
            answers_before = len(app.query(AgentMarkdown))
            await send(pilot, app, message)
            await wait_turn(pilot, app, message)
            screen = await shown(pilot)
            answers = list(app.query(AgentMarkdown))
            if case.text:
                assert len(answers) == answers_before + 1, case.name
                answer = on_screen(app, answers[-1])
                for word in _WORD.findall(case.text):
                    assert answer.count(word) == case.text.count(word), (case.name, word, screen)
            else:
                assert len(answers) == answers_before, case.name
            for hidden in case.hidden:
                assert hidden not in screen, (case.name, screen)
            if case.said:
                # A notice may wrap: its words are there, in order, maybe on two lines.
                said = r"\W+".join(case.said.split())
                assert re.search(said, screen.lower().replace("│", " ")), (case.name, screen)
            cards = [card for card in app.query(QuestionCard) if not card.answered]
            if case.asks:
                (card,) = cards
                card_text = on_screen(app, card)
                assert case.asks in card_text and "15 seconds" in card_text, card_text
                assert "30 seconds" in card_text
                # Below the person's message: the question, and no silent-edit summary.
                below = screen.split(f"you {message}")[-1]
                assert "Updated" not in below and "No change" not in below, screen
            else:
                assert cards == [], case.name
