"""Every user action, declared once: its id, keys, words, and the ways to reach it.

The bindings of each widget (and so the footer), the F1 help, the `/help` list, the slash commands
and the command palette are all made from `ACTIONS`; the `[keymap]` setting remaps a binding by
the action's id. Adding an action is one entry here (and its `action_*` method where it applies).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from textual.binding import Binding, BindingType

from nemo_tui.skills import SKILLS

# Where an action applies: anywhere in the app, or only while one widget has focus.
Scope = Literal["app", "chat", "files", "question", "help", "renders", "player"]
SCOPE_NAMES: dict[Scope, str] = {
    "app": "anywhere",
    "chat": "chat input",
    "files": "file pane",
    "question": "the agent's question",
    "renders": "a render row (status pane)",
    "help": "this help",
    "player": "video player",
}


def skill_choices() -> list[tuple[str, str]]:
    return [(skill.id, skill.title) for skill in SKILLS]


@dataclass(frozen=True)
class UserAction:
    """One thing a person can do.

    `action` is the Textual action it runs, in the namespace of `where` (the app, or the focused
    widget). `description` names it in the footer and the help, `tooltip` says what it does (the
    footer's tooltip, the help, the palette). An action with an `argument` ("ID") takes it after
    its slash command, and the palette lists one entry per `choices()` pair (value, what it is).
    """

    id: str
    action: str
    description: str
    tooltip: str
    keys: str = ""
    where: Scope = "app"
    slash: str = ""
    palette: str = ""
    show: bool = True
    argument: str = ""
    choices: Callable[[], Sequence[tuple[str, str]]] | None = None
    # Priority keys run before the focused widget sees them, so typing in the chat input cannot
    # swallow them (ctrl+e would otherwise move the input's cursor to the end).
    priority: bool = False
    # A single letter that also runs the action where no text input has focus (not in the footer).
    letter: str = ""
    # Actions of one group share one footer entry: their keys, then this word ("f2 f3 Panes").
    group: str = ""

    def binding(self) -> Binding:
        return Binding(
            self.keys,
            self.action,
            self.description,
            show=self.show,
            id=self.id,
            tooltip=self.tooltip,
            priority=self.priority,
            group=Binding.Group(self.group) if self.group else None,
        )

    def letter_binding(self) -> Binding:
        return Binding(self.letter, self.action, self.description, show=False, id=self.id)

    def with_argument(self, argument: str) -> str:
        """The Textual action string that runs this action on `argument`."""
        return f"{self.action}({argument!r})"


ACTIONS: tuple[UserAction, ...] = (
    UserAction(
        "help",
        "help",
        "Help",
        "Keys and commands for the focused pane.",
        keys="f1",
        palette="Help",
    ),
    UserAction(
        "stop_turn",
        "stop_turn",
        "Stop",
        "Stop the agent's running answer (the message is not sent again).",
        keys="escape",
        palette="Stop the answer",
    ),
    UserAction(
        "export",
        "export",
        "Export",
        "Render the timeline to an MP4 and download it.",
        keys="ctrl+e",
        letter="e",
        priority=True,
        slash="export",
        palette="Export to MP4",
    ),
    UserAction(
        "preview",
        "preview",
        "Preview",
        "Render the timeline small and fast, and play it here.",
        keys="ctrl+o",
        letter="p",
        priority=True,
        slash="preview",
        palette="Preview the timeline",
    ),
    UserAction(
        "new_session",
        "new_session",
        "New",
        "Start a new session (the old one stays on the backend).",
        keys="ctrl+n",
        letter="n",
        priority=True,
        slash="new",
        palette="New session",
    ),
    UserAction(
        "credits",
        "credits",
        "Credits",
        "Refresh the credit balance.",
        keys="ctrl+r",
        letter="c",
        priority=True,
        slash="credits",
        palette="Refresh credits",
    ),
    UserAction(
        "state",
        "state",
        "State",
        "Fetch the session state and show its timeline.",
        keys="ctrl+t",
        letter="s",
        priority=True,
        slash="status",
        palette="Refresh timeline",
    ),
    UserAction(
        "quit",
        "quit",
        "Quit",
        "Leave nemo-tui (a render on the local engine goes on at the next start).",
        keys="ctrl+q",
        priority=True,
        palette="Quit",
    ),
    UserAction(
        "pane_files",
        "show_pane('files')",
        "Files",
        "Go to the files.",
        keys="f2",
        group="Panes",
        palette="Go to files",
    ),
    UserAction(
        "pane_chat",
        "show_pane('chat')",
        "Chat",
        "Go to the chat.",
        keys="f3",
        group="Panes",
        palette="Go to chat",
    ),
    UserAction(
        "pane_timeline",
        "show_pane('timeline')",
        "Timeline",
        "Go to the timeline.",
        keys="f4",
        group="Panes",
        palette="Go to timeline",
    ),
    UserAction(
        "pane_status",
        "show_pane('status')",
        "Status",
        "Go to renders.",
        keys="f5",
        group="Panes",
        palette="Go to status",
    ),
    UserAction(
        "upload_selection",
        "upload_selection",
        "Upload selection",
        "Upload the files selected in the file pane.",
        slash="upload",
        palette="Upload selected files",
    ),
    UserAction(
        "skill",
        "switch_skill",
        "Skill",
        "Switch the skill profile.",
        slash="skill",
        palette="Skill",
        argument="ID",
        choices=skill_choices,
    ),
    UserAction(
        "commands",
        "list_commands",
        "Commands",
        "List the slash commands in the chat.",
        slash="help",
        palette="List slash commands",
    ),
    UserAction(
        "backend",
        "backend",
        "Backend",
        "Cloud or the local engine (needs a restart).",
        palette="Switch backend",
    ),
    UserAction(
        "config",
        "config",
        "Config",
        "Where settings live and what they are.",
        palette="Show config",
    ),
    UserAction(
        "copy_answer",
        "copy_answer",
        "Copy answer",
        "Copy the agent's last answer (OSC 52).",
        palette="Copy last answer",
    ),
    UserAction(
        "cancel_export",
        "cancel_export",
        "Cancel export",
        "Stop the highlighted export, or the newest one in flight.",
        slash="cancel",
        palette="Cancel export",
    ),
    UserAction(
        "open_project",
        "open_project",
        "Projects",
        "Open an earlier project to continue it.",
        slash="projects",
        palette="Open project…",
    ),
    UserAction(
        "copy_link",
        "copy_link",
        "Copy link",
        "Copy the project's link: its gateway page, or the one that saves it to an account.",
        palette="Copy link",
    ),
    UserAction(
        "open_link",
        "open_link",
        "Open in browser",
        "Open the project's link in a browser: its gateway page, or the claim link.",
        palette="Open in browser",
    ),
    UserAction(
        "cancel_render",
        "cancel_render",
        "Cancel",
        "Stop this export: the backend ends the render.",
        keys="x",
        where="renders",
    ),
    UserAction(
        "retry_render",
        "retry_render",
        "Retry",
        "Try this failed export once more, with a new id.",
        keys="r",
        where="renders",
    ),
    UserAction(
        "screenshot",
        "screenshot",
        "Screenshot",
        "Write an SVG of the screen.",
        palette="Save screenshot",
    ),
    UserAction(
        "history_previous",
        "history(-1)",
        "Previous",
        "Put the previous message (or an example prompt) back in the input.",
        keys="up",
        where="chat",
        show=False,
    ),
    UserAction(
        "history_next",
        "history(1)",
        "Next",
        "Walk forward through sent messages.",
        keys="down",
        where="chat",
        show=False,
    ),
    UserAction(
        "leave_input",
        "leave",
        "Leave input",
        "Leave the input for the chat's messages, where single-letter keys work.",
        keys="escape",
        where="chat",
        show=False,
    ),
    UserAction(
        "toggle_select",
        "toggle_select",
        "Select",
        "Add the highlighted file to the upload selection, or take it out.",
        keys="space",
        where="files",
    ),
    UserAction(
        "upload",
        "upload",
        "Upload",
        "Upload the selected files (or the highlighted one) to the session.",
        keys="u",
        where="files",
    ),
    UserAction(
        "refresh_files",
        "refresh_files",
        "Refresh",
        "Read the folder again (new files also appear on their own within seconds).",
        keys="r",
        where="files",
    ),
    UserAction(
        "parent_folder",
        "parent_folder",
        "Up",
        "Show the folder above this one.",
        keys="backspace",
        where="files",
    ),
    UserAction(
        "show_all_files",
        "toggle_all_files",
        "All files",
        "Show or hide files that are not photos, clips or audio.",
        keys="a",
        where="files",
    ),
    UserAction(
        "question_up",
        "move(-1)",
        "Previous option",
        "Choose the option above (past the first: the question before).",
        keys="up",
        where="question",
        show=False,
    ),
    UserAction(
        "question_down",
        "move(1)",
        "Next option",
        "Choose the option below (past the last: the next question). Digits 1-9 choose too.",
        keys="down",
        where="question",
        show=False,
    ),
    UserAction(
        "question_previous",
        "prompt(-1)",
        "Previous question",
        "Go to the question before.",
        keys="left",
        where="question",
        show=False,
    ),
    UserAction(
        "question_next",
        "prompt(1)",
        "Next question",
        "Go to the next question.",
        keys="right",
        where="question",
        show=False,
    ),
    UserAction(
        "question_toggle",
        "toggle_option",
        "Toggle",
        "Choose the option under the cursor, or unchoose it where several may be chosen.",
        keys="space",
        where="question",
    ),
    UserAction(
        "question_send",
        "send",
        "Send",
        "Send the choices as your next message.",
        keys="enter",
        where="question",
    ),
    UserAction(
        "question_skip",
        "skip",
        "Skip",
        "Answer 'Skipped' and go on.",
        keys="escape",
        where="question",
    ),
    UserAction(
        "close_help", "dismiss", "Close", "Close the help.", keys="escape,f1,q", where="help"
    ),
    UserAction(
        "play_render", "play", "Play", "Play this render here.", keys="enter", where="renders"
    ),
    UserAction(
        "player_pause",
        "toggle_pause",
        "Pause/play",
        "Pause or go on.",
        keys="space",
        where="player",
    ),
    UserAction("player_back", "seek(-1)", "-1 s", "Back a second.", keys="left", where="player"),
    UserAction("player_forward", "seek(1)", "+1 s", "On a second.", keys="right", where="player"),
    UserAction(
        "player_back_more", "seek(-5)", "-5 s", "Back five seconds.", keys="down", where="player"
    ),
    UserAction(
        "player_forward_more", "seek(5)", "+5 s", "On five seconds.", keys="up", where="player"
    ),
    UserAction(
        "player_close", "close", "Close", "Stop playing and close.", keys="escape,q", where="player"
    ),
)

ACTIONS_BY_ID = {action.id: action for action in ACTIONS}
SLASH_COMMANDS = {action.slash: action for action in ACTIONS if action.slash}


def bindings(where: Scope) -> list[BindingType]:
    """The BINDINGS of the widget (or app) where these actions apply."""
    here = [action for action in ACTIONS if action.where == where and action.keys]
    keys: list[BindingType] = [action.binding() for action in here]
    return keys + [action.letter_binding() for action in here if action.letter]


def remappable_ids() -> set[str]:
    """The ids a `[keymap]` may name: every action that has keys."""
    return {action.id for action in ACTIONS if action.keys}


def first_key(action_id: str, keymap: Mapping[str, str]) -> str:
    """The key that runs an action everywhere, after the `[keymap]`: the one hints should name."""
    keys = keymap.get(action_id) or ACTIONS_BY_ID[action_id].keys
    return keys.split(",")[0].strip()
