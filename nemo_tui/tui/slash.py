"""Slash commands typed in the chat input: what they are, how they parse, and the /help text.

Anything that does not start with `/` is chat and goes to the controller, which routes intents
("export", "credits", ...) itself; slash commands are the explicit, typo-proof way to the same
actions.
"""

from __future__ import annotations

from dataclasses import dataclass

from nemo_tui.skills import SKILLS

COMMANDS: dict[str, str] = {
    "export": "render the timeline to an MP4 and download it",
    "credits": "refresh the credit balance",
    "status": "fetch the session state and show its timeline",
    "upload": "upload the files selected in the file pane",
    "new": "start a new session (the old one stays on the backend)",
    "skill": "switch the skill profile: /skill ID",
    "help": "show this list",
}


@dataclass(frozen=True)
class SlashCommand:
    """A parsed command: `name` is one of COMMANDS, `argument` the rest of the line."""

    name: str
    argument: str = ""


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
    if name not in COMMANDS:
        raise SlashError(f"Unknown command /{name}: type /help for the list.")
    argument = argument.strip()
    if name == "skill" and not argument:
        raise SlashError(f"/skill needs a skill id: one of {', '.join(skill_ids())}.")
    return SlashCommand(name, argument)


def skill_ids() -> list[str]:
    return [skill.id for skill in SKILLS]


def help_markdown() -> str:
    """The /help answer, as Markdown for the chat."""
    lines = ["**Commands**", ""]
    lines += [f"- `/{name}` — {purpose}" for name, purpose in COMMANDS.items()]
    lines += ["", "**Skills**: " + ", ".join(f"`{skill_id}`" for skill_id in skill_ids())]
    return "\n".join(lines)
