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
    run: list[str] = []  # the deltas of the run that ends `merged`, joined once it is over

    def close_run() -> None:
        if len(run) > 1:
            last = merged[-1]
            assert isinstance(last, AgentText)
            merged[-1] = AgentText(last.turn_id, "".join(run), last.replace)
        run.clear()

    for update in updates:
        previous = merged[-1] if merged else None
        if (
            isinstance(update, AgentText)
            and not update.replace
            and isinstance(previous, AgentText)
            and previous.turn_id == update.turn_id
        ):
            run.append(update.delta)
            continue
        close_run()
        merged.append(update)
        if isinstance(update, AgentText):
            run.append(update.delta)
    close_run()
    return merged
