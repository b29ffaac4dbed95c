"""Python's full garbage collections, moved to moments when nobody is typing.

A streaming answer makes many short-lived widgets and strips, so the collector's oldest generation
fills quickly; a full collection then walks every live object and holds the loop for 50-200 ms,
and a key typed during one waits that long to appear. Here the automatic full collections are
turned off and `tick` runs the same collection once the keyboard has been still, and no answer has
streamed, for a moment (or, so memory stays bounded, once one is long overdue). The young
generations still collect as usual: they are cheap. `QuietApp` is an app that does this.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable

from textual import events

from nemo_tui.tui.link import PacedApp

# Full collections are owed after this many young-generation collections (CPython's default).
OWED_AFTER = 10
# ...and forced, typing or not, once this many are owed.
FORCED_AFTER = 50
QUIET_SECONDS = 1.0
TICK_SECONDS = 0.5


class QuietCollector:
    """Call `start` once the app is built, `typed` on every key, and `tick` every
    `TICK_SECONDS`, saying whether the app is busy (an answer streaming)."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._last_busy = float("-inf")
        self._thresholds = gc.get_threshold()

    def start(self) -> None:
        # What start-up built lives as long as the app: out of the collector's reach, no
        # collection walks it again.
        gc.freeze()
        young, middle, _ = self._thresholds
        gc.set_threshold(young, middle, 1_000_000)

    def stop(self, *, process_ending: bool = False) -> None:
        """Back to Python's own collections (several apps can run in one process: tests). When
        the process is ending with the app, everything is frozen instead: the interpreter's
        collections on the way out would walk the whole heap (0.25 s after a long answer)."""
        if process_ending:
            gc.freeze()
        else:
            gc.unfreeze()
        gc.set_threshold(*self._thresholds)

    def typed(self) -> None:
        self._last_busy = self._clock()

    def tick(self, *, busy: bool = False) -> bool:
        """Run a full collection if one is owed and the app is quiet; True if it ran."""
        if busy:
            self._last_busy = self._clock()
        owed = gc.get_count()[2]
        quiet = self._clock() - self._last_busy >= QUIET_SECONDS
        if owed >= FORCED_AFTER or (owed >= OWED_AFTER and quiet):
            gc.collect()
            return True
        return False


class QuietApp(PacedApp):
    """An app whose full collections wait for quiet (see `QuietCollector`): started once it is
    ready, told of every key, ticked every TICK_SECONDS, stopped with it. `busy` says whether
    the app is working on something a collection would hold up. It paces live panes to the
    terminal's link (`link.PacedApp`)."""

    def __init__(self) -> None:
        super().__init__()
        self._collector = QuietCollector()

    def busy(self) -> bool:
        return False

    def on_ready(self) -> None:
        self._collector.start()
        self.set_interval(TICK_SECONDS, self._collect_when_idle)

    def _collect_when_idle(self) -> None:
        self._collector.tick(busy=self.busy())

    def on_unmount(self) -> None:
        # An app on a real terminal is the process's last work; one under test is not.
        self._collector.stop(process_ending=not self.is_headless)

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key):
            self._collector.typed()
        await super().on_event(event)
