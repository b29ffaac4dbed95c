"""Updates that arrive together are shown together: consecutive text deltas of one turn become one.

A fast stream can deliver thousands of chunks between two frames. Showing each on its own would
cost a Markdown append (and a layout) per chunk; merged, the cost follows the frame rate instead.
"""

from __future__ import annotations

from nemo_tui.core.updates import AgentText, Update


def merge_text(updates: list[Update]) -> list[Update]:
    """`updates` in order, with each run of appended text for the same turn joined into one
    `AgentText`. A replacing update starts a new run (it resets what the turn shows)."""
    merged: list[Update] = []
    for update in updates:
        previous = merged[-1] if merged else None
        if (
            isinstance(update, AgentText)
            and not update.replace
            and isinstance(previous, AgentText)
            and previous.turn_id == update.turn_id
        ):
            merged[-1] = AgentText(update.turn_id, previous.delta + update.delta, previous.replace)
        else:
            merged.append(update)
    return merged
