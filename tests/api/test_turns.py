"""Turn assembly (partial/final dedupe, SPEC 4.1) and keep-alive timing (SPEC 4.3)."""

from __future__ import annotations

from nemo_tui.api.sse import TextDelta
from nemo_tui.api.turns import KeepAliveTracker, Silence, TurnAssembler


def delta(inv: str, author: str, text: str, partial: bool = True, thought: bool = False):
    return TextDelta(inv, author, text, partial, thought)


def test_final_event_replaces_partials_so_text_is_never_doubled() -> None:
    turn = TurnAssembler()
    shown = ""
    for event in [
        delta("e-1", "agent", "Adding "),
        delta("e-1", "agent", "a crossfade"),
        delta("e-1", "agent", "Adding a crossfade.", partial=False),
    ]:
        shown += turn.feed(event).delta
    assert shown == "Adding a crossfade."
    assert turn.visible_text == "Adding a crossfade."


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
    for event in events:
        turn.feed(event)
    assert turn.messages() == [
        (("e-1", "planner"), "Plan: three steps."),
        (("e-2", "editor"), "Cutting clips."),
        (("e-1", "editor"), "Other author, same invocation"),
    ]
    assert turn.visible_text.count("Cutting clips.") == 1


def test_final_text_that_differs_from_partials_asks_for_a_redraw() -> None:
    turn = TurnAssembler()
    turn.feed(delta("e-1", "agent", "Draft answr"))
    update = turn.feed(delta("e-1", "agent", "Final answer.", partial=False))
    assert update.replaced and update.delta == "" and update.text == "Final answer."
    assert turn.visible_text == "Final answer."


def test_thoughts_are_not_shown_as_the_answer() -> None:
    turn = TurnAssembler()
    turn.feed(delta("e-1", "agent", "I should add a title", thought=True))
    turn.feed(delta("e-1", "agent", "Added the title.", partial=False))
    assert turn.visible_text == "Added the title."
    assert turn.thoughts == "I should add a title"


def test_a_turn_of_only_tool_work_has_no_text() -> None:
    turn = TurnAssembler()
    turn.feed(delta("e-1", "agent", "hmm", thought=True))
    assert turn.visible_text == ""


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
