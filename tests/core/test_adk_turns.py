"""The session controller on the real engine's ADK 2.x turns: an edit's two model calls both shown,
each once; the state read once more after an editing turn (SPEC 4.3); a question answered once,
in SPEC 4.4's words, never taken for a silent edit."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from nemo_tui.core.updates import Notice, QuestionAsked, TurnFinished, TurnStarted, Update
from nemo_tui.engine.http.server import RunningEngine
from tests.support import controller_for, of_type, recorded_messages, shown_text

PROMO = "turn these photos into a 9-second promotional video"
PHOTOS = [f"photo{i}.jpg" for i in range(1, 4)]


async def test_an_edit_shows_both_model_calls_each_once(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    updates: list[Update] = []
    controller = controller_for(start_engine().base_url, app_dirs, updates)
    await controller.start()
    await controller.upload([media_dir / name for name in PHOTOS])
    reads = 0
    client_state = controller._client.state

    async def counted_state(session_id: str):  # type: ignore[no-untyped-def]
        nonlocal reads
        reads += 1
        return await client_state(session_id)

    controller._client.state = counted_state  # type: ignore[method-assign]
    await controller.say(PROMO)
    turn_id = of_type(updates, TurnStarted)[-1].turn_id
    text = shown_text(updates, turn_id)
    explain, confirm = text.split("\n\n")
    assert "9 s" in explain and "export" in confirm.lower()
    assert text.count(explain) == 1 and text.count(confirm) == 1
    # Once when the turn ended, once more for a write that lands after the stream closed.
    assert reads == 2
    reads = 0
    await controller.say("hello")
    assert reads == 1
    await controller.aclose()


async def test_a_question_is_answered_once_and_builds_what_was_chosen(
    start_engine: Callable[..., RunningEngine], app_dirs: Path, media_dir: Path
) -> None:
    engine = start_engine()
    updates: list[Update] = []
    controller = controller_for(engine.base_url, app_dirs, updates)
    await controller.start()
    await controller.upload([media_dir / name for name in PHOTOS])
    await controller.say("make a video")
    (asked,) = of_type(updates, QuestionAsked)
    finished = of_type(updates, TurnFinished)[-1]
    assert finished.summary is None and finished.text == ""
    assert not [n for n in of_type(updates, Notice) if "Updated" in n.text or "change" in n.text]
    assert [item.prompt for item in asked.question.items] == [
        "How long should it be?",
        "Which shape?",
    ]
    await controller.answer([[1], [1]])
    await controller.answer([[0], [0]])  # the question is gone: nothing is sent
    answer = "1. How long should it be?: 30 seconds\n2. Which shape?: 9:16 vertical"
    assert recorded_messages(engine.settings.data_dir, controller.session_id) == [
        "make a video",
        answer,
    ]
    assert of_type(updates, TurnStarted)[-1].text == answer
    assert controller.draft.d == 30_000
    assert (controller.draft.m.width, controller.draft.m.height) == (1080, 1920)
    await controller.aclose()
