"""Output that fits the link: the app asks the terminal where its cursor is after it paints and
holds live output while the answer is out (`nemo_tui.tui.link`). Unit tests of the accounting
with a fake clock and terminal; canaries for the Textual behaviour it leans on; and
`nemo-tui play` on pseudo-terminals, one drained as slowly as a poor SSH link (the player says
it adapts, draws coarser pictures, and `q` still ends it) and one not drained at all (it does
not adapt)."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pytest
from textual import events
from textual._xterm_parser import XTermParser
from textual.app import App
from textual.drivers.linux_driver import LinuxDriver

from nemo_tui.engine.media import samples
from nemo_tui.frames import Detail, halfblock_runs
from nemo_tui.tui.halfblock import drawn_characters, strips_of
from nemo_tui.tui.link import (
    DETAILS,
    FRAME_BUDGET,
    PROBE,
    REMEMBER_SECONDS,
    ROUND_TRIP_EVERY,
    SETTLE_SECONDS,
    SILENT_SECONDS,
    Link,
    PacedApp,
    PicturePace,
    metered,
)
from tests.drained import DrainedTerminal
from tests.terminal import Terminal

NEMO_TUI = str(Path(sys.executable).parent / "nemo-tui")
ADAPTING = re.compile(rb"\d+ fps[^\x1b]*for the link")
PICTURE = re.compile("▀".encode() + rb"|(?:\x1b\[48;2;[0-9;]+m +\x1b\[0m){6}")


class FakeTerminal:
    """What the link sends, on a clock the test moves."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sent: list[str] = []

    def clock(self) -> float:
        return self.now


def attached_link() -> tuple[Link, FakeTerminal]:
    terminal = FakeTerminal()
    link = Link(clock=terminal.clock)
    link.attach(terminal.sent.append)
    return link, terminal


def test_a_paint_is_asked_about_and_the_link_is_busy_until_the_terminal_answers() -> None:
    link, terminal = attached_link()
    assert not link.answered(terminal.now)  # nothing asked: a report for someone else
    assert link.busy()  # a first question with nothing before it: the round trip
    assert terminal.sent == [PROBE]
    terminal.now += 0.05
    assert link.answered(terminal.now)

    link.wrote(5000)
    link.painted()
    link.wrote(300)  # a second paint while the question is out: asked about after its answer
    link.painted()
    assert terminal.sent == [PROBE, PROBE]
    assert link.busy()
    terminal.now += 0.3
    link.answered(terminal.now)
    assert link.busy()  # the 300 characters after the question: asked about now
    assert terminal.sent == [PROBE, PROBE, PROBE]
    link.answered(terminal.now + 0.01)
    assert not link.busy()


def test_a_terminal_that_never_answers_is_never_waited_for() -> None:
    link, terminal = attached_link()
    link.wrote(5000)
    link.painted()
    assert link.busy()  # until it answers, or is taken as never answering
    terminal.now += SILENT_SECONDS + 0.1
    assert not link.busy()
    link.wrote(5000)
    link.painted()
    assert not link.busy()
    assert terminal.sent == [PROBE]  # given up: asked no more


def test_cost_is_what_the_largest_updates_take_beyond_the_round_trip() -> None:
    link, terminal = attached_link()
    for _ in range(4):
        link.wrote(20_000)  # a picture: 0.25 s on the way
        link.painted()
        terminal.now += 0.25
        link.answered(terminal.now)
        link.wrote(400)  # the bar under it: quick
        link.painted()
        terminal.now += 0.01
        link.answered(terminal.now)
    terminal.now += ROUND_TRIP_EVERY
    assert link.busy()  # nothing new written, and time to time the bare round trip
    terminal.now += 0.01
    link.answered(terminal.now)
    cost = link.cost(since=0.0)
    assert cost == pytest.approx(0.24)
    assert link.room(FRAME_BUDGET)  # nothing on its way
    link.wrote(20_000)
    link.painted()
    assert not link.room(FRAME_BUDGET)  # a picture out, and the next would wait 0.25 s


def test_a_fast_link_takes_the_next_picture_while_the_answer_about_the_last_is_out() -> None:
    link, terminal = attached_link()
    for _ in range(4):
        link.wrote(20_000)  # a picture: 10 ms on the way
        link.painted()
        terminal.now += 0.01
        link.answered(terminal.now)
    link.wrote(20_000)
    link.painted()
    assert link.busy()
    assert link.room(FRAME_BUDGET)  # it and the next arrive in 20 ms
    for _ in range(9):
        link.wrote(20_000)
    assert not link.room(FRAME_BUDGET)  # ten out and one more: 110 ms


class CostOf:
    """A link whose pictures cost what the test says."""

    def __init__(self) -> None:
        self.value: float | None = None
        self.free = True

    def cost(self, since: float) -> float | None:
        return self.value

    def room(self, budget: float) -> bool:
        return self.free


def test_detail_drops_as_many_steps_as_the_link_needs_and_climbs_back_one_at_a_time() -> None:
    now = [0.0]
    link = CostOf()
    pace = PicturePace(link, clock=lambda: now[0])  # type: ignore[arg-type]
    link.value = FRAME_BUDGET * 5  # a picture takes five times too long: about three halvings
    assert pace.adapt()  # judged from the first pictures on
    assert pace.level == 3
    assert pace.note() == "0 fps, less detail, for the link"
    link.value = FRAME_BUDGET / 2
    now[0] += SETTLE_SECONDS / 2
    assert not pace.adapt()  # settling: the new detail's pictures are measured first
    now[0] += SETTLE_SECONDS / 2
    assert not pace.adapt()  # fits, but a finer picture (about twice the bytes) would not
    link.value = FRAME_BUDGET / 4
    assert pace.adapt()
    assert pace.level == 2
    link.value = FRAME_BUDGET * 2  # finer did not fit after all
    now[0] += SETTLE_SECONDS
    assert pace.adapt()
    assert pace.level == 3
    link.value = FRAME_BUDGET / 4
    now[0] += SETTLE_SECONDS
    assert not pace.adapt()  # level 2 was measured too slow: not again, for a while
    now[0] += REMEMBER_SECONDS
    assert pace.adapt()
    assert pace.level == 2


def test_frames_held_for_the_link_are_said_in_the_bar_and_a_free_link_says_nothing() -> None:
    now = [0.0]
    link = CostOf()
    pace = PicturePace(link, clock=lambda: now[0])  # type: ignore[arg-type]
    for tick in range(60):  # two seconds of ticks, a frame shown every fourth
        now[0] = tick / 30
        link.free = tick % 4 == 0
        if pace.ready():
            pace.shown()
    assert pace.note() == "8 fps for the link"
    link.free = True
    for tick in range(60, 120):
        now[0] = tick / 30
        if tick % 2 == 0 and pace.ready():
            pace.shown()
    assert pace.note() == ""


def test_coarser_detail_sends_fewer_runs_for_the_same_picture(tmp_path: Path) -> None:
    from PIL import Image

    clip = samples.make_clip(tmp_path / "pattern.mp4", seconds=1.0, audio=False)
    from nemo_tui.frames import decode_frames

    image = decode_frames(clip, 1)[0]
    runs = []
    for detail in DETAILS:
        picture = image.resize(detail.pixels((200, 112)), Image.Resampling.BILINEAR)
        rows = halfblock_runs(picture, detail)
        runs.append(sum(len(row) for row in rows))
        # The picture keeps its width in cells (a shrunk one, half of it).
        cells = sum(count for count, _ in rows[0])
        assert 200 // detail.shrink - detail.columns < cells <= 200 // detail.shrink
    assert runs == sorted(runs, reverse=True)
    assert runs[-1] * 10 < runs[0]
    assert Detail().pixels((200, 112)) == (200, 112)


def test_what_a_picture_costs_the_link_is_known_before_it_is_sent(tmp_path: Path) -> None:
    """`drawn_characters` estimates what Textual writes for a half-block picture, at every
    detail, within 15% of what it does write."""
    from PIL import Image
    from rich.console import Console

    from nemo_tui.frames import decode_frames

    clip = samples.make_clip(tmp_path / "pattern.mp4", seconds=1.0, audio=False)
    image = decode_frames(clip, 1)[0]
    console = Console(color_system="truecolor", force_terminal=True)
    for detail in DETAILS:
        picture = image.resize(detail.pixels((200, 112)), Image.Resampling.BILINEAR)
        rows = halfblock_runs(picture, detail)
        written = sum(len(strip.render(console)) + 8 for strip in strips_of(rows))  # + a move
        assert 0.85 * written < drawn_characters(rows) < 1.15 * written, detail


def test_the_links_rate_is_timed_on_large_slow_updates_beyond_the_round_trip() -> None:
    link, terminal = attached_link()
    assert link.rate() is None
    link.wrote(30_000)  # the first screen in 10 ms: a fast link, its rate not worth judging
    link.painted()
    terminal.now += 0.01
    link.answered(terminal.now)
    assert link.rate() is None
    link.wrote(30_000)  # the first screen: 0.3 s on the way at 100,000 characters a second
    link.painted()
    terminal.now += 0.3
    link.answered(terminal.now)
    assert link.rate() == pytest.approx(100_000)
    link.wrote(400)  # the bar alone mostly times the round trip: not counted
    link.painted()
    terminal.now += 0.05
    link.answered(terminal.now)
    assert link.rate() == pytest.approx(100_000)


class RateOf:
    """A link measured at the rate the test says."""

    def __init__(self, rate: float | None) -> None:
        self.value = rate

    def rate(self) -> float | None:
        return self.value


def test_a_picture_the_measured_link_cannot_carry_in_time_is_not_sent_and_detail_drops() -> None:
    link = RateOf(None)
    pace = PicturePace(link)  # type: ignore[arg-type]
    counted: list[int] = []
    # Not measured yet: the first picture goes out, not even counted (a fast link never is).
    assert pace.fits(lambda: counted.append(1) or 80_000, DETAILS[0])
    assert counted == []
    link.value = 100_000.0  # characters a second: 80,000 would take 0.8 s
    assert not pace.fits(lambda: 80_000, DETAILS[0])
    assert pace.level == 3  # 0.8 s halved three times: within the budget
    assert pace.note() == "0 fps, less detail, for the link"
    assert not pace.fits(lambda: 40_000, DETAILS[1])  # decoded before the change: coarser come
    assert pace.level == 3
    assert pace.fits(lambda: 9_000, DETAILS[3])
    assert not pace.fits(lambda: 12_000, DETAILS[3])  # the estimate was short: one more step
    assert pace.level == 4
    assert pace.fits(lambda: 10**6, DETAILS[-1])  # nothing coarser: it goes out as it is
    link.value = 10**8
    assert pace.fits(lambda: 80_000, DETAILS[0])  # a fast link carries anything


def test_canary_textual_reads_a_cursor_report_as_a_cursor_position_event() -> None:
    """The link's answers: Textual's input parser turns the terminal's cursor position report
    into `events.CursorPosition`, which the metered driver takes before the app sees it."""
    parser = XTermParser()
    tokens = list(parser.feed("\x1b[12;40R"))
    assert [type(token) for token in tokens] == [events.CursorPosition]
    assert (tokens[0].x, tokens[0].y) == (39, 11)


async def test_canary_textual_picks_the_apps_driver_class_and_calls_the_display_hook() -> None:
    """`PacedApp` meters its driver through `App.get_driver_class` and asks after each paint
    through `App.post_display_hook`; if Textual stops calling either, nothing is paced."""
    app = PacedApp()
    assert issubclass(app.driver_class, LinuxDriver)
    assert app.driver_class is not LinuxDriver
    painted = []
    app.terminal_link.painted = lambda: painted.append(True)  # type: ignore[method-assign]
    async with app.run_test() as pilot:
        await pilot.pause()
    assert painted
    assert issubclass(metered(LinuxDriver, Link()), LinuxDriver)
    assert not isinstance(App(), PacedApp)


@pytest.fixture(scope="module")
def pattern(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 720p moving test pattern, long enough to adapt while it plays."""
    folder = tmp_path_factory.mktemp("link")
    return samples.make_clip(folder / "pattern.mp4", 20.0, 1280, 720, audio=False)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_over_a_slow_link_the_player_says_it_adapts_draws_coarser_and_quits_on_q(
    pattern: Path,
) -> None:
    terminal = DrainedTerminal(
        [NEMO_TUI, "play", str(pattern)], os.environ, 100_000, size=(120, 40)
    )
    try:
        # The first picture may already be coarse: the first screen's paint timed the link.
        first = terminal.wait(PICTURE, timeout=60)
        terminal.wait(ADAPTING, after=first, timeout=30)
        later = terminal.wait(re.compile(rb"fps, less detail, for the link"), first, timeout=30)
        # Coarser pictures: runs of cells of one colour (spaces on a background).
        terminal.wait(re.compile(rb"(\x1b\[48;2;\d+;\d+;\d+m {2,}\x1b\[0m){8}"), later, 30)
        terminal.send(b"q")
        assert terminal.process.wait(timeout=10) == 0
    finally:
        terminal.close()


@pytest.mark.timeout(90)
def test_over_a_fast_terminal_the_player_does_not_adapt(pattern: Path) -> None:
    terminal = Terminal([NEMO_TUI, "play", str(pattern)], os.environ, size=(60, 20))
    try:
        first = terminal.wait(re.compile("▀".encode()), timeout=60)
        terminal.wait(re.compile(rb"00:03 / 00:20"), after=first, timeout=30)
        assert terminal.seen(re.compile(re.escape(PROBE.encode())), 0.0)  # it did ask
        assert terminal.seen(ADAPTING, after=first) is None
        terminal.send(b"q")
        assert terminal.process.wait(timeout=10) == 0
    finally:
        terminal.close()
