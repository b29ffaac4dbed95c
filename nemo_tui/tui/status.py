"""The status pane: the credit balance, one row per render job (progress bar, ETA, status, then the
downloaded file's path), and a strip of frames from the last finished MP4. A render row takes focus
and has its own keys: cancel the export, retry a failed one (the app runs them).
"""

from __future__ import annotations

from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.widgets import Label, ProgressBar, Static
from textual.worker import get_current_worker

from nemo_tui.api.models import Credits
from nemo_tui.core.updates import DownloadProgress, RenderProgress
from nemo_tui.frames import decode_frames
from nemo_tui.tui.actions import bindings
from nemo_tui.tui.chat import format_elapsed
from nemo_tui.tui.files import human_size
from nemo_tui.tui.halfblock import halfblock, side_by_side
from nemo_tui.tui.pane import Pane

STRIP_FRAMES = 6
# The narrowest frame worth drawing, in cells.
FRAME_COLUMNS = 12


def credits_text(credits: Credits | None) -> Text:
    """`Credits 94 / 100 (2 frozen)`: available of total, and what running jobs hold."""
    if credits is None:
        return Text("Credits …", "dim")
    return Text.assemble(
        ("Credits ", "bold"),
        (str(credits.available), "bold green" if credits.available else "bold red"),
        f" / {credits.total}",
        (f" ({credits.frozen} frozen)", "dim"),
    )


class RenderRow(Vertical, can_focus=True):
    """One render job. Children are built up front so updates that arrive before mount land.
    Enter on a finished one plays it."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("renders")

    class Play(Message):
        """Play this finished render's file."""

        def __init__(self, path: Path) -> None:
            super().__init__()
            self.path = path

    def action_play(self) -> None:
        if self.path is not None and self.path.is_file():
            self.post_message(self.Play(self.path))
        else:
            self.notify("This render has no file yet: wait until it is saved.")

    def __init__(self, render_id: str, name: str | None = None) -> None:
        super().__init__(classes="render-row")
        self.render_id = render_id
        self.path: Path | None = None
        self.status = "pending"
        self.retryable = False
        # A name a person recognises (the video's title and when it was asked for); the id, dim,
        # stays for matching with `nemo-tui state` and the backend.
        title = Text(name or render_id, "bold")
        if name:
            title.append(f"  {render_id}", "dim")
        self._title = Label(title, classes="render-title")
        self._bar = ProgressBar(total=100, show_eta=False, show_percentage=True)
        self._detail = Label("pending", classes="render-detail")

    def compose(self) -> ComposeResult:
        yield self._title
        yield self._bar
        yield self._detail

    async def action_cancel_render(self) -> None:
        await self.app.run_action(f"cancel_export({self.render_id!r})")

    async def action_retry_render(self) -> None:
        await self.app.run_action(f"retry_export({self.render_id!r})")

    def show_render(self, update: RenderProgress) -> None:
        self.status = update.status
        self.retryable = update.retryable
        self._bar.update(progress=update.progress)
        if update.status in ("failed", "cancelled"):
            self.add_class("-failed")
            reason = f"failed: {update.error or 'no reason given'}"
            if update.status == "cancelled":
                reason = "cancelled"
            elif update.retryable:
                reason += " · r: try once more"
            self._detail.update(Text(reason, "red" if update.status == "failed" else "yellow"))
            return
        self.remove_class("-failed")
        detail = "finalising" if update.finalising else update.status
        if update.eta is not None and update.status != "completed":
            left = format_elapsed(update.eta) if update.eta >= 1 else "a moment"
            detail += f" · about {left} left"
        self._detail.update(detail)

    def show_download(self, update: DownloadProgress) -> None:
        if update.done:
            self.path = update.path
            self.add_class("-done")
            self._bar.update(total=100, progress=100)
            self._detail.update(Text.assemble(("saved ", "green"), str(update.path)))
            return
        total = update.total or 0
        self._bar.update(total=max(total, 1), progress=update.received if total else 0)
        size = f"{human_size(update.received)} of {human_size(total)}" if total else ""
        self._detail.update(f"downloading {size}".strip())


class FrameStrip(Static):
    """Frames from a finished MP4, decoded in a thread and drawn as half blocks, as many to a row
    as fit at a readable size."""

    def show_video(self, path: Path) -> None:
        self._decode(path, max(self.size.width, FRAME_COLUMNS))

    @work(thread=True, exclusive=True, group="frames", exit_on_error=False)
    def _decode(self, path: Path, width: int) -> None:
        frames = decode_frames(path, STRIP_FRAMES)
        fit = max(1, (width + 1) // (FRAME_COLUMNS + 1))
        # Even rows (6 frames: 6, 3 or 2 to a row), each frame at most twice the narrowest.
        per_row = max(d for d in range(1, len(frames) + 1) if len(frames) % d == 0 and d <= fit)
        columns = min((width + 1) // per_row - 1, 2 * FRAME_COLUMNS)
        rows = max(columns * 9 // 32, 2)  # 16:9 at two pixels per row
        pictures = [halfblock(frame, columns, rows) for frame in frames]
        strip = Text()
        for start in range(0, len(pictures), per_row):
            strip.append_text(side_by_side(pictures[start : start + per_row]))
            strip.append("\n")
        strip.append(path.name, "dim")
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self.update, strip)


class StatusPane(Pane):
    """Credits, render jobs, frames."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.border_title = "Status"

    def compose(self) -> ComposeResult:
        yield Static(credits_text(None), id="credits")
        yield Vertical(id="renders")
        yield FrameStrip("", id="frames")

    def show_credits(self, credits: Credits) -> None:
        self.query_one("#credits", Static).update(credits_text(credits))

    def render_row(self, render_id: str, name: str | None = None) -> RenderRow:
        renders = self.query_one("#renders", Vertical)
        for row in renders.query(RenderRow):
            if row.render_id == render_id:
                return row
        row = RenderRow(render_id, name)
        renders.mount(row)
        return row

    def show_render(self, update: RenderProgress) -> None:
        self.render_row(update.render_id).show_render(update)

    def show_download(self, update: DownloadProgress) -> None:
        self.render_row(update.render_id).show_download(update)

    def focused_render(self) -> str | None:
        """The id of the render row that has focus, if one has."""
        focused = self.app.focused
        return focused.render_id if isinstance(focused, RenderRow) else None
