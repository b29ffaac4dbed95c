"""The command palette provider: the app's real actions, searchable with ctrl+p."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, cast

from textual.command import DiscoveryHit, Hit, Hits, Provider

from nemo_tui.skills import SKILLS

if TYPE_CHECKING:
    from nemo_tui.tui.app import NemoApp


@dataclass(frozen=True)
class PaletteCommand:
    title: str
    help: str
    run: Callable[[], object]


class NemoCommands(Provider):
    """Export, new session, skills, backend, config, copy, screenshot, and the refreshes."""

    def _commands(self) -> list[PaletteCommand]:
        app = cast("NemoApp", self.app)
        commands = [
            PaletteCommand(
                "Export to MP4", "Render the timeline and download it", app.action_export
            ),
            PaletteCommand(
                "New session", "Start over with an empty timeline", app.action_new_session
            ),
            PaletteCommand("Refresh credits", "Fetch the credit balance", app.action_credits),
            PaletteCommand("Refresh timeline", "Fetch the session state", app.action_state),
            PaletteCommand(
                "Switch backend", "Cloud or the local engine (needs a restart)", app.action_backend
            ),
            PaletteCommand(
                "Show config", "Where settings live and what they are", app.action_config
            ),
            PaletteCommand(
                "Copy last answer", "Copy the agent's last answer (OSC 52)", app.action_copy_answer
            ),
            PaletteCommand("Save screenshot", "Write an SVG of the screen", app.action_screenshot),
            PaletteCommand("Help", "Keys and slash commands", app.action_help),
        ]
        commands += [
            PaletteCommand(f"Skill: {skill.id}", skill.title, partial(app.switch_skill, skill.id))
            for skill in SKILLS
        ]
        return commands

    async def discover(self) -> Hits:
        for command in self._commands():
            yield DiscoveryHit(command.title, command.run, help=command.help)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for command in self._commands():
            score = matcher.match(command.title)
            if score > 0:
                yield Hit(score, matcher.highlight(command.title), command.run, help=command.help)
