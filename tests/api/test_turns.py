"""Turn assembly (partial/final dedupe, SPEC 4.1) and keep-alive timing (SPEC 4.3)."""

from __future__ import annotations

import json

from nemo_tui.api.sse import TextDelta, parse_data
from nemo_tui.api.turns import KeepAliveTracker, Silence, TurnAssembler


def delta(inv: str, author: str, text: str, partial: bool = True) -> TextDelta:
    return TextDelta(inv, author, text, partial)


def shown(turn: TurnAssembler, events: list[TextDelta]) -> str:
    """What a screen that applies each update shows at the end."""
    screen = ""
    for event in events:
        update = turn.feed(event)
        if update is not None:
            screen = (update.text or "") if update.replaced else screen + update.delta
    return screen


def test_final_event_replaces_partials_so_text_is_never_doubled() -> None:
    turn = TurnAssembler()
    events = [
        delta("e-1", "agent", "Adding "),
        delta("e-1", "agent", "a crossfade"),
        delta("e-1", "agent", "Adding a crossfade.", partial=False),
    ]
    assert shown(turn, events) == "Adding a crossfade."
    assert turn.visible_text == "Adding a crossfade."


def test_two_model_calls_of_one_invocation_keep_both_texts() -> None:
    turn = TurnAssembler()
    events = [
        delta("e-1", "agent", "I'll add "),
        delta("e-1", "agent", "a crossfade."),
        delta("e-1", "agent", "I'll add a crossfade.", partial=False),
        delta("e-1", "agent", "Done: "),
        delta("e-1", "agent", "crossfade added."),
        delta("e-1", "agent", "Done: crossfade added.", partial=False),
    ]
    expected = "I'll add a crossfade.\n\nDone: crossfade added."
    assert shown(turn, events) == expected == turn.visible_text


def test_interleaved_invocations_and_authors_keep_separate_buffers() -> None:
    turn = TurnAssembler()
    events = [
        delta("e-1", "planner", "Plan: "),
        delta("e-2", "editor", "Cutting "),
        delta("e-1", "planner", "three steps"),
        delta("e-2", "editor", "clips"),
        delta("e-1", "editor", "Other author, same invocation"),
        delta("e-2", "editor", "Cutting clips.", partial=False),
        delta("e-1", "planner", "Plan: three steps.", partial=False),
    ]
    screen = shown(turn, events)
    assert (
        screen
        == turn.visible_text
        == ("Plan: three steps.\n\nCutting clips.\n\nOther author, same invocation")
    )


def test_final_text_that_differs_from_partials_asks_for_a_redraw() -> None:
    turn = TurnAssembler()
    turn.feed(delta("e-1", "agent", "Draft answr"))
    update = turn.feed(delta("e-1", "agent", "Final answer.", partial=False))
    assert update is not None
    assert update.replaced and update.delta == "" and update.text == "Final answer."
    assert turn.visible_text == "Final answer."


def test_trailing_temporary_issue_text_after_an_answer_is_dropped() -> None:
    turn = TurnAssembler()
    events = [
        delta("e-1", "agent", "Added the title.", partial=False),
        delta("e-1", "agent", "I encoun"),
        delta("e-1", "agent", "tered a temporary issue. Please try again."),
        delta("e-1", "agent", "I encountered a temporary issue. Please try again.", False),
    ]
    assert shown(turn, events) == "Added the title." == turn.visible_text


def test_temporary_issue_text_alone_is_the_answer() -> None:
    turn = TurnAssembler()
    text = "I encountered a temporary issue. Please try again."
    assert shown(turn, [delta("e-1", "agent", text, False)]) == text


def test_held_text_that_is_not_the_noise_is_shown_once_it_differs() -> None:
    turn = TurnAssembler()
    events = [
        delta("e-1", "agent", "Added the title.", partial=False),
        delta("e-1", "agent", "I "),
        delta("e-1", "agent", "also muted the clip."),
    ]
    assert shown(turn, events) == "Added the title.\n\nI also muted the clip."


def test_held_text_is_shown_when_the_stream_ends() -> None:
    turn = TurnAssembler()
    turn.feed(delta("e-1", "agent", "Added the title.", partial=False))
    assert turn.feed(delta("e-1", "agent", "I")) is None
    update = turn.finish()
    assert update is not None and update.text == "Added the title.\n\nI"


def test_a_turn_with_no_text_shows_nothing() -> None:
    assert TurnAssembler().visible_text == ""


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_still_working_once_per_two_minutes_of_keep_alives() -> None:
    clock = FakeClock()
    tracker = KeepAliveTracker(clock=clock)
    verdicts = []
    for _ in range(50):  # a ping every 5 s for 250 s
        clock.now += 5
        verdicts.append(tracker.keep_alive())
    notices = [i for i, v in enumerate(verdicts) if v is Silence.STILL_WORKING]
    assert len(notices) == 2
    assert (notices[0] + 1) * 5 == 120 and (notices[1] + 1) * 5 == 240


def test_activity_resets_the_silence() -> None:
    clock = FakeClock()
    tracker = KeepAliveTracker(clock=clock)
    clock.now += 110
    assert tracker.keep_alive() is Silence.QUIET
    tracker.activity()
    clock.now += 110
    assert tracker.keep_alive() is Silence.QUIET
    clock.now += 10
    assert tracker.keep_alive() is Silence.STILL_WORKING


def test_ten_minutes_of_keep_alives_time_the_turn_out() -> None:
    clock = FakeClock()
    tracker = KeepAliveTracker(clock=clock)
    clock.now += 599
    assert tracker.keep_alive() is not Silence.TIMED_OUT and not tracker.timed_out
    clock.now += 1
    assert tracker.keep_alive() is Silence.TIMED_OUT and tracker.timed_out


def gateway_shown(*messages: dict[str, str]) -> str:
    """What the screen shows for dialect B messages (SPEC 4.2 v3), parsed as the wire sends them."""
    events = [event for payload in messages for event in parse_data(json.dumps(payload))]
    return shown(TurnAssembler(), [event for event in events if isinstance(event, TextDelta)])


def test_gateway_chunks_then_their_text_show_once() -> None:
    screen = gateway_shown(
        {"type": "chunk", "text": "Adding "},
        {"type": "chunk", "content": "music."},
        {"type": "text", "text": "Adding music."},
    )
    assert screen == "Adding music."


def test_gateway_text_alone_shows_once() -> None:
    assert gateway_shown({"type": "text", "content": "Done."}) == "Done."


def test_gateway_steps_each_show_once_in_order() -> None:
    screen = gateway_shown(
        {"type": "chunk", "text": "Looking"},
        {"type": "text", "text": "Looking at the photos."},
        {"type": "text", "text": "Added a title."},
        {"type": "chunk", "text": "All "},
        {"type": "chunk", "text": "set."},
        {"type": "text", "text": "All set."},
    )
    assert screen == "Looking at the photos.\n\nAdded a title.\n\nAll set."
