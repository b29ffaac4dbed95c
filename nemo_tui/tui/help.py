"""F1: contextual help. What the focused pane is for, the keys that work there right now (with any
keymap overrides), and the slash commands."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from nemo_tui.tui.slash import help_markdown

PANE_HELP = {
    "files": "**Files** — photos, clips and audio under the folder you opened. Space selects, "
    "`u` uploads the selection (or the highlighted file), `a` shows other files too.",
    "chat": "**Chat** — describe the video; the answer streams in. Up and down recall earlier "
    "messages and the example prompts. Escape stops a running answer (nothing is resent).",
    "timeline": "**Timeline** — the tracks and segments the agent built, with a bar per track. "
    "Changed items light up for a moment after each edit.",
    "status": "**Status** — credits, render jobs with progress and ETA, and frames of the last "
    "finished video. `e` exports.",
}


def keys_markdown(rows: list[tuple[str, str, str]]) -> str:
    """A table of (key, action, tooltip) rows."""
    lines = ["| key | does | |", "|---|---|---|"]
    lines += [f"| `{key}` | {action} | {tooltip} |" for key, action, tooltip in rows]
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,f1,q", "dismiss", "Close", id="close_help", tooltip="Close the help."),
    ]

    def __init__(self, pane: str, keys: list[tuple[str, str, str]]) -> None:
        super().__init__()
        self._pane = pane
        self._keys = keys

    def compose(self) -> ComposeResult:
        text = "\n\n".join(
            [
                PANE_HELP.get(self._pane, ""),
                "**Keys here**",
                keys_markdown(self._keys),
                help_markdown(),
                'Remap any key in `config.toml` under `[keymap]`, e.g. `export = "ctrl+e"`.',
            ]
        )
        with VerticalScroll(id="help-body"):
            yield Markdown(text)
