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


def test_canary_cpython_leaves_full_collections_to_us() -> None:
    """What `collector` relies on, checked on this CPython: with the third threshold out of
    reach, allocation alone runs young and middle collections but never a full one, and every
    middle collection adds one to `gc.get_count()[2]`, the debt `tick` reads. CPython's
    incremental collector (3.14) ignores the third threshold: if this fails, the policy must be
    rethought (or dropped), not the test."""
    started: list[int] = []

    def seen(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            started.append(info["generation"])

    quiet = QuietCollector()
    quiet.start()
    gc.callbacks.append(seen)
    try:
        gc.collect(1)  # a clean slate: nothing owed, young generations empty
        cycles = []
        for index in range(300_000):
            cycle: list[object] = [index]
            cycle.append(cycle)  # garbage only a collection can free
            if index % 1000 == 0:
                cycles.append(cycle)
        owed = gc.get_count()[2]
    finally:
        gc.callbacks.remove(seen)
        quiet.stop()
    assert 2 not in started, "CPython ran full collections on its own: see nemo_tui.tui.collector"
    assert started.count(1) >= collector.OWED_AFTER, started
    assert owed == started.count(1), (owed, started.count(1))


def test_an_app_ending_with_its_process_leaves_the_heap_frozen_for_the_exit() -> None:
    """The interpreter's collections on the way out skip frozen objects: after a long answer
    they walked the whole heap for 0.25 s between the app's end and the process's."""
    quiet = QuietCollector()
    quiet.start()
    kept = [object() for _ in range(1000)]  # made while the app ran
    quiet.stop(process_ending=True)
    try:
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()  # this process (the tests) goes on
