"""The one-line header: the active skill, the backend, the session and the connection state.

It is fed `Connection` updates and the skill id; it never sees the token, so it cannot show it.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from nemo_tui.core.updates import Connection

PHASE_MARK = {"connecting": ("◌", "yellow"), "ready": ("●", "green"), "offline": ("✗", "red")}
PHASE_WORD = {"connecting": "Connecting...", "ready": "ready", "offline": "offline"}


def short_session(session_id: str | None) -> str:
    if not session_id:
        return "no session"
    return session_id if len(session_id) <= 10 else session_id[:8] + "…"


class SessionHeader(Static):
    """`nemo-tui ● ready  SKILL · BACKEND · session ID`: the state first, so 80 columns keep it."""

    def __init__(self, skill_id: str, backend: str, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.skill_id = skill_id
        self.connection = Connection("connecting", backend)
        # A passing activity shown after the session ("preview 40%"), empty when none.
        self.activity = ""

    def on_mount(self) -> None:
        self._show()

    def show_connection(self, connection: Connection) -> None:
        self.connection = connection
        self._show()

    def show_activity(self, activity: str) -> None:
        self.activity = activity
        self._show()

    def show_skill(self, skill_id: str) -> None:
        self.skill_id = skill_id
        self._show()

    def _show(self) -> None:
        connection = self.connection
        mark, colour = PHASE_MARK[connection.phase]
        state = connection.detail if connection.detail else PHASE_WORD[connection.phase]
        self.update(
            Text.assemble(
                (" nemo-tui ", "bold reverse"),
                " ",
                (f"{mark} {state}", colour),
                "  ",
                (self.skill_id, "bold"),
                (" · ", "dim"),
                connection.backend,
                (" · session ", "dim"),
                short_session(connection.session_id),
                ("  " + self.activity if self.activity else "", "yellow"),
                no_wrap=True,
                overflow="ellipsis",
            )
        )
