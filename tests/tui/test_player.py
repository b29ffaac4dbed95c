"""Playing a video in the terminal: the player widget under Pilot (the picture changes and the
position advances while playing, both stop while paused, seeking moves the position), and
`nemo-tui play` on a pseudo-terminal, as a person runs it."""

from __future__ import annotations

import gc
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.segment import Segment
from textual.app import App
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from nemo_tui.engine.http.server import RunningEngine
from nemo_tui.engine.media import samples
from nemo_tui.skills import SKILLS_BY_ID
from nemo_tui.tui import collector
from nemo_tui.tui.halfblock import UPPER_HALF, release
from nemo_tui.tui.player import PlayerApp, PlayerScreen, VideoPlayer
from nemo_tui.tui.status import RenderRow
from tests.support import mp4_facts
from tests.terminal import ASK_ATTRIBUTES, SIXEL_TERMINAL, Terminal

from .engine_app import engine_app, wait_ready, wait_until

SIXEL_DATA = re.compile(rb"\x1bP[0-9;]*q")
NEMO_TUI = str(Path(sys.executable).parent / "nemo-tui")


@pytest.fixture(scope="module")
def two_seconds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2 s moving test pattern: every frame differs from the one before."""
    return samples.make_clip(tmp_path_factory.mktemp("video") / "two.mp4", seconds=2.0)


def showing_player(app: App[object]) -> bool:
    """The player screen is up and has mounted its player (pushing the screen comes first)."""
    return isinstance(app.screen, PlayerScreen) and bool(app.screen.query(VideoPlayer))


def picture_of(player: VideoPlayer) -> list[list[tuple[str, str]]]:
    """The picture as drawn: each cell's character and colours, row by row."""
    picture: Widget = player.query_one(".video-picture")
    region = Region(0, 0, picture.size.width, picture.size.height)
    return [
        [(segment.text, str(segment.style)) for segment in strip]
        for strip in picture.render_lines(region)
    ]


async def test_playing_changes_the_picture_and_advances_the_position_pause_stops_both(
    two_seconds: Path,
) -> None:
    app = PlayerApp(two_seconds)
    async with app.run_test(size=(60, 20)) as pilot:
        player = app.query_one(VideoPlayer)
        await wait_until(pilot, lambda: player.frames_shown >= 1, "a first frame")
        first, first_position = picture_of(player), player.position
        await wait_until(pilot, lambda: player.frames_shown >= 4, "more frames")
        assert picture_of(player) != first
        assert player.position > first_position
        assert "▀" in "".join(text for row in picture_of(player) for text, _ in row)
        bar = str(app.query_one("#video-bar").render())
        assert "/ 00:02" in bar and "▶" in bar

        await pilot.press("space")
        paused, position, shown = picture_of(player), player.position, player.frames_shown
        await pilot.pause(0.5)
        assert (picture_of(player), player.position, player.frames_shown) == (
            paused,
            position,
            shown,
        )
        assert "⏸" in str(app.query_one("#video-bar").render())

        await pilot.press("right")  # a second on, still paused
        assert abs(player.position - min(position + 1, 2.0)) < 0.01
        await pilot.press("left", "left")
        assert abs(player.position - max(min(position + 1, 2.0) - 2, 0.0)) < 0.01


async def test_a_seek_while_paused_shows_the_picture_at_the_new_place(two_seconds: Path) -> None:
    """Paused, the picture follows the position: one frame from where the seek landed, then
    it holds still (issue 20: it stayed on the old frame until play went on)."""
    app = PlayerApp(two_seconds)
    async with app.run_test(size=(60, 20)) as pilot:
        player = app.query_one(VideoPlayer)
        await wait_until(pilot, lambda: player.frames_shown >= 1, "a first frame")
        await pilot.press("space")
        paused, shown = picture_of(player), player.frames_shown
        await pilot.press("right")
        await wait_until(
            pilot, lambda: picture_of(player) != paused, "the picture after a seek", timeout=10
        )
        assert player.frames_shown == shown + 1 and not player.playing
        sought = picture_of(player)
        await pilot.pause(0.3)
        assert picture_of(player) == sought and player.frames_shown == shown + 1
        assert "⏸" in str(app.query_one("#video-bar").render())


def picture_garbage() -> list[Strip]:
    """Lines of half blocks that only the cyclic garbage collector could free, found since
    `gc.set_debug(gc.DEBUG_SAVEALL)` (which keeps them in `gc.garbage` rather than freeing)."""
    gc.collect()
    found = [o for o in gc.garbage if isinstance(o, Strip) and UPPER_HALF in o.text]
    gc.garbage.clear()
    return found


async def test_frames_played_leave_no_garbage_for_a_full_collection(two_seconds: Path) -> None:
    """A frame's lines are freed as soon as the next frame replaces them: none becomes a
    reference cycle (which piled up and made full collections hold keys for 40-115 ms at
    200x60). And `nemo-tui play` keeps full collections for quiet moments, as the chat does."""
    thresholds = gc.get_threshold()
    app = PlayerApp(two_seconds)
    async with app.run_test(size=(60, 20)) as pilot:
        player = app.query_one(VideoPlayer)
        await wait_until(pilot, lambda: player.frames_shown >= 1, "a first frame")
        assert gc.get_freeze_count() > 0  # start-up's objects out of the collector's walk
        assert gc.get_threshold()[2] > collector.FORCED_AFTER  # full collections are ours
        gc.collect()
        gc.set_debug(gc.DEBUG_SAVEALL)
        try:
            shown = player.frames_shown
            await wait_until(pilot, lambda: player.frames_shown >= shown + 4, "more frames")
            await pilot.press("space")
            await pilot.pause()
            garbage = picture_garbage()
        finally:
            gc.set_debug(0)
            gc.garbage.clear()
        assert garbage == []
    assert gc.get_threshold() == thresholds


def test_canary_textual_caches_a_drawn_strip_in_itself_and_release_breaks_that() -> None:
    """`halfblock.release` leans on Textual internals: the compositor's `Strip.divide` at a
    strip's whole length caches the strip in its own slots (a reference cycle), and those
    caches are FIFOCache slots, which `release` empties. If the first assertion fails, Textual
    no longer makes the cycle and `release` (with FrameView.render_lines) may go; if the second
    fails, Textual's caches have moved and `release` must follow them."""
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        drawn = Strip([Segment(UPPER_HALF * 4)], 4)
        drawn.divide([4])  # what the compositor does with every line it draws
        del drawn
        kept_alive_by_itself = picture_garbage()
        drawn = Strip([Segment(UPPER_HALF * 4)], 4)
        drawn.divide([4])
        release([drawn])
        del drawn
        after_release = picture_garbage()
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
    assert kept_alive_by_itself, "Textual no longer caches a strip in itself: see release"
    assert after_release == [], "release no longer breaks the cycle: Textual's caches moved"


async def test_a_file_that_is_not_a_video_is_named_and_the_app_ends(tmp_path: Path) -> None:
    not_video = tmp_path / "notes.mp4"
    not_video.write_text("just words")
    app = PlayerApp(not_video)
    async with app.run_test(size=(60, 20)) as pilot:
        await pilot.pause(0.2)
    assert app.return_value == 1


@pytest.mark.timeout(90)
def test_nemo_tui_play_draws_frames_and_quits_on_q(two_seconds: Path) -> None:
    terminal = Terminal([NEMO_TUI, "play", str(two_seconds)], os.environ, size=(80, 24))
    try:
        terminal.wait(re.compile("▀".encode()), timeout=30)
        first = terminal.wait(re.compile(rb"00:00 / 00:02"), timeout=30)
        terminal.wait(re.compile(rb"00:01 / 00:02"), after=first, timeout=30)
        terminal.send(b"q")
        assert terminal.process.wait(timeout=15) == 0
    finally:
        terminal.close()


@pytest.mark.timeout(90)
def test_nemo_tui_play_uses_sixel_where_the_terminal_has_it(two_seconds: Path) -> None:
    terminal = Terminal(
        [NEMO_TUI, "play", str(two_seconds)],
        {**os.environ, "NEMO_GRAPHICS": "on"},
        size=(80, 24),
        answers=SIXEL_TERMINAL,
    )
    try:
        terminal.wait(SIXEL_DATA, timeout=30)
        # Asked once: textual-image's own second question waited 0.1 s for the answer, which a
        # loaded machine missed (half blocks then, the late answer read as keys).
        assert terminal.output.count(ASK_ATTRIBUTES) == 1
    finally:
        terminal.close()


@pytest.mark.slow
@pytest.mark.usefixtures("app_dirs")
async def test_p_previews_the_timeline_and_enter_plays_a_finished_render(
    start_engine: Callable[..., RunningEngine], media_dir: Path, tmp_path: Path
) -> None:
    engine = start_engine()
    app = engine_app(engine.base_url, "image-no-generator", media_dir, tmp_path / "exports")
    async with app.run_test(size=(100, 50)) as pilot:
        await wait_ready(pilot, app)
        core = app.core
        assert core is not None
        await core.upload([media_dir / "photo1.jpg", media_dir / "photo2.jpg"])
        await core.say(SKILLS_BY_ID["image-no-generator"].typical_request)

        await pilot.press("f4", "p")  # from the timeline: a preview, then the player over the app
        await wait_until(pilot, lambda: showing_player(app), "the player", 120)
        player = app.screen.query_one(VideoPlayer)
        await wait_until(pilot, lambda: player.frames_shown >= 2, "frames")
        assert player.path.parent.name == "previews"
        # No more than 50 rows of half blocks show (two pixels a cell), whatever the canvas.
        assert mp4_facts(player.path).height == 100
        await pilot.press("q")
        assert not isinstance(app.screen, PlayerScreen)
        # A preview is not an export: no downloads entry, no export row, no render record.
        assert app.downloads == [] and not list(app.query(RenderRow)) and core.renders == []

        await pilot.press("e")
        await wait_until(pilot, lambda: len(core.renders) == 1, "the export's render id")
        export_id = core.renders[0].render_id
        await wait_until(pilot, lambda: bool(app.downloads), "the MP4", timeout=120)
        assert export_id in app.downloads[0].name and app.downloads[0].parent.name == "exports"
        finished = next(row for row in app.query(RenderRow) if row.path == app.downloads[0])
        finished.focus()
        await pilot.press("enter")
        await wait_until(pilot, lambda: showing_player(app), "the player")
        assert app.screen.query_one(VideoPlayer).path == app.downloads[0]
        await pilot.press("escape")
