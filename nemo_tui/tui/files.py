"""The file pane: a media picker over the folder the app was opened on, the selection, a preview of
the highlighted file, and one progress bar per file being uploaded.

The pane never uploads anything itself: `u` posts `UploadRequested` with the selection and the app
hands it to the controller, whose `UploadProgress` updates come back through `show_progress`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from PIL import Image
from rich.style import Style
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DirectoryTree, Label, ProgressBar, Static, Tree
from textual.widgets.directory_tree import DirEntry
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from nemo_tui.api.uploads import display_name
from nemo_tui.core.updates import UploadProgress
from nemo_tui.frames import load_still
from nemo_tui.skills import media_kind_of
from nemo_tui.tui.actions import bindings
from nemo_tui.tui.halfblock import halfblock
from nemo_tui.tui.pane import Pane

KIND_MARK = {"image": "img", "video": "vid", "audio": "aud"}


def human_size(size: int) -> str:
    """1536 -> '1.5 KB'; one decimal below 10 units, none above."""
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            if unit == "B":
                return f"{int(value)} B"
            return f"{value:.1f} {unit}" if value < 10 else f"{value:.0f} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def is_folder(path: Path) -> bool:
    """Whether `path` is a folder; False when that cannot be known (no permission to look)."""
    try:
        return path.is_dir()
    except OSError:
        return False


# How often the shown folder is checked for new or removed files (one stat call).
FOLDER_CHECK_SECONDS = 2.0


@dataclass(frozen=True)
class FileFacts:
    kind: str | None
    size: int


class UploadRequested(Message):
    """The person asked to upload these files (the selection, or the highlighted file)."""

    def __init__(self, paths: list[Path]) -> None:
        super().__init__()
        self.paths = paths


class MediaTree(DirectoryTree):
    """A directory tree that shows media files with their kind and size, marks the selection, and
    dims (or hides, by default) files the backend would refuse."""

    BINDINGS: ClassVar[list[BindingType]] = bindings("files")

    show_all: reactive[bool] = reactive(False)

    def __init__(self, path: Path, *, id: str | None = None) -> None:
        super().__init__(path, id=id)
        # Insertion order is upload order; the node is kept to repaint its mark.
        self._selected: dict[Path, TreeNode[DirEntry]] = {}
        self._facts: dict[Path, FileFacts] = {}
        # Files sent to this session, marked so a person does not send them twice.
        self.uploaded: set[Path] = set()
        self._folder_stamp = _stamp(path)
        self._label_root()

    def on_mount(self) -> None:
        # New files (an export, a download) appear while the app is open.
        self.set_interval(FOLDER_CHECK_SECONDS, self._reload_if_changed)

    def _label_root(self) -> None:
        where = Path(self.path).resolve()
        self.root.set_label(f"{where.name or where}/")

    def _reload_if_changed(self) -> None:
        stamp = _stamp(Path(self.path))
        if stamp != self._folder_stamp:
            self._folder_stamp = stamp
            self.reload()

    def action_refresh_files(self) -> None:
        self._folder_stamp = _stamp(Path(self.path))
        self.reload()

    def action_parent_folder(self) -> None:
        """Show the folder above this one (the selection is kept: it holds full paths)."""
        here = Path(self.path).resolve()
        if here.parent != here:
            self.path = here.parent
            self._folder_stamp = _stamp(here.parent)
            self._label_root()

    def mark_uploaded(self, path: Path) -> None:
        self.uploaded.add(path)
        self._repaint({path})

    def forget_uploaded(self) -> None:
        """Another session: nothing is in it yet, so no file is marked as sent."""
        sent, self.uploaded = self.uploaded, set()
        self._repaint(sent)

    def _repaint(self, paths: set[Path]) -> None:
        """Draw these files' rows again: the tree keeps each row until its node changes."""
        nodes = list(self.root.children)
        while nodes:
            node = nodes.pop()
            nodes.extend(node.children)
            if node.data is not None and node.data.path in paths:
                node.refresh()

    def filter_paths(self, paths: Iterable[Path]) -> Iterable[Path]:
        """Runs in the loader's thread: stat each file once here so labels never touch the disk."""
        shown: list[Path] = []
        for path in paths:
            if path.name.startswith("."):
                continue
            if is_folder(path):
                shown.append(path)
                continue
            kind = media_kind_of(path.name)
            if kind is None and not self.show_all:
                continue
            try:
                size = path.stat().st_size
            except OSError:
                continue
            self._facts[path] = FileFacts(kind, size)
            shown.append(path)
        return shown

    def render_label(self, node: TreeNode[DirEntry], base_style: Style, style: Style) -> Text:
        entry = node.data
        facts = self._facts.get(entry.path) if entry is not None else None
        if entry is None or facts is None:
            return super().render_label(node, base_style, style)
        label = Text(no_wrap=True, overflow="ellipsis")
        if facts.kind is None:
            label.append("✗ ", "red")
            label.append(display_name(entry.path), "dim")
            label.append("  not media", "dim")
            label.stylize(style)
            return label
        chosen = entry.path in self._selected
        if chosen:
            label.append("▣ ", "bold green")
        elif entry.path in self.uploaded:
            # First on the row, so a narrow pane cannot cut it off.
            label.append("✓ ", "green")
        else:
            label.append("□ ", "dim")
        label.append(display_name(entry.path), "bold" if chosen else "")
        label.append(f"  {KIND_MARK[facts.kind]} {human_size(facts.size)}", "dim")
        label.stylize(style)
        return label

    def watch_show_all(self) -> None:
        if self.is_mounted:
            self.reload()

    @property
    def selected(self) -> list[Path]:
        return list(self._selected)

    def highlighted_file(self) -> Path | None:
        node = self.cursor_node
        if node is None or node.data is None or node.allow_expand:
            return None
        return node.data.path

    def action_toggle_select(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand:
            node.toggle()
            return
        path = self.highlighted_file()
        if node is None or path is None:
            return
        if self._selected.pop(path, None) is None:
            self._selected[path] = node
        self.post_message(self.SelectionChanged(self.selected))
        node.refresh()

    def action_toggle_all_files(self) -> None:
        self.show_all = not self.show_all

    def action_upload(self) -> None:
        paths = list(self.selected)
        if not paths and (highlighted := self.highlighted_file()) is not None:
            paths = [highlighted]
        if paths:
            self.post_message(UploadRequested(paths))
        else:
            self.notify("Select files with space first, then press u.", severity="warning")

    def clear_selection(self) -> None:
        nodes = list(self._selected.values())
        self._selected.clear()
        for node in nodes:
            node.refresh()
        self.post_message(self.SelectionChanged([]))

    class SelectionChanged(Message):
        def __init__(self, paths: list[Path]) -> None:
            super().__init__()
            self.paths = paths


def _stamp(folder: Path) -> tuple[float, int] | None:
    """What changes when a file is added to or removed from `folder`."""
    try:
        info = folder.stat()
    except OSError:
        return None
    return (info.st_mtime, info.st_nlink)


class MediaPreview(Static):
    """The highlighted image, or a frame of the highlighted clip, in half blocks; or, when the
    terminal has graphics (see `graphics`), its caption under a `picture` widget that shows it."""

    def __init__(self, *, picture: Widget | None = None, id: str | None = None) -> None:
        super().__init__("", id=id, classes="-caption-only" if picture is not None else "")
        self._picture = picture

    def show_path(self, path: Path | None) -> None:
        if path is None or media_kind_of(path.name) not in ("image", "video"):
            self._show(None, Text(self._caption(path), "dim"))
            return
        self._render_preview(path, max(self.size.width, 8), max(self.size.height - 1, 2))

    @work(thread=True, exclusive=True, group="preview", exit_on_error=False)
    def _render_preview(self, path: Path, columns: int, rows: int) -> None:
        still = load_still(path)
        caption = Text(self._caption(path), "dim")
        content: Text = caption
        if still is not None and self._picture is None:
            content = Text.assemble(halfblock(still, columns, rows), "\n", caption)
        # A thread cannot be stopped midway: a preview the cursor has already left is dropped here.
        if not get_current_worker().is_cancelled:
            self.app.call_from_thread(self._show, still, content)

    def _show(self, still: Image.Image | None, content: Text) -> None:
        self.update(content)
        if self._picture is not None:
            # The picture class is textual-image's, chosen at run time and typed as a Widget.
            self._picture.image = still  # type: ignore[attr-defined]
            self._picture.display = still is not None

    @staticmethod
    def _caption(path: Path | None) -> str:
        if path is None:
            return "no file highlighted"
        kind = media_kind_of(path.name)
        name = display_name(path)
        return f"{name} ({kind})" if kind else f"{name}: not a photo, clip or audio"


class UploadRow(Vertical):
    """One file's upload: its name, a progress bar, then 'uploaded' or the reason it was refused."""

    def __init__(self, path: Path) -> None:
        super().__init__(classes="upload-row")
        self.path = path
        # Built here, not in compose: progress that arrives before the row is mounted still lands.
        self._name_label = Label(display_name(path), classes="upload-name")
        self._bar = ProgressBar(total=100, show_eta=False, classes="upload-bar")

    def compose(self) -> ComposeResult:
        yield self._name_label
        yield self._bar

    def show(self, update: UploadProgress) -> None:
        bar, name = self._bar, self._name_label
        if update.error is not None:
            self.add_class("-failed")
            bar.display = False
            shown = display_name(self.path)
            name.update(Text.assemble(("✗ ", "red"), shown, ": ", (update.error, "red")))
            return
        bar.update(total=max(update.total, 1), progress=update.sent)
        if update.done:
            self.add_class("-done")
            shown = display_name(self.path)
            name.update(Text.assemble(("✓ ", "green"), shown, (" uploaded", "dim")))


class FilePane(Pane):
    """The picker, the preview under it, and the uploads in flight."""

    def __init__(
        self, path: Path, *, picture: type[Widget] | None = None, id: str | None = None
    ) -> None:
        super().__init__(id=id)
        self.path = path
        self.border_title = "Files"
        self._picture = picture(id="picture") if picture is not None else None

    def compose(self) -> ComposeResult:
        yield MediaTree(self.path, id="media-tree")
        if self._picture is not None:
            self._picture.display = False
            yield self._picture
        yield MediaPreview(picture=self._picture, id="preview")
        yield VerticalScroll(id="uploads")

    @on(Tree.NodeHighlighted, "#media-tree")
    def _preview_highlighted(self, event: Tree.NodeHighlighted[DirEntry]) -> None:
        node = event.node
        path = None if node.data is None or node.allow_expand else node.data.path
        self.query_one(MediaPreview).show_path(path)

    @on(MediaTree.SelectionChanged)
    def _show_selection_count(self, event: MediaTree.SelectionChanged) -> None:
        count = len(event.paths)
        self.border_subtitle = f"{count} selected · u uploads" if count else ""

    def show_progress(self, update: UploadProgress) -> None:
        uploads = self.query_one("#uploads", VerticalScroll)
        row = next((row for row in uploads.query(UploadRow) if row.path == update.path), None)
        if row is None:
            row = UploadRow(update.path)
            uploads.mount(row)
        row.show(update)
        if update.done and update.error is None:
            self.query_one(MediaTree).mark_uploaded(update.path)

    def new_session(self) -> None:
        """Files sent to the old session are not in the new one: their marks and finished
        rows go, so they can be sent again (uploads still running stay)."""
        self.query_one(MediaTree).forget_uploaded()
        self.query(".upload-row.-done, .upload-row.-failed").remove()

    def start_upload(self, paths: list[Path]) -> None:
        """Rows for a new upload; finished rows of earlier ones go, running ones stay."""
        uploads = self.query_one("#uploads", VerticalScroll)
        uploads.query(".upload-row.-done, .upload-row.-failed").remove()
        for path in paths:
            uploads.mount(UploadRow(path))
        self.query_one(MediaTree).clear_selection()
