"""Full garbage collections wait until the keyboard is still and no answer streams, unless one is
long overdue."""

from __future__ import annotations

import gc

from nemo_tui.tui import collector
from nemo_tui.tui.collector import QuietCollector


def owe_full_collections(count: int) -> None:
    """Each young-generation collection adds one to what the full collection is owed."""
    for _ in range(count):
        gc.collect(1)


def test_a_full_collection_waits_for_the_keyboard_to_be_still() -> None:
    now = [100.0]
    quiet = QuietCollector(clock=lambda: now[0])
    quiet.start()
    try:
        assert gc.get_threshold()[2] > collector.FORCED_AFTER  # no automatic full collections
        owe_full_collections(collector.OWED_AFTER)
        quiet.typed()
        now[0] += collector.QUIET_SECONDS / 2
        assert not quiet.tick()
        assert gc.get_count()[2] >= collector.OWED_AFTER
        now[0] += collector.QUIET_SECONDS
        assert not quiet.tick(busy=True)  # an answer is streaming
        now[0] += collector.QUIET_SECONDS / 2
        assert not quiet.tick()  # it has only just ended
        now[0] += collector.QUIET_SECONDS
        assert quiet.tick()
        assert gc.get_count()[2] == 0
        assert not quiet.tick()  # nothing owed now
    finally:
        quiet.stop()


def test_a_long_overdue_collection_runs_even_while_typing() -> None:
    now = [100.0]
    quiet = QuietCollector(clock=lambda: now[0])
    before = gc.get_threshold()
    quiet.start()
    try:
        owe_full_collections(collector.FORCED_AFTER)
        quiet.typed()
        assert quiet.tick()
    finally:
        quiet.stop()
    assert gc.get_threshold() == before
