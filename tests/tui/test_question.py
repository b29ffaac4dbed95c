"""The agent's question in the TUI (SPEC 4.4), against the real engine's agent: "make a video"
with photos uploaded asks for a length and a shape; the keys alone answer; the answer shows as the
person's message, is sent once, and builds the video asked for; saying something else instead
leaves the question behind."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.tui.chat import ChatInput, UserLine
from nemo_tui.tui.question import QuestionCard
from tests.support import mp4_facts, recorded_messages

from .engine_app import OUTPUT_HEIGHT, busy, engine_app, send, wait_ready, wait_turn, wait_until
from .helpers import shown

pytestmark = pytest.mark.usefixtures("app_dirs")

PHOTOS = [f"photo{i}.jpg" for i in range(1, 4)]


async def _asked(pilot, app, media_dir: Path) -> QuestionCard:  # type: ignore[no-untyped-def]
    """Upload three photos, say "make a video", and wait for the question to take the focus."""
    await wait_ready(pilot, app)
    assert await app.core.upload([media_dir / name for name in PHOTOS]) == 3
    await send(pilot, app, "make a video")
    await wait_turn(pilot, app, "make a video")
    await wait_until(pilot, lambda: bool(app.query(QuestionCard)), "the question")
    card = app.query_one(QuestionCard)
    await wait_until(pilot, lambda: app.focused is card, "the question to take the focus")
    return card


async def test_keys_answer_the_question_and_the_mp4_has_that_length_and_shape(
    start_engine: Callable[..., RunningEngine], media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    downloads = tmp_path / "exports"
    app = engine_app(engine.base_url, "create-a-video-using-ai", media_dir, downloads)
    async with app.run_test(size=(120, 40)) as pilot:
        card = await _asked(pilot, app, media_dir)
        screen = await shown(pilot)
        for words in ("How long should it be?", "15 seconds", "60 seconds", "Which shape?",
                      "9:16 vertical", "1:1 square"):  # fmt: skip
            assert words in screen, screen
        assert "Updated" not in screen and "No change" not in screen, screen
        # Arrows pick (down twice then up twice comes back to 15 seconds), right goes to the
        # shape, a digit picks there, Enter sends; the chat input is never touched.
        await pilot.press("down", "down")
        assert card.chosen == [[2], [0]]
        await pilot.press("up", "up", "right", "3")
        assert card.chosen == [[0], [2]]
        await pilot.press("enter")
        answer = "1. How long should it be?: 15 seconds\n2. Which shape?: 1:1 square"
        await wait_turn(pilot, app, "1. How long should it be?")
        assert isinstance(app.focused, ChatInput)
        lines = [str(line.content) for line in app.query(UserLine)]
        assert lines[-1] == f"you {answer}"
        await pilot.press("enter")  # nothing more is sent: the card is done
        assert recorded_messages(engine.settings.data_dir, app.core.session_id) == [
            "make a video",
            answer,
        ]
        draft = app.core.draft
        assert draft.d == 15_000 and (draft.m.width, draft.m.height) == (1080, 1080)

        await pilot.press("f4", "e")
        await wait_until(pilot, lambda: bool(app.downloads), "the MP4", timeout=120)
        facts = mp4_facts(app.downloads[0])
    assert facts.video_codec == "h264"
    assert (facts.width, facts.height) == (OUTPUT_HEIGHT, OUTPUT_HEIGHT)
    assert facts.duration == pytest.approx(15.0, abs=0.3)


async def test_escape_skips_once_and_the_agent_goes_on_with_its_defaults(
    start_engine: Callable[..., RunningEngine], media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, "create-a-video-using-ai", media_dir, tmp_path / "out")
    async with app.run_test(size=(80, 24)) as pilot:
        card = await _asked(pilot, app, media_dir)
        await pilot.press("escape")
        await wait_turn(pilot, app, "Skipped")
        await wait_until(pilot, lambda: not busy(app, "sse"), "the answer's turn")
        assert card.skipped and card.answered
        card.action_send()  # a second answer is refused by the card itself
        await pilot.pause()
        screen = await shown(pilot)
        assert "you Skipped" in screen, screen
        assert recorded_messages(engine.settings.data_dir, app.core.session_id) == [
            "make a video",
            "Skipped",
        ]
        assert app.core.draft.d == 30_000

        # Asked again, the person types something else: the question is over, nothing is sent.
        await send(pilot, app, "make a video")
        await wait_until(pilot, lambda: len(app.query(QuestionCard)) == 2, "the second question")
        second = app.query(QuestionCard).last()
        await send(pilot, app, "add a title 'Hi'")
        await wait_turn(pilot, app, "add a title 'Hi'")
        assert second.passed_over and second.answered
        second.action_send()
        await pilot.pause()
        assert "Not answered" in await shown(pilot)
        assert recorded_messages(engine.settings.data_dir, app.core.session_id)[2:] == [
            "make a video",
            "add a title 'Hi'",
        ]
