"""F1: contextual help. What the focused pane is for, the keys that work there right now (with any
keymap overrides), and every action of the app (`actions`) with its keys and slash command."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Markdown

from nemo_tui.tui.actions import SCOPE_NAMES, UserAction, bindings
from nemo_tui.tui.slash import usage

PANE_HELP = {
    "files": "**Files** — photos, clips and audio under the folder you opened. Space selects, "
    "`u` uploads the selection (or the highlighted file), `a` shows other files too.",
    "chat": "**Chat** — describe the video; the answer streams in. Up and down recall earlier "
    "messages and the example prompts. Escape stops a running answer (nothing is resent).",
    "timeline": "**Timeline** — the tracks and segments the agent built, with a bar per track. "
    "Changed items light up for a moment after each edit.",
    "status": "**Status** — credits, render jobs with progress and ETA, and frames of the last "
    "finished video. `e` exports; on a render row (Tab to it), `x` cancels and `r` retries a "
    "failed one once.",
}


def keys_markdown(rows: list[tuple[str, str, str]]) -> str:
    """A table of (key, action, tooltip) rows."""
    lines = ["| key | does | |", "|---|---|---|"]
    lines += [f"| `{key}` | {action} | {tooltip} |" for key, action, tooltip in rows]
    return "\n".join(lines)


def actions_markdown(rows: list[tuple[str, UserAction]]) -> str:
    """A table of every action: (the keys as shown, the action)."""
    lines = ["| key | action (id) | where | command | |", "|---|---|---|---|---|"]
    for keys, action in rows:
        key = f"`{keys}`" if keys else ""
        command = f"`{usage(action)}`" if action.slash else ""
        where = SCOPE_NAMES[action.where]
        name = f"{action.description} (`{action.id}`)"
        lines.append(f"| {key} | {name} | {where} | {command} | {action.tooltip} |")
    return "\n".join(lines)


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = bindings("help")

    def __init__(
        self,
        pane: str,
        keys: list[tuple[str, str, str]],
        every_action: list[tuple[str, UserAction]],
    ) -> None:
        super().__init__()
        self._pane = pane
        self._keys = keys
        self._every_action = every_action

    def compose(self) -> ComposeResult:
        text = "\n\n".join(
            [
                PANE_HELP.get(self._pane, ""),
                "**Keys here**",
                keys_markdown(self._keys),
                "**Every action** (ctrl+p finds the app-wide ones by name)",
                actions_markdown(self._every_action),
                "Remap any key in `config.toml` under `[keymap]` by the action's id, e.g. "
                '`export = "ctrl+e"`.',
            ]
        )
        with VerticalScroll(id="help-body"):
            yield Markdown(text)
