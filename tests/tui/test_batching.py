"""Text deltas that arrive together are shown as one write, in order, per turn."""

from __future__ import annotations

from nemo_tui.core.updates import Activity, AgentText, Notice
from nemo_tui.tui.batching import merge_text


def test_consecutive_deltas_of_a_turn_become_one() -> None:
    merged = merge_text(
        [AgentText("t1", "Add"), AgentText("t1", "ing a "), AgentText("t1", "fade")]
    )
    assert merged == [AgentText("t1", "Adding a fade")]


def test_other_updates_and_other_turns_keep_their_place() -> None:
    updates = [
        AgentText("t1", "a"),
        Activity("t1", "· edit_multitrack"),
        AgentText("t1", "b"),
        AgentText("t1", "c"),
        AgentText("t2", "x"),
        Notice("hello"),
    ]
    assert merge_text(updates) == [
        AgentText("t1", "a"),
        Activity("t1", "· edit_multitrack"),
        AgentText("t1", "bc"),
        AgentText("t2", "x"),
        Notice("hello"),
    ]


def test_a_replacement_starts_a_new_run_that_later_deltas_extend() -> None:
    updates = [
        AgentText("t1", "Click Export"),
        AgentText("t1", "Press e to export", replace=True),
        AgentText("t1", " now"),
    ]
    assert merge_text(updates) == [
        AgentText("t1", "Click Export"),
        AgentText("t1", "Press e to export now", replace=True),
    ]
