"""Every stream of SPEC 4.1-4.4 (tests/streams.py) on the TUI's screen: the real app on the real
engine, whose `/run_sse` replays the stream whole and cut every 7 bytes. What must show shows
once, what must not show never does, and a question appears as a choice list."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.tui.question import QuestionCard
from tests.streams import CASES, SPLITS, Case, replay_faults

from .engine_app import engine_app, send, wait_ready, wait_turn
from .helpers import shown

pytestmark = pytest.mark.usefixtures("app_dirs")

# Words of five letters or more: the screen wraps and styles text, but keeps its words, each as
# often as the answer has it (never doubled), and the app's own labels are not such words.
_WORD = re.compile(r"[^\s\u2028\u2029\u0085.,:?!]{5,}")


@pytest.mark.parametrize(
    ("case", "chunk_bytes"),
    # Cut streams are the harder read; the whole ones, a second Pilot run each, run with `slow`.
    [
        pytest.param(case, chunk, marks=[pytest.mark.slow] if chunk is None else [])
        for case in CASES
        for chunk in SPLITS
    ],
    ids=lambda value: value.name if isinstance(value, Case) else f"split-{value or 'none'}",
)
async def test_the_stream_on_screen(
    case: Case,
    chunk_bytes: int | None,
    start_engine: Callable[..., RunningEngine],
    tmp_path: Path,
) -> None:
    engine = start_engine(faults=replay_faults(case, chunk_bytes))
    app = engine_app(engine.base_url, "create-a-video-using-ai", tmp_path, tmp_path / "exports")
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_ready(pilot, app)
        await send(pilot, app, "hello")
        await wait_turn(pilot, app, "hello")
        screen = await shown(pilot)
        cards = list(app.query(QuestionCard))
    for word in _WORD.findall(case.text):
        assert screen.count(word) == case.text.count(word), (word, screen)
    for hidden in case.hidden:
        assert hidden not in screen, screen
    if case.said:
        # A notice may wrap: its words are there, in order, maybe on two lines.
        assert re.search(r"\W+".join(case.said.split()), screen.lower().replace("│", " ")), screen
    if case.asks:
        (card,) = cards
        assert case.asks in screen and "15 seconds" in screen and "30 seconds" in screen
        assert "Updated" not in screen and "No change" not in screen, screen
        assert not card.answered
    else:
        assert cards == []
