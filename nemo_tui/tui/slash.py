"""Slash commands typed in the chat input: how they parse, and the /help text.

Anything that does not start with `/` is chat and goes to the controller, which routes intents
("export", "credits", ...) itself; slash commands are the explicit, typo-proof way to the same
actions. Which commands exist is the action table's `slash` column (`actions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from nemo_tui.tui.actions import SLASH_COMMANDS, UserAction


@dataclass(frozen=True)
class SlashCommand:
    """A parsed command: the action it runs and, for one that takes it, its argument."""

    action: UserAction
    argument: str = ""

    @property
    def textual_action(self) -> str:
        """The Textual action string to run in the app."""
        if self.action.argument:
            return self.action.with_argument(self.argument)
        return self.action.action


class SlashError(ValueError):
    """A line that starts with `/` but is not a command this app knows; `str()` says what to do."""


def parse_slash(line: str) -> SlashCommand | None:
    """The command in `line`, or None when the line is chat. Raises SlashError for an unknown
    command or a missing argument."""
    stripped = line.strip()
    if not stripped.startswith("/"):
        return None
    name, _, argument = stripped[1:].partition(" ")
    name = name.lower()
    action = SLASH_COMMANDS.get(name)
    if action is None:
        raise SlashError(f"Unknown command /{name}: type /help for the list.")
    argument = argument.strip()
    if action.argument and not argument:
        raise SlashError(f"/{name} needs an {action.argument}: {_choices(action)}.")
    return SlashCommand(action, argument)


def _choices(action: UserAction) -> str:
    if action.choices is None:
        return f"/{action.slash} {action.argument}"
    return "one of " + ", ".join(value for value, _ in action.choices())


def usage(action: UserAction) -> str:
    """`/skill ID`, `/export`."""
    return f"/{action.slash} {action.argument}".rstrip()


def help_markdown() -> str:
    """The /help answer, as Markdown for the chat."""
    lines = ["**Commands**", ""]
    lines += [f"- `{usage(action)}` — {action.tooltip}" for action in SLASH_COMMANDS.values()]
    for action in SLASH_COMMANDS.values():
        if action.choices is not None:
            values = ", ".join(f"`{value}`" for value, _ in action.choices())
            lines += ["", f"**{action.description} {action.argument}**: {values}"]
    return "\n".join(lines)
