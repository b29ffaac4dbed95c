"""Playing an MP4 in the terminal: the player widget, the screen the app opens it on, and the small
app behind `nemo-tui play FILE`.

A child process decodes ahead (`nemo_tui.frames.FrameSource`: at most MAX_FPS frames a second,
already scaled to the picture's size) and turns each frame into what the terminal shows: half-block
runs, or a picture for the terminal's own graphics (Sixel, kitty) where it has them. Up to AHEAD
frames wait. A timer on the UI loop shows, at each tick, the newest frame that is due; a frame
more than LATE behind the clock is dropped rather than shown late, so a slow terminal sees fewer
frames, never a picture lagging behind the clock. Over a slow link a frame also waits while the
terminal is still being sent the last one, and half-block pictures get coarser while each takes
too long to arrive (`link.PicturePace`); the bar says so ("6 fps for the link").
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any, ClassVar

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Container
from textual.geometry import Region
from textual.message import Message
from textual.screen import ModalScreen
from textual.strip import Strip
from textual.widget import Widget

from nemo_tui.frames import (
    Frame,
    FrameSource,
    HalfblockRow,
    NotPlayable,
    VideoInfo,
    video_info,
)
from nemo_tui.tui.actions import bindings
from nemo_tui.tui.collector import QuietApp
from nemo_tui.tui.graphics import cell_size
from nemo_tui.tui.halfblock import drawn_characters, release, strips_of
from nemo_tui.tui.link import PicturePace, link_of
from nemo_tui.tui.terminal_answers import CellSize

MAX_FPS = 15
AHEAD = 8  # frames decoded ahead: about half a second at MAX_FPS
# A frame this far behind the clock is dropped, not drawn or shown.
LATE = 2 / MAX_FPS


def clock_text(seconds: float) -> str:
    whole = max(int(seconds), 0)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def fitted(info: VideoInfo, width: int, height: int) -> tuple[int, int]:
    """The video's size scaled to fit `width` x `height` pixels, aspect kept (at least 2x2)."""
    scale = min(width / max(info.width, 1), height / max(info.height, 1))
    return max(int(info.width * scale), 2), max(int(info.height * scale), 2)


def fitted_in_cells(
    info: VideoInfo, columns: int, rows: int, cell: CellSize, rows_per_cell: int = 1
) -> tuple[int, int]:
    """The most of `columns` x `rows` cells of `cell` pixels the video covers with its aspect
    kept: (columns, rows), a row counted in `rows_per_cell` parts (2: half blocks' pixels)."""
    scale = min(columns * cell.width / max(info.width, 1), rows * cell.height / max(info.height, 1))
    across = round(info.width * scale / cell.width)
    down = round(info.height * scale * rows_per_cell / cell.height)
    return min(max(across, 1), columns), min(max(down, 1), rows * rows_per_cell)


class FrameView(Widget):
    """A frame in half blocks (lines made from the decoding child's runs), centred.

    A frame's lines are built once, as wide as the widget, and handed to the compositor as they
    are (`render_lines`); when the next frame replaces them they are released (see
    `halfblock.release`), so a frame's thousands of objects are freed at once instead of piling
    up for a full garbage collection that would hold the keys. So this widget draws no border,
    padding or tint of its own: give those to its container."""

    def __init__(self, *, classes: str | None = None) -> None:
        super().__init__(classes=classes)
        self.lines: list[Strip] = []
        self._blank = Strip.blank(0)  # the rows above and below the picture, one for all
        self._drawn = Region()  # where the picture is, in the widget

    def show(self, rows: list[HalfblockRow]) -> None:
        release(self.lines)
        before = self._drawn
        self.lines = strips_of(rows, self.size.width, self._margin())
        width, height = self.size
        columns = sum(cells for cells, _ in rows[0]) if rows else 0
        self._drawn = Region((width - columns) // 2, (height - len(rows)) // 2, columns, len(rows))
        # Same size: no layout. The same place as the last picture: only it is sent to the
        # terminal, not the margins around a picture made smaller for a slow link.
        self.refresh(*([self._drawn] if self._drawn == before else []))

    def render_lines(self, crop: Region) -> list[Strip]:
        # Textual's own path (its styles cache) would copy each line into a new Strip every
        # frame, and those copies are the cycles `release` cannot reach.
        lines = [self.render_line(y) for y in crop.line_range]
        if crop.column_span != (0, self.size.width):
            lines = [line.crop(*crop.column_span) for line in lines]
        return lines

    def render_line(self, y: int) -> Strip:
        width, height = self.size
        top = (height - len(self.lines)) // 2
        if 0 <= y - top < len(self.lines):
            # Another width only for a moment after a resize, until frames of the new size.
            return self.lines[y - top].adjust_cell_length(width)
        if self._blank.cell_length != width:
            release([self._blank])
            self._blank = Strip.blank(width, self._margin())
        return self._blank

    def _margin(self) -> Style:
        """The background around the picture: the app's, not the terminal's default."""
        return Style(bgcolor=self.rich_style.bgcolor)


class PositionBar(Widget):
    """`▶ 00:03 / 00:10 ━━━━━────`: playing or paused, the position, the length, a bar."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.playing = False
        self.position = 0.0
        self.duration = 0.0
        self.message: Text | None = None
        self.note = ""  # how playback adapts to a slow link, if it does

    def set(self, playing: bool, position: float, duration: float, note: str = "") -> None:
        before = self.render()
        self.playing, self.position, self.duration = playing, position, duration
        self.note = note
        if self.render() != before:  # most ticks change nothing a person sees
            self.refresh()

    def render(self) -> Text:
        if self.message is not None:
            return self.message
        state = "▶" if self.playing else "⏸"
        times = f" {state} {clock_text(self.position)} / {clock_text(self.duration)} "
        note = f" {self.note} " if self.note else ""
        room = max(self.size.width - len(times) - len(note) - 1, 0)
        done = round(room * self.position / self.duration) if self.duration else 0
        return Text.assemble(
            times, ("━" * done, "bold"), ("─" * (room - done), "dim"), (note, "italic")
        )


class VideoPlayer(Widget, can_focus=True):
    """Plays one video file: the picture, and under it a bar with the position and the length.
    Space pauses, left and right seek a second, up and down five. `picture` is the widget class
    for the terminal's graphics (see `graphics`); without it the picture is drawn in half blocks."""

    DEFAULT_CSS = """
    VideoPlayer { layout: vertical; height: 1fr; }
    VideoPlayer > .video-area { height: 1fr; width: 1fr; align: center middle; }
    VideoPlayer .video-picture { height: 1fr; width: 1fr; }
    VideoPlayer > #video-bar { height: 1; width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = bindings("player")

    class Closed(Message):
        """q or Escape: the person is done watching."""

    class Failed(Message):
        """The file could not be played; `reason` is one line."""

        def __init__(self, reason: str) -> None:
            super().__init__()
            self.reason = reason

    def __init__(
        self, path: Path, *, picture: type[Widget] | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.path = path
        self.info: VideoInfo | None = None
        self.position = 0.0
        self.playing = False
        self.frames_shown = 0
        self.frames_dropped = 0
        self._graphics = picture is not None
        self._picture: Widget = (
            picture(classes="video-picture") if picture else FrameView(classes="video-picture")
        )
        # The picture's room: a graphics picture is sized to the video's aspect and centred in it.
        self._area = Container(self._picture, classes="video-area")
        self._bar = PositionBar(id="video-bar")
        self._source: FrameSource | None = None
        self._waiting: Frame | None = None  # a frame taken early, not yet due
        self._held: Frame | None = None  # a frame due while the link was busy: next tick's
        self._generation = 0  # bumped by every seek and resize: older frames are stale
        self._anchoring = True  # the clock waits for the first frame after a (re)start
        self._started = 0.0  # monotonic time at which the position was 0, while playing
        self._pace = PicturePace(None)  # the app's link, once mounted

    def compose(self) -> ComposeResult:
        yield self._area
        yield self._bar

    def on_mount(self) -> None:
        try:
            self.info = video_info(self.path)
        except NotPlayable as exc:
            self._bar.message = Text(str(exc), "bold red")
            self._bar.refresh()
            self.post_message(self.Failed(str(exc)))
            return
        self._pace = PicturePace(link_of(self.app))
        self._source = FrameSource(self.path, MAX_FPS, AHEAD, images=self._graphics)
        # Ticks twice a frame: a tick in phase with the frames would often find two due at once.
        self.set_interval(1 / (2 * MAX_FPS), self._tick)
        self.playing = True
        self._started = time.monotonic()
        self._draw_bar()

    def on_unmount(self) -> None:
        if self._source is not None:
            self._source.close()

    def on_resize(self) -> None:
        if self.info is not None:
            self.call_after_refresh(self._restart)

    # -- playback control ------------------------------------------------------------------

    def clock(self) -> float:
        """Where playback is, in seconds."""
        if not self.playing:
            return self.position
        return time.monotonic() - self._started

    def action_toggle_pause(self) -> None:
        if self.info is None:
            return
        if self.playing:
            self.position = self.clock()
            self.playing = False
        else:
            if self.position >= self.info.duration - 0.05:
                self._seek_to(0.0)
            self.playing = True
            self._started = time.monotonic() - self.position
        self._draw_bar()

    def action_close(self) -> None:
        if self._source is not None:
            self._source.stop()  # ends while the app closes, rather than after
        self.post_message(self.Closed())

    def action_seek(self, seconds: float) -> None:
        if self.info is not None:
            self._seek_to(self.clock() + seconds)

    def _seek_to(self, seconds: float) -> None:
        assert self.info is not None
        self.position = min(max(seconds, 0.0), self.info.duration)
        self._started = time.monotonic() - self.position
        self._restart()
        self._draw_bar()

    def _restart(self) -> None:
        """Decode again from the current position, for the picture's current size."""
        assert self.info is not None
        self._generation += 1
        self._anchoring = True
        self._waiting = self._held = None
        region = self._area.content_region
        columns, rows = max(region.width, 2), max(region.height, 1)
        if self._graphics:
            size = self._size_picture(columns, rows)
        else:
            size = fitted_in_cells(self.info, columns, rows, cell_size(), rows_per_cell=2)
        assert self._source is not None
        self._source.play(self._generation, self.clock(), size)

    def _size_picture(self, columns: int, rows: int) -> tuple[int, int]:
        """Give the graphics picture the cells that keep the video's aspect (the widget stretches
        the picture to its cells); the frames' size in pixels, at most 960x540 (the widget scales
        them up: decoding and encoding more would cost frames)."""
        assert self.info is not None
        cell = cell_size()
        across, down = fitted_in_cells(self.info, columns, rows, cell)
        self._picture.styles.width = across
        self._picture.styles.height = down
        return fitted(self.info, min(across * cell.width, 960), min(down * cell.height, 540))

    # -- the clock's tick ------------------------------------------------------------------

    def _next_frame(self) -> Frame | None:
        """The next decoded frame of the current generation, or None if none is ready."""
        while True:
            item, self._held = self._held, None
            if item is None:
                item, self._waiting = self._waiting, None
            if item is None and self._source is not None:
                item = self._source.next()
            if item is None:
                return None
            if item[0] == self._generation:
                return item

    def _tick(self) -> None:
        if self.info is None:
            return
        if not self.playing:
            # Paused, the picture still follows a seek (or a resize): the new place's first frame.
            if self._anchoring and (first := self._next_frame()) is not None:
                self._anchoring = False
                self._show(first[2])
            return
        if self._anchoring:
            # Since a start or a seek the clock waits for the decoder's first frame (that the
            # link can carry): a slow seek shows late, rather than every frame after it being
            # dropped as late.
            first = self._next_frame()
            while first is not None and not self._fits(first):
                first = self._next_frame()
            if first is None:
                self._started = time.monotonic() - self.position
                return
            self._anchoring = False
            self._started = time.monotonic() - first[1]
            self._show(first[2])
        now = self.clock()
        due: Frame | None = None
        while (item := self._next_frame()) is not None:
            if item[1] > now:
                self._waiting = item
                break
            if due is not None:
                self.frames_dropped += 1
            due = item
        if due is not None:
            if due[1] < now - LATE or not self._fits(due):
                self.frames_dropped += 1  # too late to show, or too much for the link
            elif not self._pace.ready():
                self._held = due  # the link still carries the last picture: maybe next tick
            else:
                self._show(due[2])
        if not self._graphics and self._pace.adapt() and self._source is not None:
            self._source.set_detail(self._pace.detail)  # half blocks only: the bytes are runs
        if self.info.duration and now >= self.info.duration:  # 0: a length nobody wrote down
            self.position = self.info.duration
            self.playing = False
        else:
            self.position = now
        self._draw_bar()

    def _fits(self, frame: Frame) -> bool:
        """Whether the link carries `frame`'s picture in time; if it would not, coarser ones
        are asked for from here on."""
        level = self._pace.level
        if self._graphics or self._pace.fits(lambda: drawn_characters(frame[2]), frame[3]):
            return True
        if self._pace.level != level and self._source is not None:
            self._source.set_detail(self._pace.detail)
        return False

    def _show(self, content: Any) -> None:
        self.frames_shown += 1
        self._pace.shown()
        if self._graphics:
            self._picture.image = content  # type: ignore[attr-defined]
        else:
            self._picture.show(content)  # type: ignore[attr-defined]

    def _draw_bar(self) -> None:
        if self.info is not None:
            self._bar.set(self.playing, self.position, self.info.duration, self._pace.note())


class PlayerHost:
    """What the player's screen and the player's own app share: the player fills them and has
    the keys from the start."""

    _player: VideoPlayer

    def compose(self) -> ComposeResult:
        yield self._player

    def on_mount(self) -> None:
        self._player.focus()


class PlayerScreen(PlayerHost, ModalScreen[None]):
    """A video over the whole app; q or Escape closes it."""

    DEFAULT_CSS = """
    PlayerScreen { background: $background; }
    """

    def __init__(self, path: Path, *, picture: type[Widget] | None = None) -> None:
        super().__init__()
        self._player = VideoPlayer(path, picture=picture, id="player")

    def on_video_player_closed(self) -> None:
        self.dismiss(None)


class PlayerApp(PlayerHost, QuietApp):
    """`nemo-tui play FILE`: the player alone; q or Escape quits. Exits 1 if the file cannot be
    played, after saying why. Full garbage collections wait for quiet, as in the chat app: one
    walks every live object and holds the loop, keys and frames with it."""

    def __init__(self, path: Path, *, picture: type[Widget] | None = None) -> None:
        super().__init__()
        self.title = path.name
        self._player = VideoPlayer(path, picture=picture, id="player")

    def on_video_player_closed(self) -> None:
        self.exit(0)

    def on_video_player_failed(self, message: VideoPlayer.Failed) -> None:
        self.exit(1, message=message.reason)
