"""The command palette provider: every app-wide action of the table that has a palette title,
searchable with ctrl+p (one entry per choice for an action that takes an argument)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

from nemo_tui.tui.actions import ACTIONS


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    action: str  # the Textual action string, run in the app


def palette_commands() -> list[PaletteCommand]:
    commands: list[PaletteCommand] = []
    for action in ACTIONS:
        if not action.palette or action.where != "app":
            continue
        if action.choices is None:
            commands.append(PaletteCommand(action.palette, action.tooltip, action.action))
            continue
        commands += [
            PaletteCommand(f"{action.palette}: {value}", what, action.with_argument(value))
            for value, what in action.choices()
        ]
    return commands


class NemoCommands(Provider):
    """The app's actions, from the action table."""

    async def discover(self) -> Hits:
        for command in palette_commands():
            yield DiscoveryHit(
                command.title, partial(self.app.run_action, command.action), help=command.help
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in palette_commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(command.title),
                    partial(self.app.run_action, command.action),
                    help=command.help,
                )
