"""Playing an MP4 in the terminal: the player widget, the screen the app opens it on, and the small
app behind `nemo-tui play FILE`.

A thread worker decodes ahead (`nemo_tui.frames.play_frames`, at most MAX_FPS frames a second,
already scaled to the picture's size) and turns each frame into what the terminal shows: half
blocks, or a picture for the terminal's own graphics (Sixel, kitty) where it has them. It queues up
to AHEAD frames. A timer on the UI loop shows, at each tick, the newest frame that is due; a frame
whose moment has passed by more than a tick is dropped rather than shown late, so a slow terminal
sees fewer frames, never a picture lagging behind the clock.
"""

from __future__ import annotations

import queue
import time
from pathlib import Path
from typing import Any, ClassVar

from PIL import Image
from rich.text import Text
from textual import work
from textual.app import App, ComposeResult
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.screen import ModalScreen
from textual.widget import Widget
from textual.widgets import Static
from textual.worker import get_current_worker

from nemo_tui.frames import NotPlayable, VideoInfo, play_frames, video_info
from nemo_tui.tui.halfblock import halfblock

MAX_FPS = 15
AHEAD = 8  # frames decoded ahead: about half a second at MAX_FPS
SEEK_SHORT, SEEK_LONG = 1.0, 5.0
# How long the worker waits for room in the queue before it checks whether it was cancelled.
QUEUE_WAIT = 0.1


def clock_text(seconds: float) -> str:
    whole = max(int(seconds), 0)
    return f"{whole // 60:02d}:{whole % 60:02d}"


def fitted(info: VideoInfo, width: int, height: int) -> tuple[int, int]:
    """The video's size scaled to fit `width` x `height` pixels, aspect kept (at least 2x2)."""
    scale = min(width / max(info.width, 1), height / max(info.height, 1))
    return max(int(info.width * scale), 2), max(int(info.height * scale), 2)


class VideoPlayer(Widget, can_focus=True):
    """Plays one video file: the picture, and under it a bar with the position and the length.
    Space pauses, left and right seek a second, up and down five. `picture` is the widget class
    for the terminal's graphics (see `graphics`); without it the picture is drawn in half blocks."""

    DEFAULT_CSS = """
    VideoPlayer { layout: vertical; height: 1fr; }
    VideoPlayer > .video-picture { height: 1fr; width: 1fr; content-align: center middle; }
    VideoPlayer > #video-bar { height: 1; width: 1fr; }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("space", "toggle_pause", "Pause/play", id="player_pause"),
        Binding("left", "seek(-1)", "-1 s", id="player_back"),
        Binding("right", "seek(1)", "+1 s", id="player_forward"),
        Binding("down", "seek(-5)", "-5 s", id="player_back_more"),
        Binding("up", "seek(5)", "+5 s", id="player_forward_more"),
    ]

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
            picture(classes="video-picture") if picture else Static(classes="video-picture")
        )
        self._bar = Static(id="video-bar")
        self._frames: queue.Queue[tuple[int, float, Any]] = queue.Queue(AHEAD)
        self._waiting: tuple[int, float, Any] | None = None  # a frame taken early, not yet due
        self._generation = 0  # bumped by every seek and resize: older frames are stale
        self._started = 0.0  # monotonic time at which the position was 0, while playing
        self.frame_size = (0, 0)  # pixels of the frames being decoded

    def compose(self) -> ComposeResult:
        yield self._picture
        yield self._bar

    def on_mount(self) -> None:
        try:
            self.info = video_info(self.path)
        except NotPlayable as exc:
            self._bar.update(Text(str(exc), "bold red"))
            self.post_message(self.Failed(str(exc)))
            return
        self.set_interval(1 / MAX_FPS, self._tick)
        self.playing = True
        self._started = time.monotonic()
        self._draw_bar()

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
        self._waiting = None
        while True:
            try:
                self._frames.get_nowait()
            except queue.Empty:
                break
        region = self._picture.content_region
        columns, rows = max(region.width, 2), max(region.height, 1)
        if self._graphics:
            # The graphics widget scales the picture to its cells: about 10x20 pixels a cell.
            size = fitted(self.info, min(columns * 10, 960), min(rows * 20, 540))
        else:
            size = fitted(self.info, columns, rows * 2)
        self.frame_size = size
        self._decode(self._generation, self.clock(), size)

    @work(thread=True, exclusive=True, group="player-decode", exit_on_error=False)
    def _decode(self, generation: int, start: float, size: tuple[int, int]) -> None:
        worker = get_current_worker()
        frames = play_frames(self.path, start, MAX_FPS, size)
        try:
            for moment, image in frames:
                content = image if self._graphics else halfblock(image, *self._cells(image))
                while not worker.is_cancelled and generation == self._generation:
                    try:
                        self._frames.put((generation, moment, content), timeout=QUEUE_WAIT)
                        break
                    except queue.Full:
                        continue
                if worker.is_cancelled or generation != self._generation:
                    return
        finally:
            frames.close()

    @staticmethod
    def _cells(image: Image.Image) -> tuple[int, int]:
        return image.width, (image.height + 1) // 2

    # -- the clock's tick ------------------------------------------------------------------

    def _tick(self) -> None:
        if not self.playing or self.info is None:
            return
        now = self.clock()
        due: tuple[int, float, Any] | None = None
        while True:
            item = self._waiting
            self._waiting = None
            if item is None:
                try:
                    item = self._frames.get_nowait()
                except queue.Empty:
                    break
            if item[0] != self._generation:
                continue
            if item[1] > now:
                self._waiting = item
                break
            if due is not None:
                self.frames_dropped += 1
            due = item
        if due is not None:
            if due[1] < now - 1 / MAX_FPS:
                self.frames_dropped += 1  # too late to show: the next one will be on time
            else:
                self._show(due[2])
        if now >= self.info.duration:
            self.position = self.info.duration
            self.playing = False
        else:
            self.position = now
        self._draw_bar()

    def _show(self, content: Any) -> None:
        self.frames_shown += 1
        if self._graphics:
            self._picture.image = content  # type: ignore[attr-defined]
        else:
            self._picture.update(content)  # type: ignore[attr-defined]

    def _draw_bar(self) -> None:
        if self.info is None:
            return
        state = "▶" if self.playing else "⏸"
        times = f" {state} {clock_text(self.position)} / {clock_text(self.info.duration)} "
        room = max(self._bar.size.width - len(times) - 1, 0)
        done = round(room * self.position / self.info.duration) if self.info.duration else 0
        self._bar.update(Text.assemble(times, ("━" * done, "bold"), ("─" * (room - done), "dim")))


class PlayerScreen(ModalScreen[None]):
    """A video over the whole app; q or Escape closes it."""

    DEFAULT_CSS = """
    PlayerScreen { background: $background; }
    """
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q", "close", "Close", id="player_close"),
    ]

    def __init__(self, path: Path, *, picture: type[Widget] | None = None) -> None:
        super().__init__()
        self._player = VideoPlayer(path, picture=picture, id="player")

    def compose(self) -> ComposeResult:
        yield self._player

    def on_mount(self) -> None:
        self._player.focus()

    def action_close(self) -> None:
        self.dismiss(None)


class PlayerApp(App[int]):
    """`nemo-tui play FILE`: the player alone; q or Escape quits. Exits 1 if the file cannot be
    played, after saying why."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,q", "quit", "Quit")]

    def __init__(self, path: Path, *, picture: type[Widget] | None = None) -> None:
        super().__init__()
        self.title = path.name
        self._player = VideoPlayer(path, picture=picture, id="player")

    def compose(self) -> ComposeResult:
        yield self._player

    def on_mount(self) -> None:
        self._player.focus()

    def on_video_player_failed(self, message: VideoPlayer.Failed) -> None:
        self.exit(1, message=message.reason)
