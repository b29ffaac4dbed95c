""" "Open project…": the list of earlier projects (SPEC 11) over the app, to continue one.

The gateway's projects, or this app's remembered sessions on the skills' API (`core.projects`).
Up and down move, Enter opens the highlighted project, Escape closes the list. Opening happens in
the app (a worker on the session group); this screen only says which one was chosen.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from nemo_tui.core.projects import ProjectEntry

# An ISO time shown to the minute: the list is for picking by eye.
WHEN_LENGTH = 16


def entry_label(entry: ProjectEntry, width: int) -> Text:
    """One row: a mark for the open project, the name, then its id and when it last changed."""
    mark = "● " if entry.current else "  "
    some_id = entry.project_id or entry.session_id or ""
    when = (entry.updated or "")[:WHEN_LENGTH].replace("T", " ")
    tail = f"  {some_id[:22]}  {when}"
    room = max(width - len(mark) - len(tail), 8)
    name = entry.name if len(entry.name) <= room else entry.name[: room - 1] + "…"
    row = Text(mark, style="bold" if entry.current else "")
    row.append(name.ljust(room), style="bold" if entry.current else "")
    row.append(tail, style="dim")
    return row


class ProjectList(ModalScreen[ProjectEntry | None]):
    """The projects to choose from; dismissed with the chosen one, or None."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "close", "Close", tooltip="Close the list; nothing is opened."),
    ]

    def __init__(self, entries: list[ProjectEntry], api_kind: str) -> None:
        super().__init__()
        self._entries = entries
        self._api_kind = api_kind

    def compose(self) -> ComposeResult:
        where = (
            "Projects on the gateway"
            if self._api_kind == "gateway"
            else "Sessions this app made on this backend"
        )
        with Vertical(id="projects-body"):
            yield Label(f"Open a project · {where}", id="projects-title")
            if self._entries:
                yield OptionList(id="projects-list")
            else:
                yield Label("No earlier projects yet: start one by saying what to make.")
            yield Label("↑↓ choose · enter open · esc close", id="projects-keys")

    def on_mount(self) -> None:
        if self._entries:
            # The rows are cut to the list's width, known once it is laid out.
            self.call_after_refresh(self._fill)

    def _fill(self) -> None:
        options = self.query_one(OptionList)
        width = max(options.scrollable_content_region.width - 1, 30)
        options.add_options(
            Option(entry_label(entry, width), id=str(index))
            for index, entry in enumerate(self._entries)
        )
        current = next((i for i, entry in enumerate(self._entries) if entry.current), 0)
        options.highlighted = current
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._entries[int(event.option.id or 0)])

    def action_close(self) -> None:
        self.dismiss(None)
