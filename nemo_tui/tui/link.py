"""The link to the terminal: how far behind the app the person's screen is, and the pace of what
keeps changing (the player's pictures, a streaming answer), so the app never queues more output
than the link carries.

Over SSH the screen shows output only as fast as the link carries it; what the app writes faster
waits (Textual's writer queue, the pseudo-terminal's buffer, sshd's window) and every key's
effect waits behind it: 200x60 playback writes about 0.9 MB a second, so at 250 KB/s `q` took
5 s to act. How far behind the screen is can only be learnt from the terminal. After it paints,
the app asks the terminal where its cursor is (a cursor position report, `ESC[6n`, which every
terminal descended from the VT100 answers); the answer comes back once the terminal has read
everything written before the question. One question is out at a time, and while it is the link
is `busy`: a streaming answer gathers more text before its next write, and the player sends the
next picture only if it and what is still on its way would arrive within `FRAME_BUDGET` at the
rate recent pictures did (`room`), else it drops frames, then draws them coarser. So a key's
effect waits behind at most that much output. What an answer took, less the round trip of a
question asked with nothing before it (timed every `ROUND_TRIP_EVERY` while live panes ask), is
what the output before it cost. On a slow link the first screen's paint already times it
(`rate`), and a picture it would not carry within the budget is not sent at all: the detail
steps down first (`PicturePace.fits`), so even the first picture is one the link carries.

A terminal that does not answer is left alone: after `SILENT_SECONDS` without a first answer
nothing is asked or held back again (the player's picture stands still until then). What this
leans on in Textual (the driver class an app picks, the hook after each paint, the parser's
cursor reports) is watched by canary tests.
"""

from __future__ import annotations

import statistics
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from textual import events
from textual.app import App
from textual.driver import Driver
from textual.message import Message

from nemo_tui.frames import FULL_DETAIL, Detail
from nemo_tui.tui.hangup import HANGUP_EXIT_CODE, HANGUP_POLL_SECONDS, hung_up

PROBE = "\x1b[6n"
# A question unanswered this long is taken as lost, and before any answer, as a terminal that
# does not answer.
SILENT_SECONDS = 3.0
# Answers remembered: the lags of recent output, and the round trips of questions asked with
# nothing written before them (the link's own delay, asked about every `ROUND_TRIP_EVERY`).
ANSWERS_KEPT = 30
ROUND_TRIP_EVERY = 1.0
# Answers it takes to judge what the output costs, unless one took this long (seconds).
SAMPLES = 3
FAR_TOO_SLOW = 0.3
# Updates at least this long (characters) time the link's rate: shorter ones mostly time the
# round trip. The first screen's paint is one. One that arrived within `QUICK` seconds beyond
# the round trip says only that the link is fast: a busy machine's scheduling is of that order.
MEASURABLE = 4_000
QUICK = 0.05


@dataclass(frozen=True)
class Question:
    asked_at: float
    written: int  # characters written before it
    bare: bool  # nothing new was written before it: its answer times the round trip alone


class Link:
    """What the app wrote, the question in flight and the answers' lags. The driver reports
    writes (`wrote`) and answers (`answered`, from its input thread); the app reports each paint
    (`painted`) and live panes ask `busy` before they write."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._send: Callable[[str], None] | None = None
        self._written = 0  # characters written so far
        self._asked: Question | None = None  # the question in flight
        self._covered = 0  # characters written before the last question answered
        # (asked at, lag, characters written since the question before)
        self._lags: deque[tuple[float, float, int]] = deque(maxlen=ANSWERS_KEPT)
        self._round_trips: deque[float] = deque(maxlen=ANSWERS_KEPT)
        self._timed_at = float("-inf")  # when the last bare question was asked
        self._silent = False

    def attach(self, send: Callable[[str], None]) -> None:
        """`send` writes to the terminal without being counted: the driver's own write."""
        self._send = send

    def wrote(self, characters: int) -> None:
        self._written += characters

    def painted(self) -> None:
        """The app wrote a screen update: ask about it, unless a question is already out (its
        answer will be followed by one for this)."""
        if self._asked is None and self._written != self._covered:
            self._ask()

    def _ask(self) -> None:
        if self._send is None or self._silent:
            return
        now = self._clock()
        bare = self._written == self._covered
        if bare:
            self._timed_at = now
        with self._lock:
            self._asked = Question(now, self._written, bare)
        self._send(PROBE)

    def answered(self, at: float) -> bool:
        """The terminal answered at `at` (any thread); False if nothing was asked (a report
        someone else asked for, or an answer to a question given up as lost)."""
        with self._lock:
            question, self._asked = self._asked, None
            if question is None:
                return False
            lag, size = at - question.asked_at, question.written - self._covered
            self._covered = question.written
            if question.bare:
                self._round_trips.append(lag)
            else:
                self._lags.append((question.asked_at, lag, size))
        return True

    def busy(self) -> bool:
        """Whether output is still on its way to the terminal, so live panes should hold back.
        Until a first answer, too: the first pictures would otherwise go out unpaced."""
        asked = self._asked
        if asked is not None:
            if self._clock() - asked.asked_at < SILENT_SECONDS:
                return True
            with self._lock:
                self._asked = None
                # Never answered: a terminal that does not answer, not held for again.
                self._silent = not (self._lags or self._round_trips)
            return False
        if self._silent or self._send is None:
            return False
        if self._written != self._covered or self._clock() - self._timed_at >= ROUND_TRIP_EVERY:
            # Written since the last question, or time to time the round trip: ask first.
            self._ask()
            return True
        return False

    def room(self, budget: float) -> bool:
        """Whether one more update like the largest recent ones can go out now and, with what
        is still on its way, reach the terminal within `budget` seconds, at the rate recent
        ones did: on a fast link the next picture goes out while the answer about the last is
        on its way back; on a slow one, not before."""
        if not self.busy():
            return True
        with self._lock:
            largest = self._largest()
            round_trip = min(self._round_trips, default=0.0)
        if len(largest) < SAMPLES:
            return False
        seconds = sum(max(lag - round_trip, 0.001) for _, lag, _ in largest)
        rate = sum(size for _, _, size in largest) / seconds  # characters a second
        update = statistics.median(size for _, _, size in largest)
        return (self._written - self._covered + update) / rate <= budget

    def rate(self) -> float | None:
        """Characters a second the link carried lately, from the answers about updates of at
        least `MEASURABLE` characters that took longer than `QUICK` beyond the round trip; None
        before one did (the link is not known to be slow)."""
        with self._lock:
            round_trip = min(self._round_trips, default=0.0)
            timed = [
                (lag - round_trip, size)
                for _, lag, size in self._lags
                if size >= MEASURABLE and lag - round_trip > QUICK
            ]
        if not timed:
            return None
        return sum(size for _, size in timed) / sum(seconds for seconds, _ in timed)

    def _largest(self, since: float = float("-inf")) -> list[tuple[float, float, int]]:
        """The answers about the largest updates asked after `since` (at least half the size
        of the largest: pictures, not the bar under them)."""
        recent = [answer for answer in self._lags if answer[0] >= since]
        largest = max((size for _, _, size in recent), default=0)
        return [answer for answer in recent if answer[2] * 2 >= largest]

    def cost(self, since: float) -> float | None:
        """What the largest updates asked about after `since` typically took to reach the
        terminal beyond the round trip, in seconds: the median, as a busy machine delays an
        answer now and then. None until `SAMPLES` such answers came."""
        with self._lock:
            lags = [lag for _, lag, _ in self._largest(since)]
            round_trip = min(self._round_trips, default=0.0)
        if len(lags) < SAMPLES:
            # Fewer answers will do when even the quickest is far too slow (a slow link's
            # first full-size pictures): the sooner it is said, the less they hold keys.
            if lags and min(lags) - round_trip > FAR_TOO_SLOW:
                return min(lags) - round_trip
            return None
        return max(statistics.median(lags) - round_trip, 0.0)


def metered(base: type[Driver], link: Link) -> type[Driver]:
    """`base` with its writes counted by `link`, questions sent through it, and the terminal's
    answers to them handed to `link` instead of the app (other cursor reports go on to it)."""

    class Metered(base):  # type: ignore[valid-type, misc]
        def __init__(self, *args: object, **kwargs: object) -> None:
            super().__init__(*args, **kwargs)
            link.attach(super().write)

        def write(self, data: str) -> None:
            link.wrote(len(data))
            super().write(data)

        def process_message(self, message: Message) -> None:
            if isinstance(message, events.CursorPosition) and link.answered(message.time):
                return
            super().process_message(message)

    return Metered


class PacedApp(App[int]):
    """An app that knows its link to the terminal (`terminal_link`): its driver is metered and
    each paint is asked about. Under test (headless) nothing is written, so nothing is busy.
    It leaves when the terminal goes away (`hangup`)."""

    def __init__(self) -> None:
        self.terminal_link = Link()  # before App's own set-up, which picks the driver class
        super().__init__()

    def on_mount(self) -> None:
        stdin = sys.__stdin__
        if not self.is_headless and stdin is not None and stdin.isatty():
            self.set_interval(HANGUP_POLL_SECONDS, lambda: self._leave_if_hung_up(stdin.fileno()))

    def _leave_if_hung_up(self, fd: int) -> None:
        if hung_up(fd):
            self.exit(HANGUP_EXIT_CODE)

    def get_driver_class(self) -> type[Driver]:
        return metered(super().get_driver_class(), self.terminal_link)

    def post_display_hook(self) -> None:
        self.terminal_link.painted()


def link_of(app: App[object]) -> Link | None:
    return app.terminal_link if isinstance(app, PacedApp) else None


# The player's picture, finest first: each step is about half the bytes of the one before.
DETAILS = (
    FULL_DETAIL,
    Detail(mask=0xF0),
    Detail(rows=1, mask=0xF0),
    Detail(columns=2, rows=1, mask=0xE0),
    Detail(columns=4, rows=1, mask=0xC0),
    Detail(columns=4, rows=1, mask=0xC0, shrink=2),
    Detail(columns=8, rows=1, mask=0xC0, shrink=2),
)
# The longest a picture may take to reach the terminal: the most a key's effect waits behind it.
FRAME_BUDGET = 0.1
# Seconds between changes of detail, so the pictures of the last one are measured first.
SETTLE_SECONDS = 1.0
# How long what pictures cost at a level is remembered.
REMEMBER_SECONDS = 10.0
# Frames shown and held are counted over this many seconds for the status.
WINDOW_SECONDS = 2.0
# Ticks that held a frame for the link in that window before the bar says so: a quarter of the
# player's ticks (a hold now and then is a busy machine, not the link).
HELD_TO_SAY = 15


class PicturePace:
    """The player's side of the link: a frame is shown only when the link has room for it
    (`ready`; otherwise it waits for the next tick, and is dropped if a newer one is due by
    then), and the picture's detail steps down while pictures take longer than `FRAME_BUDGET`
    to arrive, and up again when the finer step would fit with room to spare (`adapt`). `note`
    says so in the player's bar."""

    def __init__(self, link: Link | None, clock: Callable[[], float] = time.monotonic) -> None:
        self._link = link
        self._clock = clock
        self.level = 0
        self._changed_at = clock() - SETTLE_SECONDS  # the first pictures can be judged at once
        # What pictures cost at each level lately, and when: a finer level is tried again only
        # if it fitted (or, unmeasured for `REMEMBER_SECONDS`, is likely to).
        self._costs: dict[int, tuple[float, float]] = {}
        self._shown: deque[float] = deque()
        self._held: deque[float] = deque()

    @property
    def detail(self) -> Detail:
        return DETAILS[self.level]

    def ready(self) -> bool:
        if self._link is not None and not self._link.room(FRAME_BUDGET):
            self._held.append(self._clock())
            return False
        return True

    def shown(self) -> None:
        self._shown.append(self._clock())

    def fits(self, characters: Callable[[], int], detail: Detail) -> bool:
        """Whether a picture drawn at `detail`, `characters()` long, would reach the terminal
        within `FRAME_BUDGET` at the rate the link was measured at (before any picture: the
        first screen's paint). If not, it is not sent: the detail steps down at once by as many
        steps as that takes (the caller asks for coarser pictures), or a picture drawn finer
        than the current detail (decoded before it changed) is dropped. What cannot be drawn
        coarser, or goes out on a link not measured slow, fits; only then is the picture
        counted (it is counted run by run, on the UI thread)."""
        rate = self._link.rate() if self._link is not None else None
        if rate is None or detail not in DETAILS:
            return True
        seconds, level = characters() / rate, DETAILS.index(detail)
        if seconds <= FRAME_BUDGET or level == len(DETAILS) - 1:
            return True
        if level < self.level:
            return False  # coarser ones are on their way
        while seconds > FRAME_BUDGET and level < len(DETAILS) - 1:
            seconds, level = seconds / 2, level + 1
        self.level, self._changed_at = level, self._clock()
        return False

    def adapt(self) -> bool:
        """Change the detail if the link asks for it; True if it changed (decode again)."""
        now = self._clock()
        if self._link is None or now - self._changed_at < SETTLE_SECONDS:
            return False
        cost = self._link.cost(since=self._changed_at + SETTLE_SECONDS / 4)
        if cost is None:
            return False
        level = self.level
        self._costs[level] = (now, cost)
        finer_at, finer = self._costs.get(level - 1, (now, cost * 2))
        if now - finer_at > REMEMBER_SECONDS:
            finer = cost * 2  # the link may have changed since
        if cost > FRAME_BUDGET:
            # Each step about halves a picture: as many steps as it takes, at once.
            while cost > FRAME_BUDGET and level < len(DETAILS) - 1:
                cost, level = cost / 2, level + 1
        elif level > 0 and finer < FRAME_BUDGET * 2 / 3:
            level -= 1  # a finer picture would still fit, with room to spare
        if level == self.level:
            return False
        self.level, self._changed_at = level, now
        return True

    def note(self) -> str:
        """'12 fps for the link' while frames are held for it or the detail is lowered."""
        now = self._clock()
        for times in (self._shown, self._held):
            while times and times[0] < now - WINDOW_SECONDS:
                times.popleft()
        if len(self._held) < HELD_TO_SAY and self.level == 0:
            return ""
        fps = round(len(self._shown) / WINDOW_SECONDS)
        detail = ", less detail," if self.level else ""
        return f"{fps} fps{detail} for the link"
